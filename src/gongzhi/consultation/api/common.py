"""Pieces the consultation endpoints share: the read guard, the version hold for services that
take no expected_version, and the answer with an ETag."""

from contextlib import contextmanager

from django.db import transaction
from ninja.errors import HttpError

from gongzhi.core import api as common
from gongzhi.core import services as core
from gongzhi.core.scoping import has_perm_anywhere


def reader(user, *perms):
    """403 unless the user holds one of `perms` somewhere; what they hold nowhere they may not
    list (like the web's perm_required). Out-of-scope records are then 404 by the selectors."""
    if not any(has_perm_anywhere(user, p) for p in perms):
        common.forbid()


@contextmanager
def held_at(obj, version):
    """Run a service that takes no expected_version while the record is locked at the version
    the client named (If-Match): the locked re-read refuses a write that came in between (412)."""
    with transaction.atomic():
        core.check_version(obj, version)
        yield


def with_etag(data, obj, status=200):
    out = common.json_response(data, status=status)
    out["ETag"] = obj.etag
    return out


# Adding a row under a record (a signature, a sign-in, a ballot, a rating): a create whose
# parent may be out of scope (404), with no version to check.
ADD_ERRORS = {**common.CREATE_ERRORS, 404: common.Detail}


def refuse(message):
    """403 with the reason, for a caller who sees the record but may not do this to it."""
    raise HttpError(403, message)
