"""Login lockout: the glue between django-axes and Gongzhi.

Axes (the first authentication backend, settings.AUTHENTICATION_BACKENDS) counts failed
logins per username and per client address in the "throttle" cache and refuses a locked one
before any password is checked; that covers the web login, the admin login and the API token
endpoint alike, because all three call `authenticate(request, …)`. This module adds what axes
leaves to the project: a counter name for usernames that cannot collide with an address, the
Chinese 429 answer (a page, or JSON under /api/) with Retry-After, one audit entry per new lock
(written from accounts/apps.py beside the login entry), and resetting only the username's count
on a successful login. docs/decisions/0004-throttling.md says why."""

import math
import time

from axes.helpers import get_cache, get_cache_timeout, get_client_cache_keys, get_failure_limit, make_cache_key_list
from axes.utils import reset
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

USER_PREFIX = "user:"
UNTIL = "-until"  # suffix of the cache key that remembers when a lock ends


def username_key(request, credentials) -> str | None:
    """The name axes counts a username under: prefixed, so typing an address as the username
    ("10.0.0.1") cannot lock that address; case and spaces folded, so "Alice " is "alice"."""
    name = credentials.get("username") if credentials else request.POST.get("username")
    name = (name or "").strip().lower()
    return USER_PREFIX + name if name else None


def _counters(request, credentials) -> list[tuple[str, str]]:
    """(what, cache key) of this attempt's counters, in settings.AXES_LOCKOUT_PARAMETERS order."""
    return list(zip(settings.AXES_LOCKOUT_PARAMETERS, get_client_cache_keys(request, credentials)))


def note_lock(request, credentials) -> list[str]:
    """Remember when each counter that reached the limit stops locking; return the counters
    ("username", "ip_address") whose lock is new, so each lock is audited once."""
    cache, timeout = get_cache(), get_cache_timeout(request)
    limit = get_failure_limit(request, credentials)
    new = []
    for what, key in _counters(request, credentials):
        if (cache.get(key) or 0) >= limit and cache.add(key + UNTIL, time.time() + timeout, timeout):
            new.append(what)
    return new


def retry_after(request, credentials) -> int:
    """Seconds until the longest of this attempt's locks ends."""
    cache = get_cache()
    ends = [cache.get(key + UNTIL) for _what, key in _counters(request, credentials)]
    ends = [end for end in ends if end]
    return max(1, math.ceil(max(ends) - time.time())) if ends else get_cache_timeout(request)


def message(seconds: int) -> str:
    return _("登录失败次数过多，已暂时锁定，请 %(minutes)s 分钟后再试。忘记密码请联系管理员重置。") % {
        "minutes": max(1, math.ceil(seconds / 60))
    }


def locked_out_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON {"detail": …} for the API, else a page."""
    credentials = credentials or getattr(request, "axes_credentials", None)
    wait = retry_after(request, credentials)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message(wait)}, status=429, json_dumps_params={"ensure_ascii": False})
    else:
        response = render(request, "accounts/locked_out.html", {"message": message(wait)}, status=429)
    response["Retry-After"] = str(wait)
    return response


def succeeded(username: str) -> None:
    """A right password: forget this username's failures. The address keeps its count, so one
    valid account cannot be used to wipe the failures piled up from that address."""
    name = username_key(None, {"username": username})
    reset(username=name)
    get_cache().delete(make_cache_key_list([{"username": name}])[0] + UNTIL)


def unlock(*, username: str | None = None, ip: str | None = None) -> None:
    """Lift a lock before its time (an administrator has checked who it is): forget the
    username's and/or the address's failures, and log it as the current actor."""
    from gongzhi.core import services as core

    from .models import User

    cache = get_cache()
    if username:
        succeeded(username)
    if ip:
        reset(ip=ip)
        cache.delete(make_cache_key_list([{"ip_address": ip}])[0] + UNTIL)
    user = User.objects.filter(username__iexact=username).first() if username else None
    core.record(
        "update",
        user,
        model=User,
        object_repr=username or ip or "",
        after={"unlocked": {"username": username, "ip": ip}},
        reason="解除登录锁定",
    )
