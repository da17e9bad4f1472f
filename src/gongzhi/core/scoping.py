"""Scoped permissions: a user holds a permission on the subtrees of the territory nodes where a
membership grants it. Every read goes through `visible_to`; anything outside answers 404.

Territory paths are materialised ("1/4/17/"), so "in the subtree" is a prefix test that an
index answers.

The protocol lives here so every app (core included) can ask without importing the app that
keeps memberships; that app supplies the rows through its manifest's `grant_rows`
(accounts/scoping.py, docs/decisions/0011-app-manifests.md).
"""

from django.db import models
from django.db.models import Q

from . import manifest

_CACHE_ATTR = "_gongzhi_grants"


def grants(user) -> dict[str, tuple[str, ...]]:
    """{"app_label.codename": (node paths…)} for the user's memberships, cached on the user
    object for the request. Paths nested inside another granted path are dropped."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    raw: dict[str, set[str]] = {}
    for path, app, codename in manifest.provider("grant_rows")(user.pk):
        raw.setdefault(f"{app}.{codename}", set()).add(path)
    result = {}
    for perm, paths in raw.items():
        ordered = sorted(paths, key=len)
        kept: list[str] = []
        for p in ordered:
            if not any(p.startswith(k) for k in kept):
                kept.append(p)
        result[perm] = tuple(kept)
    setattr(user, _CACHE_ATTR, result)
    return result


def forget(user):
    """Drop the cached grants (after memberships change)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_for_token(key: str):
    """The active user a bearer token belongs to, or None."""
    return manifest.provider("token_user")(key)


def is_unrestricted(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


def paths_for(user, perm: str):
    """Node paths where `user` holds `perm`; None means everywhere (superuser); () nowhere."""
    if not user or not user.is_authenticated or not user.is_active:
        return ()
    if is_unrestricted(user):
        return None
    return grants(user).get(perm, ())


def has_perm_anywhere(user, perm: str) -> bool:
    paths = paths_for(user, perm)
    return paths is None or bool(paths)


def has_perm_at(user, perm: str, path: str) -> bool:
    """Does `user` hold `perm` on the node at `path` (through it or an ancestor)?"""
    paths = paths_for(user, perm)
    return paths is None or any((path or "").startswith(p) for p in paths)


# Matches every row and survives being combined with | and & (Django drops the always-true
# NOT (pk IN ()) from the SQL).
EVERYWHERE = ~Q(pk__in=[])


def scope_q(user, perm: str, field: str) -> Q:
    """A filter matching rows whose territory path (`field`) lies in the user's scope for `perm`."""
    paths = paths_for(user, perm)
    if paths is None:
        # Not Q(): an empty Q vanishes when OR-ed (`Q(a) | Q()` is just `Q(a)`), which would turn
        # "not sensitive, or everywhere" into "not sensitive". This one compiles to no condition.
        return EVERYWHERE
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


class ScopedQuerySet(models.QuerySet):
    """QuerySet with `visible_to(user, perm)`. Models set `SCOPE_FIELD` to the lookup of their
    territory path ("path" on nodes, "grid__path" on residents)."""

    def visible_to(self, user, perm: str | None = None):
        meta = self.model._meta
        perm = perm or f"{meta.app_label}.view_{meta.model_name}"
        return self.filter(scope_q(user, perm, self.model.SCOPE_FIELD))


def scope_path(user, perm) -> str:
    """The node path to file an export's audit entry under: the user's one granted subtree,
    or '' when they hold the permission on several (or everywhere)."""
    paths = paths_for(user, perm)
    return paths[0] if paths and len(paths) == 1 else ""
