"""What a search by number may match for a user, and how such searches are limited and logged
(docs/permissions.md, 号码脱敏; PIPL Art. 51).

A user who sees a resident's numbers masked (no `registry.unmask_pii` on that resident's grid)
can find them only by what the mask shows — the start of the ID number, the start and end of the
phone number (core.masking) — or by the whole number. Otherwise a search for fragments, one digit
at a time, would read back every hidden digit. Rights are per grid, so the condition is a
filter on each row: residents in the grids where the user may unmask match any fragment, the
others only their visible parts or their whole number. The condition is added to the search's
own matches (an index or a scan), so the search is as fast as before.

Every search by number counts against GONGZHI_RATE_NUMBER_SEARCH per user; a look-up by a whole
ID or phone number also against GONGZHI_RATE_NUMBER_LOOKUP and is written to the audit log, one
entry per resident found (they may now know that resident's full number) or one saying nothing
was found (a guess). A refused duplicate ID number is the same kind of look-up
(registry.duplicates)."""

import re

from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from gongzhi.core import audit, idnumber, masking, throttle
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import Throttled
from gongzhi.core.scoping import paths_for, scope_path, scope_q

from . import permissions as perms

UNMASK = perms.UNMASK_PII
VIEW = perms.VIEW_RESIDENT
SEARCH_GROUP, LOOKUP_GROUP = "number-search", "number-lookup"
SEARCH_RATE, LOOKUP_RATE = "GONGZHI_RATE_NUMBER_SEARCH", "GONGZHI_RATE_NUMBER_LOOKUP"
# A phone number typed whole: a mobile, or a landline's area code and number without the dash.
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{9,11})$")
# Residents written to the audit log per look-up at most: a whole number matches one or two.
_LOGGED = 20
_NO_MATCH = Q(pk__in=[])


def searcher(qs):
    """The user a search runs for: the one whose scope the queryset is (`visible_to`), else
    the acting user of the request or command; None for the system (no user: nothing masked)."""
    user = getattr(qs, "scope_user", None)
    if user is None:
        user = audit.current().user
    return user if getattr(user, "is_authenticated", False) else None


def whole_id(text: str) -> str:
    """The stored form of a complete, valid ID number (a legacy 15-digit one upgraded), or ''."""
    if len(text) not in (15, 18):
        return ""
    try:
        return idnumber.normalise(text)
    except idnumber.IdNumberError:
        return ""


def lookup_kind(text: str) -> str:
    """'id' or 'phone' when `text` is a whole number of that kind (a look-up), else ''."""
    if whole_id(text):
        return "id"
    return "phone" if _PHONE.match(text) else ""


def sees_every_number(user) -> bool:
    """Does `user` hold the unmask right wherever they may see residents (or is it the system)?
    Then no search of theirs needs the per-row condition."""
    if user is None:
        return True
    unmask = paths_for(user, UNMASK)
    if unmask is None:
        return True
    view = paths_for(user, VIEW)
    return view is not None and all(any(v.startswith(u) for u in unmask) for v in view)


def sees_no_number(user) -> bool:
    """Does `user` see every number in their scope masked (no unmask right anywhere in it)?
    Then a search by number is answered from what the masks show alone (`selectors`)."""
    if user is None:
        return False
    unmask = paths_for(user, UNMASK)
    if unmask is None:
        return False
    view = paths_for(user, VIEW)
    if view is None:
        return not unmask
    return not any(u.startswith(v) or v.startswith(u) for u in unmask for v in view)


def visible_pattern(text: str) -> Q:
    """`_visible_pattern`, for the selectors."""
    return _visible_pattern(text)


def _visible(text: str) -> Q:
    """Residents whose numbers show `text` through the mask: the start of the ID number, the
    start or end of the phone number, or the whole of either."""
    n = len(text)
    # A phone's visible start is all but its last PHONE_HIDDEN + PHONE_TAIL characters.
    q = Q(phone__startswith=text) & Q(
        GreaterThanOrEqual(Length("phone"), n + masking.PHONE_HIDDEN + masking.PHONE_TAIL)
    )
    if n <= masking.ID_HEAD:
        q |= Q(id_number__startswith=text)
    if n <= masking.PHONE_TAIL:
        q |= Q(phone__endswith=text)
    if whole := whole_id(text):
        q |= Q(id_number=whole)
    if _PHONE.match(text):
        q |= Q(phone=text)
    return q


def _visible_pattern(text: str) -> Q:
    """Residents matching a masked number pasted back (`*` = one hidden character) whose known
    characters all lie where that number's mask shows them."""
    known = [i for i, c in enumerate(text) if c != "*"]
    size, pattern = len(text), "^" + ".".join(re.escape(p) for p in text.split("*")) + "$"
    q = _NO_MATCH
    if size > 8 and all(i < masking.ID_HEAD for i in known):
        q |= Q(id_number__regex=pattern)
    head = max(0, size - masking.PHONE_HIDDEN - masking.PHONE_TAIL)
    if size > masking.PHONE_TAIL and all(i < head or i >= size - masking.PHONE_TAIL for i in known):
        q |= Q(phone__regex=pattern)
    return q


def restriction(user, text: str) -> Q | None:
    """The condition a search by number (`text`, upper-case, `*` for hidden characters) adds
    for `user`: any match in the grids where they may unmask, elsewhere only what the mask
    shows. None when nothing needs restricting."""
    if sees_every_number(user):
        return None
    visible = _visible_pattern(text) if "*" in text else _visible(text)
    return scope_q(user, UNMASK, "grid__path") | visible


def count(user, text: str):
    """Count a search by number against the user's allowances; raise Throttled past one."""
    if user is None:
        return
    wait = throttle.hit_user(user, SEARCH_GROUP, SEARCH_RATE)
    if wait:
        raise Throttled(
            wait, _("按号码搜索过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.minutes(wait)}
        )
    if lookup_kind(text):
        wait = throttle.hit_user(user, LOOKUP_GROUP, LOOKUP_RATE)
        if wait:
            raise Throttled(wait, lookup_throttled_message(wait))


def lookup_throttled_message(wait: int) -> str:
    return _("按完整号码查找过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.minutes(wait)}


def log_lookup(user, text: str, queryset):
    """Write the audit entries of a look-up by a whole number: one per resident found, or one
    saying nothing was found (the number itself is kept only masked)."""
    if user is None or not (kind := lookup_kind(text)):
        return
    what = "身份证号" if kind == "id" else "电话"
    found = list(queryset.order_by().select_related("grid")[:_LOGGED])
    for resident in found:
        core.record(AuditAction.UNMASK, resident, reason=f"按完整{what}查找")
    if not found:
        from .models import Resident

        shown = masking.mask_id(text) if kind == "id" else masking.mask_phone(text)
        core.record(
            AuditAction.UNMASK,
            None,
            model=Resident,
            object_repr=shown,
            reason=f"按完整{what}查找，未找到",
            node_path=scope_path(user, VIEW),
        )
