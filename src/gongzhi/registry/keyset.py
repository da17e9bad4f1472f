"""Keyset pagination and capped counts for the registry's unsearched lists
(docs/decisions/0018-postgres-search.md).

A page is "the next 25 rows after this key" (`?after=…`, the last row's sort key), not
"skip 500,000 rows" (`OFFSET`), so page 20,000 costs what page 1 does, and rows inserted or
deleted between two page loads shift nothing: no row is shown twice or skipped. The sort key
is a unique pair of columns of the listed table, compared as a row value (`(a, b) > (x, y)`,
SQLite ≥ 3.15 and PostgreSQL), which an index on those columns answers in its order.

The count stops at COUNT_CAP, like the search's (registry.selectors.SEARCH_COUNT_CAP): counting
a city's million residents exactly cost half a second per page view."""

import json
from dataclasses import dataclass

from django.db import connections

# The one cap of the registry's counts; selectors.SEARCH_COUNT_CAP is the same number. Defined
# here, not copied from selectors: this module is first imported with the first list page, and
# a copy taken then kept whatever value the search's cap had at that moment (a test's, say).
COUNT_CAP = 1000


def capped_count(qs, cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): the number of rows of `qs` when at most `cap` (COUNT_CAP), else (cap,
    False) — read from at most cap + 1 ids, in no order, so the database stops there."""
    cap = COUNT_CAP if cap is None else cap
    n = len(qs.order_by().values_list("pk", flat=True)[: cap + 1])
    return (n, True) if n <= cap else (cap, False)


@dataclass(frozen=True)
class KeysetPage:
    """One page: its rows, the count (exact or "more than"), and the keys of the neighbours
    (None where there is none)."""

    object_list: list
    count: int
    exact: bool
    next_key: str | None
    previous_key: str | None
    at_start: bool = True

    # Templates tell it from Django's Page by this, and read the count through `page.paginator`.
    keyset = True

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def paginator(self):
        return self

    @property
    def paginated(self) -> bool:
        return self.next_key is not None or not self.at_start


def encode(values) -> str:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def decode(text: str | None, types: tuple) -> list | None:
    """The key in `text` if it is a JSON list of values of `types`, else None (the first page:
    a hand-edited or stale link shows the list's start rather than an error)."""
    if not text:
        return None
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if not isinstance(values, list) or len(values) != len(types):
        return None
    if not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(values, types)):
        return None
    return values


def _compare(qs, fields, op, key):
    """`qs` narrowed to rows whose (fields) compare `op` to `key`, as one row-value test."""
    model, quote = qs.model, connections[qs.db].ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(f"{table}.{quote(model._meta.get_field(f).column)}" for f in fields)
    return qs.extra(where=[f"({columns}) {op} ({', '.join(['%s'] * len(key))})"], params=list(key))


def page(
    qs, fields: tuple, types: tuple, params, per_page: int, cap: int | None = None, *, descending: bool = False
) -> KeysetPage:
    """The page of `qs` (ordered by `fields`, a unique key of `types`, descending if asked —
    a sortable list's other direction, core/sorting.py) that the request `params` ask for:
    `after` (the next page), `before` (the previous one) or the first."""
    count, exact = capped_count(qs, cap)
    after, before = decode(params.get("after"), types), decode(params.get("before"), types)
    attrs = [qs.model._meta.get_field(f).attname for f in fields]
    forward, backward = (">", "<") if not descending else ("<", ">")
    ahead = [("-" if descending else "") + f for f in fields]
    behind = [("" if descending else "-") + f for f in fields]

    def key(row):
        return encode(getattr(row, a) for a in attrs)

    if before is not None:
        rows = list(_compare(qs, fields, backward, before).order_by(*behind)[: per_page + 1])
        more = len(rows) > per_page
        rows = rows[:per_page][::-1]
        if rows:  # (else nothing is before that key any more: the first page)
            return KeysetPage(rows, count, exact, key(rows[-1]), key(rows[0]) if more else None, at_start=not more)
        after = None
    narrowed = qs if after is None else _compare(qs, fields, forward, after)
    rows = list(narrowed.order_by(*ahead)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    previous = key(rows[0]) if after is not None and rows else None
    return KeysetPage(rows, count, exact, key(rows[-1]) if more else None, previous, at_start=after is None)


# ---- the JSON API -----------------------------------------------------------------------------


def _key_of(row, attrs) -> str:
    return encode(row[a] if isinstance(row, dict) else getattr(row, a) for a in attrs)


def next_link(request, **params) -> str:
    """The request's own path and query with `params` replacing theirs (None removes one)."""
    query = request.GET.copy()
    for name, value in params.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return f"{request.path}?{query.urlencode()}"


def api_page(request, qs, fields: tuple, types: tuple, after, page, page_size, serialize, counted=None) -> dict:
    """One page of an API list: {count, count_exact, page, page_size, next, results}.

    The count stops at COUNT_CAP (`count_exact` false past it), read from `counted` where the
    caller has the same rows in a form that counts faster. `after` (the `next` link's key) pages
    by key, so page 40,000 costs what page 1 does; `page` still pages by number (OFFSET) for
    callers that ask for it. `next` is the link to the following page, by key, or null."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from gongzhi.core import api as common

    page, size = common.page_bounds(page, page_size)
    key = decode(after, types)
    if after and key is None:
        raise ValidationError({"after": _("翻页标记无效，请按上一页返回的 next 链接翻页或从第一页开始")})
    count, exact = capped_count(qs if counted is None else counted)
    if key is not None:
        rows = list(_compare(qs, fields, ">", key).order_by(*fields)[: size + 1])
    else:
        start = (page - 1) * size
        rows = list(qs.order_by(*fields)[start : start + size + 1])
    more = len(rows) > size
    rows = rows[:size]
    attrs = [f if isinstance(rows[0], dict) else qs.model._meta.get_field(f).attname for f in fields] if rows else []
    link = next_link(request, after=_key_of(rows[-1], attrs), page=None) if more else None
    return {
        "count": count,
        "count_exact": exact,
        "page": page,
        "page_size": size,
        "next": link,
        "results": serialize(rows),
    }
