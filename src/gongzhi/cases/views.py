"""The inbox page, /inbox/: every signed-in user's own notifications, whatever the case type
(service requests, mediation, care's escalations without a case), unread first. Each one links
to its case's page as the app owning the case type declares it in its manifest; a case the user
may no longer read keeps its text and loses its link. Nobody ever sees or marks another user's
notifications: they are not found (404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import xlsx
from gongzhi.core.web import paginate, wants_export
from gongzhi.core.workdays import CN_TZ

from . import inbox as inbox_service


@login_required
def inbox(request):
    """My notifications: unread first, then newest first; paged; an .xlsx export."""
    unread_only = request.GET.get("unread") == "1"
    qs = inbox_service.unread_first(request.user, unread_only=unread_only)
    if wants_export(request):
        rows = (
            [
                n.created_at.astimezone(CN_TZ).replace(tzinfo=None),
                n.get_kind_display(),
                n.case.tracking_number if n.case_id else "",
                n.text,
                _("未读") if n.unread else _("已读"),
            ]
            for n in qs.iterator(chunk_size=2000)
        )
        headers = [_("时间"), _("类型"), _("受理编号"), _("内容"), _("状态")]
        return xlsx.xlsx_response(_("站内通知.xlsx"), _("通知"), headers, rows)
    page = paginate(request, qs)
    links = inbox_service.case_links(request.user, page)
    return render(
        request,
        "cases/inbox.html",
        {
            "page": page,
            "rows": [(n, links.get(n.case_id)) for n in page],
            "unread_only": unread_only,
            "unread_count": inbox_service.unread_count(request.user),
        },
    )


@login_required
def unread_badge(request):
    """The unread counter of the page header (fetched by htmx after the page loads, so no page
    pays a query for it)."""
    return render(request, "cases/_unread_badge.html", {"unread_count": inbox_service.unread_count(request.user)})


@require_POST
@login_required
def mark_read(request):
    """Mark one notification (`id`) or all of mine read. Someone else's notification is not
    found (404), as if it did not exist."""
    raw = request.POST.get("id", "")
    if raw:
        if not raw.isdigit() or not inbox_service.inbox(request.user).filter(pk=int(raw)).exists():
            raise Http404
        inbox_service.mark_read(request.user, [int(raw)])
    else:
        inbox_service.mark_read(request.user)
    # Back to the page and filter the button was on; only ever within the inbox.
    nxt = request.POST.get("next") or ""
    return redirect(nxt if nxt.startswith("/inbox/") else "cases:inbox")
