"""Rate limits for the pages anyone may use without logging in, and the 429 answer.

Counting is django-ratelimit's (fixed windows in the "throttle" cache, shared by every worker);
this module only reads the rates from settings on each request, so a deployment can tune them,
and answers in Chinese with Retry-After. Two ways to count:

- `hit` counts every request (filing forms, Open311 POST, the verify page);
- `exhausted` + `fail` count only failures (the progress check, where a right answer must not
  use up the allowance and a wrong one is a guess).

docs/decisions/0004-throttling.md explains the choices."""

import functools
import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


def _usage(request, group, rate_setting, key, increment):
    return get_usage(request, group=group, key=key, rate=getattr(settings, rate_setting), increment=increment)


def _wait(usage) -> int:
    return max(1, int(usage["time_left"]))


def hit(request, group: str, rate_setting: str, key="ip") -> int | None:
    """Count this request; the seconds to wait when it goes over the rate, else None."""
    usage = _usage(request, group, rate_setting, key, increment=True)
    return _wait(usage) if usage and usage["should_limit"] else None


def exhausted(request, group: str, rate_setting: str, key="ip") -> int | None:
    """Without counting: the seconds to wait when `key` has used up its failures, else None."""
    usage = _usage(request, group, rate_setting, key, increment=False)
    return _wait(usage) if usage and usage["count"] >= usage["limit"] else None


def fail(request, group: str, rate_setting: str, key="ip") -> None:
    """Count one failure against `key`."""
    _usage(request, group, rate_setting, key, increment=True)


def _user_key(user):
    return lambda group, request: f"user:{user.pk}"


def hit_user(user, group: str, rate_setting: str) -> int | None:
    """`hit` for a logged-in user, counted per account wherever the request came from (web,
    API): for reads deep inside a selector that has no request, such as a search by number."""
    usage = get_usage(None, group=group, key=_user_key(user), rate=getattr(settings, rate_setting), increment=True)
    return _wait(usage) if usage and usage["should_limit"] else None


def exhausted_user(user, group: str, rate_setting: str) -> int | None:
    """`exhausted` per user: the seconds to wait when the user has used up `group`, else None."""
    usage = get_usage(None, group=group, key=_user_key(user), rate=getattr(settings, rate_setting), increment=False)
    return _wait(usage) if usage and usage["count"] >= usage["limit"] else None


def fail_user(user, group: str, rate_setting: str) -> None:
    """`fail` per user: count one against the user's allowance."""
    get_usage(None, group=group, key=_user_key(user), rate=getattr(settings, rate_setting), increment=True)


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def too_many(request, retry_after: int, message: str | None = None):
    """The Chinese 429 page, with Retry-After in seconds."""
    message = message or _("操作过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": minutes(retry_after)}
    response = render(request, "core/throttled.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def limit(group: str, rate_setting: str, methods=("POST",), key="ip"):
    """View decorator: count each request with one of `methods` per `key`; over the rate, 429."""

    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            if request.method in methods:
                wait = hit(request, group, rate_setting, key)
                if wait:
                    return too_many(request, wait)
            return view(request, *args, **kwargs)

        return inner

    return wrap
