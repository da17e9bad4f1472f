"""Helpers the consultation pages share: which communities a user may act in, the POST-only
guard, tag colours of statuses, and the `?export=xlsx` answer of a list page (logged)."""

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.utils import timezone

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.choices import AuditAction
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

# Colour of each status value (see .tag.* in gongzhi.css).
STATUS_TAG = {
    "collecting": "info",
    "pending": "warn",
    "handling": "info",
    "in_council": "info",
    "to_assembly": "info",
    "declined": "bad",
    "decided": "ok",
    "rejected": "bad",
    "withdrawn": "",
    "carrying_out": "warn",
    "done": "ok",
    "planned": "info",
    "open": "warn",
    "closed": "",
    "cancelled": "bad",
    "draft": "",
    "adopted": "ok",
    "partly": "warn",
    "not_adopted": "bad",
    "reported": "ok",
    "decision": "ok",
    "result": "info",
    "finance": "warn",
    "affairs": "info",
    "correction": "bad",
    "notice": "info",
}


def post_only(view):
    """State changes answer POST only, so a link preview or a crawler cannot trigger one."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    return wrapped


def communities(user, perm):
    """Communities and villages (level 3) where the user holds `perm`."""
    return Node.objects.visible_to(user, perm).filter(level=Level.COMMUNITY).order_by("code")


def places(user, perm):
    """Towns and communities (levels 2–3) where the user holds `perm`: where a draft is taken."""
    return Node.objects.visible_to(user, perm).filter(level__in=(Level.TOWN, Level.COMMUNITY)).order_by("code")


def community_of(resident):
    """The community (level-3 node) a resident lives in."""
    node = resident.grid
    while node is not None and node.level > Level.COMMUNITY:
        node = node.parent
    return node


def fmt(value):
    """A cell value for Excel: dates stay dates, datetimes become local and naive."""
    if hasattr(value, "tzinfo") and value is not None and getattr(value, "hour", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def export_list(model, filename, sheet, columns, objects, *, node_path="", log=True):
    """An .xlsx of `objects`; `columns` are (Chinese header, function of an object). The export
    is written to the change log with its size, like every other export — except downloads of
    the public board, which anyone may read (logging them would only fill the log)."""
    rows = [[fmt(get(obj)) for _, get in columns] for obj in objects]
    if log:
        core.record(
            AuditAction.EXPORT,
            None,
            model=model,
            object_repr=sheet,
            after={"rows": len(rows), "masked": True},
            node_path=node_path or None,
        )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx.xlsx_response(f"{filename}-{stamp}.xlsx", sheet, [h for h, _ in columns], rows)
