"""The countdown of a request's deadline, as lists and the request page show it: the words
("还剩 2 天 3 小时", "超期 4 天") and their colour."""

import math

from django.utils.translation import gettext as _


def countdown(deadline, now) -> tuple[str, bool]:
    """("还剩 2 天 3 小时", False) or ("超期 4 天", True) in whole hours; a request still in
    time shows at least "还剩 1 小时", never "还剩 0 小时"."""
    if deadline is None:
        return "", False
    seconds = (deadline - now).total_seconds()
    if seconds < 0:
        hours = math.ceil(-seconds / 3600)
        days, rest = divmod(hours, 24)
        return (_("超期 %(d)s 天") % {"d": days} if days else _("超期 %(h)s 小时") % {"h": rest}), True
    hours = max(int(seconds // 3600), 1)
    days, rest = divmod(hours, 24)
    text = _("还剩 %(d)s 天 %(h)s 小时") % {"d": days, "h": rest} if days else _("还剩 %(h)s 小时") % {"h": rest}
    return text, False


def countdown_tone(deadline, now) -> str:
    """The colour of a countdown: "bad" once overdue, "warn" (amber) in its last day — when the
    countdown is told in hours — and "info" before."""
    if deadline is None:
        return ""
    seconds = (deadline - now).total_seconds()
    if seconds < 0:
        return "bad"
    return "warn" if seconds < 24 * 3600 else "info"


def row_countdown(row: dict, obj, now) -> None:
    """A list row's countdown: only an open request counts down; a closed, rated or merged one
    shows its deadline and no countdown (it can no longer be late)."""
    if obj.is_open:
        row["countdown"], row["late"] = countdown(obj.deadline, now)
        row["tone"] = countdown_tone(obj.deadline, now)
    else:
        row["countdown"], row["late"], row["tone"] = "", False, ""
