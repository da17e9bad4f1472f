"""A dispute's files: the case file (卷宗) PDF, and the photos and documents attached to it or
its sessions (upload; scoped, audited download). Nothing here is public: every answer goes
through the dispute's scoped fetch (out of scope → 404) and is audited (人民调解法 Art. 15)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import xlsx

from .. import services
from ..attachments import record_download
from ..forms import AttachmentForm
from ..models import Attachment
from .common import reader_required, visible_or_404


@reader_required
def case_file_pdf(request, pk):
    """The case file (卷宗) of a dispute the user may read, archived ones included; identifiers
    masked; every view or download is audited."""
    d = visible_or_404(request, pk)
    from ..pdf import case_file_pdf as render_pdf

    content = render_pdf(d)
    services.record_case_file(request.user, d)
    response = HttpResponse(content, content_type="application/pdf")
    disposition = xlsx.content_disposition(f"调解卷宗-{d.tracking_number}.pdf")
    if request.GET.get("download") != "1":
        disposition = disposition.replace("attachment", "inline")
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@reader_required
def upload(request, pk):
    """上传附件 to a dispute (or one of its sessions); refusals (type, size, count, an archived
    case, not one's own case) come back as messages, nothing stored."""
    d = visible_or_404(request, pk)
    form = AttachmentForm(request.POST, dispute=d)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("mediation:detail", pk=d.pk)
    data = form.cleaned_data
    try:
        saved = services.attach(
            request.user,
            d,
            request.FILES.getlist("files"),
            kind=data["kind"],
            description=data["description"],
            session=data["session"],
        )
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已上传附件 %(n)s 个。") % {"n": len(saved)})
    return redirect("mediation:detail", pk=d.pk)


@reader_required
def download(request, pk, file_pk):
    """One attachment of a dispute the user may read (404 otherwise), audited; photos are shown
    inline (they are images by their content), documents always downloaded."""
    d = visible_or_404(request, pk)
    row = get_object_or_404(Attachment, pk=file_pk, dispute_id=d.pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record_download(row)
    inline = row.content_type in ("image/jpeg", "image/png", "image/webp")
    response = FileResponse(
        handle, as_attachment=not inline, filename=row.original_name, content_type=row.content_type or None
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
