"""Helpers of civil's views."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at


def found(getter, user, pk):
    """The record through its scoped selector; out of scope is 404."""
    try:
        return getter(user, pk)
    except NotFound:
        raise Http404 from None


def require_at(user, perm, path):
    if not has_perm_at(user, perm, path):
        raise PermissionDenied


def communities(user, perm):
    """The communities/villages where `user` holds `perm`."""
    from gongzhi.core.scoping import scope_q
    from gongzhi.territory.choices import Level
    from gongzhi.territory.models import Node

    return Node.objects.filter(scope_q(user, perm, "path"), level=Level.COMMUNITY).order_by("path")
