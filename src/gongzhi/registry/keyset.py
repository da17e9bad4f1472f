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

from .selectors import SEARCH_COUNT_CAP

COUNT_CAP = SEARCH_COUNT_CAP


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
