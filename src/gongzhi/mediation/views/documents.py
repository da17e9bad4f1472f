"""Printable documents of a dispute."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.choices import AuditAction

from ..choices import OutcomeKind
from .common import reader_required, visible_or_404


@reader_required
def agreement_pdf(request, pk):
    """The 调解协议书 (a written outcome only), identifiers masked; the print is audited."""
    d = visible_or_404(request, pk)
    if d.outcome != OutcomeKind.WRITTEN:
        raise Http404
    from ..pdf import agreement_pdf as render_pdf

    content = render_pdf(d)
    core.record(AuditAction.EXPORT, d, reason=_("打印调解协议书"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = xlsx.content_disposition(f"调解协议书-{d.tracking_number}.pdf").replace(
        "attachment", "inline"
    )
    return response
