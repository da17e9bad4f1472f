"""Sortable list columns: `?sort=<key>` or `?sort=-<key>` picked from a whitelist the list
declares; anything else (a typo, a column that is not offered, an injection attempt) is
ignored and the list keeps its default order. Column headers link to the other order through
the `{% sort_th %}` tag (core/templatetags/gongzhi.py), keeping the filters and dropping the
page position.

A list paged by key (registry/keyset.py) may only sort on a unique key an index answers, so
its whitelist names key tuples — paging stays exact in either direction; an offset-paged list
may sort on any column (its whitelist adds the id as a tie-breaker)."""

from dataclasses import dataclass

PARAM = "sort"


@dataclass(frozen=True)
class Sort:
    """The order chosen for one list: `key` (a whitelist entry), its `fields`, descending or not."""

    key: str
    fields: tuple
    descending: bool = False
    options: tuple = ()

    @property
    def param(self) -> str:
        return ("-" if self.descending else "") + self.key

    def order_by(self) -> list[str]:
        return [("-" if self.descending else "") + f for f in self.fields]

    def apply(self, qs):
        """`qs` in this order (unchanged when none was chosen and the list has no default)."""
        return qs.order_by(*self.order_by()) if self.fields else qs


def chosen(params, whitelist: dict[str, tuple], default: str | None) -> Sort:
    """The Sort `params` (request.GET) ask for if `whitelist` (key → fields) offers it, else
    `default` ("name" or "-name"; None: the list's own order)."""
    raw = (params.get(PARAM) or "").strip()
    descending = raw.startswith("-")
    key = raw.removeprefix("-")
    if key not in whitelist:
        if default is None:
            return Sort("", (), False, tuple(whitelist))
        descending, key = default.startswith("-"), default.removeprefix("-")
    return Sort(key, tuple(whitelist[key]), descending, tuple(whitelist))
