"""Import pages: upload an .xlsx/.csv of residents, download the template, download the
error workbook of one's own import.

The upload runs `import_residents` synchronously as the logged-in user, so rows land only in
grids where the user holds registry.import_resident and every change is audited under their
name with source "import". Uploaded files and error workbooks live under
MEDIA_ROOT/imports/ with an unguessable name that starts with the owner's id; the download
view rebuilds the path from the requesting user's id, so nobody can fetch another user's
workbook even with its token.
"""

import re
import secrets
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import xlsx
from gongzhi.core.scoping import has_perm_anywhere
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from .. import permissions as perms
from ..import_files import import_dir, remove_stale
from ..import_reader import SUPPORTED, ImportFileError
from ..import_template import template_bytes
from ..imports import import_residents

IMPORT_PERM = perms.IMPORT_RESIDENT
MAX_UPLOAD = 20 * 1024 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _require(user):
    if not has_perm_anywhere(user, IMPORT_PERM):
        raise PermissionDenied(_("没有导入居民的权限"))


def _check(upload) -> str:
    if upload is None:
        return _("请选择要导入的文件")
    if Path(upload.name).suffix.lower() not in SUPPORTED:
        return _("只能导入 .xlsx 或 .csv 文件")
    if upload.size > MAX_UPLOAD:
        return _("文件超过 20 MB，请拆分后分批导入，或由管理员用命令行导入")
    return ""


def _run(user, upload):
    """Save the upload, import it as `user`, remove it; (result, error message, token)."""
    # Error workbooks and uploads left by a killed import hold personal data: old ones go
    # whenever anyone imports (and at `gongzhi tick`), see import_files.
    remove_stale()
    token = secrets.token_urlsafe(24)
    source = import_dir() / f"{user.pk}-{token}{Path(upload.name).suffix.lower()}"
    with open(source, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    try:
        return import_residents(source, user=user), "", token
    except ImportFileError as e:
        return None, str(e), ""
    finally:
        source.unlink(missing_ok=True)


@login_required
def page(request):
    """The upload form, and after an upload the counts and the error workbook link."""
    _require(request.user)
    context = {"max_mb": MAX_UPLOAD // (1024 * 1024)}
    if request.method == "POST":
        upload = request.FILES.get("file")
        error = _check(upload)
        if not error:
            result, error, token = _run(request.user, upload)
            if result is not None:
                context.update(result=result, filename=upload.name)
                if result.error_path:
                    context["errors_url"] = reverse("registry_import:errors", args=[token])
        context["error"] = error
    return render(request, "registry/import.html", context, status=400 if context.get("error") else 200)


@login_required
def template(request):
    """The import template (.xlsx), its example row placed in one of the user's grids."""
    _require(request.user)
    grid = Node.objects.visible_to(request.user, IMPORT_PERM).filter(level=Level.GRID).order_by("code").first()
    return xlsx.bytes_response(template_bytes(grid.code if grid else ""), "居民导入模板.xlsx")


@login_required
def errors(request, token):
    """The error workbook of one of the requesting user's own imports."""
    _require(request.user)
    if not _TOKEN.match(token):
        raise Http404
    path = import_dir() / f"{request.user.pk}-{token}.errors.xlsx"
    if not path.is_file():
        raise Http404
    return FileResponse(open(path, "rb"), as_attachment=True, filename="导入错误清单.xlsx", content_type=xlsx.XLSX_MIME)
