"""The figures service requests add to the workbench (工作台) and the menu's badges. Each
counts the very list its link opens, through that list's selector (selectors.py), so a figure
always equals the length of its list; a figure the user's roles lack answers None."""

from django.urls import reverse
from django.utils import timezone

from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as p
from . import selectors
from .countdown import countdown


def _handles(user) -> bool:
    """Works a queue of their own organisation (a department or a community committee)."""
    return bool(getattr(user, "organisation_id", None)) and has_perm_anywhere(user, p.HANDLE)


def _items(qs, limit, now=None) -> list[tuple[str, str]]:
    """The first `limit` rows of a list as (text, link): number, category, countdown."""
    now = now or timezone.now()
    out = []
    for r in qs.select_related(None).select_related("category")[:limit]:
        words = countdown(r.deadline, now)[0] if r.is_open else ""
        text = " · ".join(x for x in (r.tracking_number, r.category.name, words) if x)
        out.append((text, reverse("requests_staff:detail", args=[r.pk])))
    return out


# 待派单 ------------------------------------------------------------------------------


def dispatch_count(user):
    return selectors.dispatch_queue(user).count() if has_perm_anywhere(user, p.DISPATCH) else None


def dispatch_url(user):
    return reverse("requests_staff:dispatch_queue")


def dispatch_urgent(user, limit):
    return _items(selectors.dispatch_queue(user), limit)


# 待签收 ------------------------------------------------------------------------------


def accept_count(user):
    return selectors.my_queue(user, "dispatched").count() if _handles(user) else None


def accept_url(user):
    return reverse("requests_staff:my_queue") + "?state=dispatched"


def accept_urgent(user, limit):
    return _items(selectors.my_queue(user, "dispatched"), limit)


# 即将超期 / 已超期: the own organisation's queue, else the area's list ---------------------


def _state_list(user, state):
    """(queryset, URL) of the list a state figure opens for this user, or None."""
    if _handles(user):
        return selectors.my_queue(user, state), reverse("requests_staff:my_queue") + f"?state={state}"
    if has_perm_anywhere(user, p.VIEW):
        return selectors.area_requests(user, state), reverse("requests_staff:list") + f"?state={state}"
    return None


def soon_count(user):
    found = _state_list(user, "soon")
    return found[0].count() if found else None


def soon_url(user):
    return _state_list(user, "soon")[1]


def soon_urgent(user, limit):
    return _items(_state_list(user, "soon")[0].order_by("deadline", "pk"), limit)


def _overdue_list(user):
    """A supervisor's 督办 list, else the own queue's or the area's overdue requests."""
    if has_perm_anywhere(user, p.SUPERVISE):
        return selectors.supervise_overdue(user), reverse("requests_staff:overdue")
    return _state_list(user, "overdue")


def overdue_count(user):
    found = _overdue_list(user)
    return found[0].count() if found else None


def overdue_url(user):
    return _overdue_list(user)[1]


def overdue_urgent(user, limit):
    return _items(_overdue_list(user)[0].order_by("deadline", "pk"), limit)


# 待审批 (延期申请) -----------------------------------------------------------------------


def extension_count(user):
    if not has_perm_anywhere(user, p.DISPATCH):
        return None
    return selectors.area_requests(user, "extension").count()


def extension_url(user):
    return reverse("requests_staff:list") + "?state=extension"


def extension_urgent(user, limit):
    return _items(selectors.area_requests(user, "extension").order_by("deadline", "pk"), limit)


# 待回访 ------------------------------------------------------------------------------


def visit_count(user):
    return selectors.visit_queue(user).count() if has_perm_anywhere(user, p.VISIT) else None


def visit_url(user):
    return reverse("requests_staff:visit_queue")


def visit_urgent(user, limit):
    return _items(selectors.visit_queue(user), limit)


def counters():
    """The manifest's counters (labels translated when shown)."""
    from django.utils.translation import gettext_lazy

    from gongzhi.core.manifest import Counter

    return (
        Counter(
            "accept",
            gettext_lazy("待签收"),
            accept_url,
            accept_count,
            10,
            accept_urgent,
            "requests_staff:my_queue",
            True,
        ),
        Counter(
            "dispatch",
            gettext_lazy("待派单"),
            dispatch_url,
            dispatch_count,
            20,
            dispatch_urgent,
            "requests_staff:dispatch_queue",
            True,
        ),
        Counter("soon", gettext_lazy("即将超期"), soon_url, soon_count, 30, soon_urgent),
        Counter(
            "overdue",
            gettext_lazy("已超期"),
            overdue_url,
            overdue_count,
            40,
            overdue_urgent,
            "requests_staff:overdue",
            True,
            alert=True,
        ),
        Counter(
            "visit",
            gettext_lazy("待回访"),
            visit_url,
            visit_count,
            50,
            visit_urgent,
            "requests_staff:visit_queue",
            True,
        ),
        Counter("extension", gettext_lazy("待我审批（延期）"), extension_url, extension_count, 60, extension_urgent),
    )
