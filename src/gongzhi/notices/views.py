"""Web pages of notices for officials: the list (with read counts and its Excel export),
drafting and changing, the notice's page (publish, withdraw, send, broadcast), the printable
broadcast sheet and the delivery statuses."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.core.sorting import chosen
from gongzhi.core.web import paginate, perm_required, run_action, run_service, wants_export

from . import exports, schedule, selectors, services
from . import permissions as perms
from .choices import Status
from .forms import ActForm, BroadcastForm, NoticeForm, SendForm, WithdrawForm
from .models import Delivery

SORTS = {
    "published": ("published_at", "id"),
    "title": ("title", "id"),
    "until": ("valid_until", "id"),
    "reads": ("read_count", "id"),
}


def _notice(request, pk):
    found = selectors.with_counts(selectors.notices_for(request.user)).select_related("node", "author").filter(pk=pk)
    notice = found.first()
    if notice is None:
        raise Http404
    return notice


@perm_required(perms.VIEW)
def notice_list(request):
    """The notices in my scope, newest first, with how many residents read each."""
    status = request.GET.get("status", "")
    qs = selectors.with_counts(selectors.notices_for(request.user)).select_related("node", "author")
    if status in Status.values:
        qs = qs.filter(status=status)
    q = (request.GET.get("q") or "").strip()[:40]
    if q:
        qs = qs.filter(title__contains=q)
    sort = chosen(request.GET, SORTS, "-published")
    qs = sort.apply(qs)
    if wants_export(request):
        return exports.export_notices(request.user, qs)
    return render(
        request,
        "notices/list.html",
        {
            "page": paginate(request, qs),
            "status": status,
            "statuses": Status.choices,
            "q": q,
            "sort": sort,
            "may_add": has_perm_anywhere(request.user, perms.ADD),
        },
    )


@perm_required(perms.ADD)
def create(request):
    form = NoticeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        notice = run_service(form, lambda data: services.create_notice(request.user, **form.changes()))
        if notice is not None:
            messages.success(request, _("通知草稿已保存"))
            return redirect("notices:detail", notice.pk)
    return render(request, "notices/form.html", {"form": form, "notice": None})


@perm_required(perms.CHANGE)
def edit(request, pk):
    notice = _notice(request, pk)
    form = NoticeForm(request.POST or None, user=request.user, instance=notice)
    if request.method == "POST":

        def save(data):
            return services.update_notice(
                request.user,
                notice,
                form.changes(),
                reason=data.get("reason", ""),
                expected_version=data.get("expected_version"),
            )

        if run_service(form, save) is not None:
            messages.success(request, _("通知已修改"))
            return redirect("notices:detail", notice.pk)
    return render(request, "notices/form.html", {"form": form, "notice": notice})


def _detail_context(request, notice, **forms):
    user = request.user
    path = notice.node.path
    audience = selectors.audience(notice)
    context = {
        "notice": notice,
        "audience_count": audience.count(),
        "with_account": audience.filter(user__isnull=False).count(),
        "broadcast": getattr(notice, "broadcast", None),
        "may_change": notice.status == Status.DRAFT and has_perm_at(user, perms.CHANGE, path),
        "may_publish": has_perm_at(user, perms.PUBLISH, path),
        "may_send": notice.status == Status.PUBLISHED and has_perm_at(user, perms.SEND, path),
        "may_broadcast": notice.status != Status.WITHDRAWN and has_perm_at(user, perms.CHANGE, path),
        "may_tell": selectors.may_tell(user) and notice.status == Status.PUBLISHED,
        "sent": dict(Delivery.objects.filter(notice=notice).values_list("status").annotate(n=Count("id")).order_by()),
        "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
        "send_form": forms.get("send_form") or SendForm(),
        "act_form": forms.get("act_form") or ActForm(),
    }
    return context


@perm_required(perms.VIEW)
def detail(request, pk):
    notice = _notice(request, pk)
    return render(request, "notices/detail.html", _detail_context(request, notice))


@require_POST
@perm_required(perms.PUBLISH)
def publish(request, pk):
    notice = _notice(request, pk)
    form = ActForm(request.POST)
    done, status = run_action(form, lambda data: services.publish_notice(request.user, notice))
    if done:
        messages.success(request, _("通知已发布"))
        return redirect("notices:detail", notice.pk)
    notice = _notice(request, pk)
    return render(request, "notices/detail.html", _detail_context(request, notice, act_form=form), status=status)


@require_POST
@perm_required(perms.PUBLISH)
def withdraw(request, pk):
    notice = _notice(request, pk)
    form = WithdrawForm(request.POST)
    done, status = run_action(form, lambda data: services.withdraw_notice(request.user, notice, reason=data["reason"]))
    if done:
        messages.success(request, _("通知已撤回"))
        return redirect("notices:detail", notice.pk)
    notice = _notice(request, pk)
    return render(request, "notices/detail.html", _detail_context(request, notice, withdraw_form=form), status=status)


@require_POST
@perm_required(perms.SEND)
def send(request, pk):
    notice = _notice(request, pk)
    form = SendForm(request.POST)
    result = {}

    def go(data):
        result.update(services.send_notice(request.user, notice, channel=data["channel"]))
        return True

    done, status = run_action(form, go)
    if done:
        messages.success(
            request,
            _("已发送 %(sent)s 条，失败 %(failed)s 条，无手机号 %(none)s 人")
            % {"sent": result.get("sent", 0), "failed": result.get("failed", 0), "none": result.get("no_phone", 0)},
        )
        return redirect("notices:deliveries", notice.pk)
    return render(request, "notices/detail.html", _detail_context(request, notice, send_form=form), status=status)


@perm_required(perms.CHANGE)
def broadcast(request, pk):
    """Write or change the loudspeaker text and schedule."""
    notice = _notice(request, pk)
    existing = getattr(notice, "broadcast", None)
    initial = (
        {
            "text": existing.text,
            "start_date": existing.start_date,
            "end_date": existing.end_date,
            "times": existing.times,
            "repeat": existing.repeat,
        }
        if existing
        else {"text": f"{notice.title}。{notice.body}", "start_date": notice.valid_from, "end_date": notice.valid_from}
    )
    form = BroadcastForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done, status = run_action(form, lambda data: services.set_broadcast(request.user, notice, **data))
        if done:
            messages.success(request, _("村村响广播已安排"))
            return redirect("notices:broadcast_sheet", notice.pk)
        return render(request, "notices/broadcast_form.html", {"form": form, "notice": notice}, status=status)
    return render(request, "notices/broadcast_form.html", {"form": form, "notice": notice})


@perm_required(perms.VIEW)
def broadcast_sheet(request, pk):
    """The printable broadcast sheet: the text to read out and every date and time."""
    notice = _notice(request, pk)
    cast = getattr(notice, "broadcast", None)
    if cast is None:
        raise Http404
    return render(
        request, "notices/broadcast_sheet.html", {"notice": notice, "cast": cast, "readings": schedule.readings(cast)}
    )


@perm_required(perms.SEND)
def deliveries(request, pk):
    """Per-recipient status of the sendings: masked phones; sensitive residents only for who
    may see them."""
    notice = _notice(request, pk)
    qs = selectors.deliveries(request.user, notice)
    if wants_export(request):
        return exports.export_deliveries(request.user, notice, qs)
    return render(request, "notices/deliveries.html", {"notice": notice, "page": paginate(request, qs)})
