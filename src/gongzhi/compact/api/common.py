"""Pieces the compact endpoints share: the read guard and the answer with an ETag."""

from gongzhi.core import api as common
from gongzhi.core.scoping import has_perm_anywhere


def reader(user, *names):
    """403 unless the user holds one of these permissions somewhere (like the web's guards);
    out-of-scope records are then 404 through the selectors."""
    if not any(has_perm_anywhere(user, p) for p in names):
        common.forbid()


def with_etag(data, obj):
    out = common.json_response(data)
    out["ETag"] = obj.etag
    return out
