"""Reads of households and residents, always scoped to the user, plus search."""
import re

from django.db import connections
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404

from gongzhi.core import idnumber

from .models import Household, Resident, ResidentNamePart
from .search import digit_match_sql, has_digit_index

_DIGITS = re.compile(r"^(?=.*[0-9*])[0-9Xx*]+$")  # "x" alone is a pinyin initial (许, 谢)
_LATIN = re.compile(r"^[A-Za-z ]+$")


def residents(user, perm=None):
    return Resident.objects.visible_to(user, perm).select_related("grid", "household")


def households(user, perm=None):
    return Household.objects.visible_to(user, perm).select_related("grid", "building", "head")


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


def _by_name(qs, q: str):
    if len(q) == 1:
        # One character is read as a surname (张): names starting with it, in the order of the
        # (name, grid, has_sensitive) index, so a town-wide page and count need no row reads.
        # An exact match (a one-character name) sorts first anyway.
        return qs.filter(_prefix(qs, "name", q)).order_by("name", "grid_id", "has_sensitive", "id")
    # Any part starting at the first three characters is a prefix of the name or of its suffix
    # columns; parts further into a long name are in the (small) name-part table.
    parts = ResidentNamePart.objects.filter(_prefix(qs, "part", q)).values("resident_id")
    matched = _prefix(qs, "name", q) | _prefix(qs, "name_s1", q) | _prefix(qs, "name_s2", q) | Q(pk__in=parts)
    return _exact_first(qs.filter(matched), Q(name=q))


def _by_pinyin(qs, q: str):
    if len(q) == 1:
        # One letter: every name's initials start with its pinyin's first letter, so the
        # initials range alone is the answer, in the order of its covering index.
        return qs.filter(_prefix(qs, "name_initials", q)).order_by("name_initials", "grid_id", "has_sensitive", "id")
    matched = qs.filter(_prefix(qs, "name_initials", q) | _prefix(qs, "name_pinyin", q))
    return _exact_first(matched, Q(name_initials=q) | Q(name_pinyin=q))


def _contains_digits(qs, digits: str) -> Q:
    """ID number or phone contains `digits` (three or more): the FTS5 digit index on SQLite,
    a plain scan elsewhere."""
    if has_digit_index(qs.db):
        sql, params = digit_match_sql(digits)
        return Q(pk__in=RawSQL(sql, params))
    return Q(id_number__contains=digits) | Q(phone__contains=digits)


def _by_digits(qs, text: str):
    text = text.upper()
    if "*" in text:
        return _by_masked(qs, text)
    if len(text) < 3:  # one or two digits say little: only numbers starting with them
        matched = _prefix(qs, "id_number", text) | _prefix(qs, "phone", text)
    elif len(text) == 18 and _whole_id(text):
        matched = Q(id_number=text)  # a whole ID number: the unique index, nothing to scan
    elif len(text) == 15 and (whole := _whole_id(text)):
        matched = Q(id_number=whole) | _contains_digits(qs, text)  # a legacy number, or a fragment
    else:
        matched = _contains_digits(qs, text)
    return _exact_first(qs.filter(matched), Q(id_number=text) | Q(phone=text))


def _whole_id(text: str) -> str:
    """The stored form of a complete, valid ID number (a legacy 15-digit one upgraded), or ''."""
    try:
        return idnumber.normalise(text)
    except idnumber.IdNumberError:
        return ""


def _by_masked(qs, text: str):
    """A masked number pasted back (3201**********123X, 138****5678): each * is one unknown
    character. Narrowed by the longest known piece, then checked as a whole."""
    piece = max(text.split("*"), key=len)
    if len(piece) < 3:
        return qs.none()
    pattern = "^" + ".".join(re.escape(p) for p in text.split("*")) + "$"
    matched = qs.filter(_contains_digits(qs, piece)).filter(Q(id_number__regex=pattern) | Q(phone__regex=pattern))
    return matched.order_by("name", "id")


def search(qs, q: str):
    """Filter residents by what a worker types: a name or any part of it of two or more
    characters (张三, 娜娜), one character as a surname (张), pinyin or its initials (zhangsan,
    zs, ZS, z), or part of an ID or phone number (440524, 19800101, 002X, 5678, a masked
    3201**********123X). Exact matches come first, then by name. Why it is built this way:
    docs/decisions/0003-resident-search.md."""
    q = " ".join((q or "").split())
    if not q:
        return qs
    if _DIGITS.match(q):
        return _by_digits(qs, q)
    if _LATIN.match(q):
        return _by_pinyin(qs, q.replace(" ", "").lower())
    return _by_name(qs, q.replace(" ", ""))
