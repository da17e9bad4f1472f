"""Photos and documents of a dispute (evidence, the scan of the signed paper agreement) and of
its sessions. The platform's upload rules (core.uploads) check type, size and count before
anything is stored; photos are images by their content. Files live under MEDIA_ROOT, which is
not served: they are read only through the dispute's scoped, audited download."""

import mimetypes
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.workflow import transition
from gongzhi.core import services as core
from gongzhi.core import uploads
from gongzhi.core.choices import AuditAction

from .choices import AttachmentKind
from .guard import writable
from .models import Attachment, Dispute
from .selectors import check_own
from .transitions import WORKFLOW

# A dispute's papers: documents and photos (GIF is not among them: it cannot be checked to be
# an image by content like the others).
TYPES = uploads.DOCUMENT_TYPES - {".gif"}


def max_bytes() -> int:
    return int(getattr(settings, "GONGZHI_MEDIATION_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


MAX_PER_UPLOAD = 10
MAX_PER_DISPUTE = 60


def _content_type(name: str) -> str:
    return (mimetypes.guess_type(name)[0] or "application/octet-stream")[:100]


@writable
def attach(actor, dispute, files, *, kind, description="", session=None, now=None) -> list[Attachment]:
    """上传附件: files on `dispute` (or on one of its sessions), by an assigned mediator, a
    member of its committee or committee staff (the table's MEDIATE permission and the
    own-case rule, like a session record). On any error nothing is kept, no row and no file."""
    files = list(files or ())
    if not files:
        raise ValidationError({"files": _("请选择要上传的文件。")})
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": _("请选择附件类别。")})
    if session is not None and session.dispute_id != dispute.pk:
        raise ValidationError({"session": _("请选择本案的调解笔录。")})
    uploads.check_files(files, max_files=MAX_PER_UPLOAD, max_bytes=max_bytes(), types=TYPES, sniff_images=True)
    if kind == AttachmentKind.PHOTO:
        for f in files:
            if os.path.splitext(f.name or "")[1].lower() not in uploads.IMAGE_EXTENSIONS:
                raise ValidationError({"files": _("“%(name)s”不是照片，请选择其他类别。") % {"name": f.name}})
    now = now or timezone.now()
    description = (description or "").strip()[:200]
    stored, saved = [], []
    try:
        with transaction.atomic():
            check_own(actor, dispute, WORKFLOW.action("attach").label)
            Dispute.objects.select_for_update().filter(pk=dispute.pk).first()
            if dispute.attachments.count() + len(files) > MAX_PER_DISPUTE:
                raise ValidationError(
                    {"files": _("每个案件最多 %(n)s 个附件。") % {"n": MAX_PER_DISPUTE}}, code="attachment_count"
                )
            names = "、".join(os.path.basename(f.name) for f in files)
            where = (
                _("（%(day)s 调解笔录）") % {"day": f"{timezone.localtime(session.held_at):%Y-%m-%d}"}
                if session
                else ""
            )
            transition(
                dispute,
                "attach",
                actor,
                note=_("上传%(kind)s%(where)s：%(names)s")
                % {"kind": AttachmentKind(kind).label, "where": where, "names": names},
                now=now,
            )
            for f in files:
                name = os.path.basename(f.name)[:200]
                row = Attachment(
                    dispute=dispute,
                    session=session,
                    kind=kind,
                    description=description,
                    original_name=name,
                    content_type=_content_type(name),
                    size=f.size,
                    uploaded_at=now,
                    uploaded_by=actor if getattr(actor, "pk", None) else None,
                )
                row.file.save(name, f, save=False)  # stored under attachment_path's name, not this one
                stored.append(row)
                row.save()
                core.record(
                    AuditAction.CREATE,
                    row,
                    after={"original_name": name, "kind": kind, "size": row.size, "session": session and session.pk},
                    reason=_("上传调解附件"),
                )
                saved.append(row)
    except Exception:
        for row in stored:
            row.file.delete(save=False)
        raise
    return saved


def record_download(attachment) -> None:
    """Every download of an attachment is audited (人民调解法 Art. 15)."""
    core.record(
        AuditAction.VIEW,
        attachment.dispute,
        reason=_("下载调解附件：%(name)s") % {"name": attachment.original_name},
    )
