"""Errors services raise; views and the API turn them into messages and status codes."""

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 (re-exported)
from django.utils.translation import gettext as _


class StaleObject(Exception):
    """The record changed since the caller read it (optimistic lock); nothing was written."""

    def __init__(self, obj, expected):
        self.obj = obj
        self.expected = expected
        super().__init__(
            _("记录已被他人修改（当前版本 %(version)s，提交所基于的版本 %(expected)s），请刷新后重试")
            % {"version": obj.version, "expected": expected}
        )


class NotFound(Exception):
    """The object does not exist or the user may not see it — callers answer 404 either way."""


class Throttled(Exception):
    """The user went over a rate limit (core.throttle); the web answers the 429 page and the API
    a 429 body, both with Retry-After = `retry_after` seconds."""

    def __init__(self, retry_after: int, message: str):
        self.retry_after = retry_after
        super().__init__(message)
