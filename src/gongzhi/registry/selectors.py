"""Reads of households and residents, always scoped to the user, plus search."""

import functools
import operator
import re
from typing import NamedTuple

from django.db import connections
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Length, Reverse
from django.db.models.lookups import GreaterThanOrEqual, StartsWith
from django.shortcuts import get_object_or_404

from gongzhi.core import idnumber, masking
from gongzhi.core.halfwidth import ascii_form

from . import keyset, number_search
from .models import Household, Resident, ResidentNamePart, small_scope_grids
from .permissions import VIEW_HOUSEHOLD
from .search import DIGITS_TABLE, digit_match_condition, digit_match_sql, has_digit_index, phone_tail_sql

_DIGITS = re.compile(r"^(?=.*[0-9*])[0-9Xx*]+$")  # "x" alone is a pinyin initial (许, 谢)
_LATIN = re.compile(r"^[A-Za-z ]+$")


def residents(user, perm=None):
    return Resident.objects.visible_to(user, perm).select_related("grid", "household")


def households(user, perm=None):
    qs = Household.objects.visible_to(user, perm)
    # A grid worker's few grids: read their households from the grid index (as for residents,
    # ResidentQuerySet.visible_to) rather than test each household's grid path.
    if grids := small_scope_grids(user, perm or VIEW_HOUSEHOLD):
        qs = qs.filter(grid_id__in=grids)
    return qs.select_related("grid", "building", "head")


def member_counts(household_ids) -> dict:
    """{household id: number of members} for the households of one list page (households the
    reader may see). Every member counts, as the list always counted them: a number names no one."""
    rows = (
        Resident.objects.filter(household_id__in=list(household_ids))
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    return dict(rows)


def get_resident(user, pk, perm=None):
    return get_object_or_404(residents(user, perm), pk=pk)


def get_household(user, pk, perm=None):
    return get_object_or_404(households(user, perm), pk=pk)


def _prefix(qs, field: str, text: str) -> Q:
    """A prefix match an index answers. SQLite: a range (its LIKE is case-insensitive and skips
    the index; BINARY collation makes the range exact). Elsewhere: startswith, because a
    range is only exact under a byte-wise collation, which PostgreSQL databases rarely use."""
    if connections[qs.db].vendor == "sqlite":
        return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})
    return Q(**{f"{field}__startswith": text})


def _exact_first(qs, exact: Q):
    """Exact matches first (张三 before 张三丰), then by name."""
    return qs.order_by(Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField()), "name", "id")


class _Plan(NamedTuple):
    """A search: the filtered queryset, what counts as an exact match (None: the order below
    already puts them first) and the order its driving index delivers without a sort — used
    for the first page when too many residents match to sort them all. `by_id`: past the cap
    the list is in registration order, paged from the ids the count read (`search_page`)."""

    queryset: object
    exact: Q | None
    index_order: tuple
    by_id: bool = False


_NAME_ORDER = ("name", "id")


def _small_scope(qs) -> bool:
    """Is `qs` limited to a few grids (`ResidentQuerySet.visible_to`)? Then reading their
    residents and testing each beats walking a town-wide index."""
    return bool(getattr(qs, "scope_grids", None))


def _one_char(qs, field: str, q: str) -> _Plan:
    """A one-character name (a surname) or one pinyin letter: values of `field` starting with
    it, in the order of the `(field, grid, has_sensitive)` index, so a town-wide page and
    count need no row reads. An exact match (a one-character name) sorts first anyway.
    On PostgreSQL the index and the range are on `field COLLATE "C"` (registry.pg_search):
    under the database's own collation a prefix is no range, and the planner walked the
    whole index from its first entry."""
    order = (field, "grid_id", "has_sensitive", "id")
    if _small_scope(qs):  # a few grids: read their residents, test the name on each
        return _Plan(qs.filter(**{f"{field}__startswith": q}), None, order)
    if connections[qs.db].vendor == "postgresql":
        byte_wise = Collate(field, "C")
        matched = qs.alias(search_c=byte_wise).filter(search_c__gte=q, search_c__lt=q + "\U0010ffff")
        return _Plan(matched, None, (byte_wise, *order[1:]))
    return _Plan(qs.filter(_prefix(qs, field, q)), None, order)


def _name_ids(qs, q: str):
    """The ids of residents with a name part starting with `q` (two characters or more): any
    part starting at the first three characters is a prefix of the name or of its suffix
    columns, parts further into a long name are in the (small) name-part table. A UNION of
    four index ranges: an `OR` of the ranges with `id IN (name parts)` made PostgreSQL read
    every resident (docs/decisions/0018-postgres-search.md)."""
    every = Resident.objects.using(qs.db).order_by()
    ranges = [every.filter(_prefix(qs, column, q)).values("pk") for column in ("name", "name_s1", "name_s2")]
    parts = ResidentNamePart.objects.using(qs.db).filter(_prefix(qs, "part", q)).order_by().values("resident_id")
    return ranges[0].union(*ranges[1:], parts)


def _by_name(qs, q: str) -> _Plan:
    if len(q) == 1:
        return _one_char(qs, "name", q)
    # Two characters or more match a few thousand at most: sorting them all stays cheap.
    return _Plan(qs.filter(pk__in=_name_ids(qs, q)), Q(name=q), None)


def _by_pinyin(qs, q: str) -> _Plan:
    if len(q) == 1:
        # One letter: every name's initials start with its pinyin's first letter, so the
        # initials range alone is the answer, in the order of its covering index.
        return _one_char(qs, "name_initials", q)
    matched = qs.filter(_prefix(qs, "name_initials", q) | _prefix(qs, "name_pinyin", q))
    return _Plan(matched, Q(name_initials=q) | Q(name_pinyin=q), None)


def _contains_digits(qs, digits: str) -> Q:
    """ID number or phone contains `digits` (three or more): the FTS5 digit index on SQLite,
    `LIKE '%…%'` elsewhere (pg_trgm's GIN indexes on PostgreSQL, registry.pg_search)."""
    if has_digit_index(qs.db):
        sql, params = digit_match_sql(digits)
        return Q(pk__in=RawSQL(sql, params))
    return Q(id_number__contains=digits) | Q(phone__contains=digits)


def _by_digits(qs, text: str) -> _Plan:
    """A search by number, limited to what the user may see of each number, counted against
    their allowance and, for a whole number, audited (registry.number_search)."""
    text = text.upper()
    user = number_search.searcher(qs)
    number_search.count(user, text)
    if number_search.sees_no_number(user):
        plan = _visible_only(qs, text)
    else:
        plan = _match_digits(qs, text)
        limit = number_search.restriction(user, text)
        if limit is not None:
            # Rights differ between grids: a condition on each match, after the index has found
            # them (docs/decisions/0003-resident-search.md, update on masked numbers).
            plan = plan._replace(queryset=plan.queryset.filter(limit))
    number_search.log_lookup(user, text, plan.queryset)
    return plan


def _visible_only(qs, text: str) -> _Plan:
    """A search by number for a user who sees every number masked: the start of an ID number
    (up to masking.ID_HEAD characters), the start or end of a phone number, a masked number
    pasted back with only visible characters, or a whole number — each from an index, so a
    fragment that is common among the hidden digits (320582) reads nothing."""
    exact = Q(id_number=text) | Q(phone=text)
    if "*" in text:
        head, tail = text.split("*", maxsplit=1)[0], text.rsplit("*", maxsplit=1)[-1]
        if head:
            drive = _prefix(qs, "id_number", head) | _prefix(qs, "phone", head)
        elif tail:
            drive = _phone_tail(qs, tail[-masking.PHONE_TAIL :])
        else:
            return _Plan(qs.none(), None, ("id",))
        # In id order (the table's own), not by name: a pasted 3205************** matches most
        # of a town, and a page in id order stops early where sorting by name would not.
        return _Plan(qs.filter(drive).filter(number_search.visible_pattern(text)), None, ("id",), by_id=True)
    n, parts = len(text), []
    if n <= masking.ID_HEAD:  # (a landline's visible start, too, is at most its 4-digit area code)
        parts.append(_prefix(qs, "id_number", text))
        # The length test as written here is the predicate of PostgreSQL's index of the long
        # numbers for four digits (registry.pg_search.LONG_PHONE): keep the two in step.
        parts.append(
            _prefix(qs, "phone", text)
            & Q(GreaterThanOrEqual(Length("phone"), n + masking.PHONE_HIDDEN + masking.PHONE_TAIL))
        )
    if 3 <= n <= masking.PHONE_TAIL:  # one or two digits match only the start (as for everyone)
        parts.append(_phone_tail(qs, text))
    if whole := number_search.whole_id(text):
        parts.append(Q(id_number=whole))
    if number_search.lookup_kind(text) == "phone":
        parts.append(Q(phone=text))
    if not parts:
        return _Plan(qs.none(), None, ("id",))
    return _Plan(qs.filter(functools.reduce(operator.or_, parts)), exact, ("id",), by_id=True)


def _phone_tail(qs, tail: str) -> Q:
    """Phone ends with `tail`: the digit index's tail mark (SQLite), a range of PostgreSQL's
    index of reversed phone numbers, or a test on each row of a small scope."""
    if len(tail) < 3 or _small_scope(qs):  # (FTS phrases need 3 digits)
        return Q(phone__endswith=tail)
    if connections[qs.db].vendor == "postgresql":
        # Not the trigram index: its posting lists for a mobile prefix such as 137 are long,
        # and a plan that ran it once per grid of a community took 140 ms (decision 0035).
        # The expression is the index's (registry.pg_search.PLAIN_INDEXES); keep them in step.
        return Q(StartsWith(Reverse("phone"), Value(tail[::-1])))
    if not has_digit_index(qs.db):
        return Q(phone__endswith=tail)
    sql, params = phone_tail_sql(tail)
    return Q(pk__in=RawSQL(sql, params))


def _match_digits(qs, text: str) -> _Plan:
    """Every resident whose ID or phone number matches `text` (upper-case), by the cheapest
    structure for its shape."""
    exact = Q(id_number=text) | Q(phone=text)
    if "*" in text:
        return _Plan(_by_masked(qs, text), None, _NAME_ORDER)
    if len(text) < 3:  # one or two digits say little: only numbers starting with them
        matched = qs.filter(_prefix(qs, "id_number", text) | _prefix(qs, "phone", text))
    elif len(text) == 18 and _whole_id(text):
        matched = qs.filter(id_number=text)  # a whole ID number: the unique index, nothing to scan
    elif len(text) == 15 and (whole := _whole_id(text)):
        matched = qs.filter(Q(id_number=whole) | _contains_digits(qs, text))  # a legacy number, or a fragment
    elif _small_scope(qs) or not has_digit_index(qs.db):
        # A few grids: testing each of their residents' numbers is cheaper than the index.
        matched = qs.filter(Q(id_number__contains=text) | Q(phone__contains=text))
    else:
        # The digit index joined (not `id IN (…)`, which SQLite would fill with every match
        # first): its matches come in rowid order, so a capped count and a first page in that
        # order stop early even when half the town matches.
        condition, params = digit_match_condition(text)
        resident = connections[qs.db].ops.quote_name(Resident._meta.db_table)
        matched = qs.extra(
            tables=[DIGITS_TABLE], where=[f"{DIGITS_TABLE}.rowid = {resident}.id", condition], params=params
        )
        # Ordered by the index's own rowid: SQLite does not see that `registry_resident.id`
        # is the same order and would sort every match.
        return _Plan(matched, exact, (RawSQL(f"{DIGITS_TABLE}.rowid", []),), by_id=True)
    return _Plan(matched, exact, ("id",), by_id=True)


def _whole_id(text: str) -> str:
    """The stored form of a complete, valid ID number (a legacy 15-digit one upgraded), or ''."""
    try:
        return idnumber.normalise(text)
    except idnumber.IdNumberError:
        return ""


def _by_masked(qs, text: str):
    """A masked number pasted back (3201**************, 138****5678): each * is one unknown
    character. Narrowed by the longest known piece, then checked as a whole."""
    piece = max(text.split("*"), key=len)
    if len(piece) < 3:
        return qs.none()
    pattern = "^" + ".".join(re.escape(p) for p in text.split("*")) + "$"
    matched = qs.filter(_contains_digits(qs, piece)).filter(Q(id_number__regex=pattern) | Q(phone__regex=pattern))
    return matched.order_by("name", "id")


def _plan(qs, q: str) -> _Plan | None:
    q = " ".join(ascii_form(q or "").split())  # full-width digits are searched as the stored ASCII
    if not q:
        return None
    if _DIGITS.match(q):
        return _by_digits(qs, q)
    if _LATIN.match(q):
        return _by_pinyin(qs, q.replace(" ", "").lower())
    return _by_name(qs, q.replace(" ", ""))


def _ordered(plan: _Plan):
    if plan.exact is None:
        return plan.queryset.order_by(*plan.index_order)
    return _exact_first(plan.queryset, plan.exact)


def search(qs, q: str):
    """Filter residents by what a worker types: a name or any part of it of two or more
    characters (张三, 娜娜), one character as a surname (张), pinyin or its initials (zhangsan,
    zs, ZS, z), or part of an ID or phone number (440524, 19800101, 002X, 5678, a masked
    138****5678). Exact matches come first, then by name. Every match, fully ordered
    (exports); a list page uses `search_page`. Why it is built this way:
    docs/decisions/0003-resident-search.md. Numbers the user sees masked are matched only by
    what the mask shows or whole (registry.number_search)."""
    plan = _plan(qs, q)
    return qs if plan is None else _ordered(plan)


# A list says "1,000+" rather than counting further: counting (and sorting) half a town's
# residents for one page took seconds (docs/decisions/0003-resident-search.md). The same cap
# as the unsearched lists' (registry.keyset).
SEARCH_COUNT_CAP = keyset.COUNT_CAP


class Found(NamedTuple):
    """A search for a list page: `queryset` in display order, `count` of matches — exact when
    `exact`, else only known to be more than `count` (= the cap)."""

    queryset: object
    count: int
    exact: bool


def search_page(qs, q: str, cap: int | None = None) -> Found:
    """`search` for a list: the matches are counted up to `cap`; when there are more, the
    count says so (exact=False) and the pages need no sort of every match: a surname comes in
    its index's name order, a number fragment as the `cap` matches the count read, in order of
    registration. Without a query: the queryset and its exact count."""
    cap = SEARCH_COUNT_CAP if cap is None else cap
    plan = _plan(qs, q)
    if plan is None:
        return Found(qs, qs.count(), True)
    # The ids of up to cap + 1 matches, in no particular order (so SQLite stops at cap + 1):
    # when that is all of them, the page is sorted from these ids and the search (an FTS
    # phrase, say) is not evaluated a second time.
    ids = list(plan.queryset.order_by().values_list("pk", flat=True)[: cap + 1])
    if len(ids) <= cap:
        return Found(_ordered(plan._replace(queryset=qs.filter(pk__in=ids))), len(ids), True)
    if plan.index_order is None:  # names of two characters or more: a few thousand, sorted
        return Found(_ordered(plan), cap, False)
    if plan.by_id:
        # A number fragment: the pages show the `cap` matches the count has just read, in
        # registration order, instead of searching again in id order — on PostgreSQL that
        # second search walked the primary key through 600 rows per match or fetched every
        # match to sort it, whichever the planner guessed (docs/decisions/0034). On SQLite the
        # digit index reads in rowid order, so these are the first registered, as before.
        return Found(qs.filter(pk__in=sorted(ids)[:cap]).order_by("id"), cap, False)
    return Found(plan.queryset.order_by(*plan.index_order), cap, False)
