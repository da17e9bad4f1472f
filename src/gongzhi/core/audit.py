"""Who is acting, from where: a context the service layer reads when it writes audit entries.

Web requests, API calls, the admin, CLI commands and imports each open a context, so the
change log names the source of every change — including changes made outside the web app.
"""

import contextlib
import contextvars
import ipaddress
import uuid
from dataclasses import dataclass, replace

from django.conf import settings


@dataclass(frozen=True)
class AuditContext:
    """The acting user (None for the system), the channel, the client address, and the
    correlation id every audit entry of one action shares (one web request, API call, admin
    action, CLI command or import run); "" outside any action."""

    user: object = None
    source: str = "system"
    ip: str | None = None
    correlation_id: str = ""


_current = contextvars.ContextVar("gongzhi_audit", default=AuditContext())  # noqa: B039 (frozen dataclass)


def current() -> AuditContext:
    return _current.get()


def new_correlation_id() -> str:
    """A fresh correlation id (32 hex digits)."""
    return uuid.uuid4().hex


@contextlib.contextmanager
def acting(user=None, source: str | None = None, ip: str | None = None, *, new_action: bool = False):
    """Run a block as `user` through `source` ("web", "api", "admin", "cli", "import").

    Opened once at each channel edge (the request middleware, the API's authentication, CLI
    commands, the import runner) — services never open it; they read it. A block opened inside
    another keeps the outer correlation id, so everything one action writes shares one; the
    outermost block (or one opened with `new_action`, as each web request is) starts a new id.
    Callers outside any channel — tests, the demo builder, the shell — use it the same way."""
    ctx = _current.get()
    token = _current.set(
        replace(
            ctx,
            user=user if user is not None else ctx.user,
            source=source or ctx.source,
            ip=ip if ip is not None else ctx.ip,
            correlation_id=ctx.correlation_id if ctx.correlation_id and not new_action else new_correlation_id(),
        )
    )
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    """The client address that logins and pages are counted by: REMOTE_ADDR, or behind a proxy
    the header named by GONGZHI_CLIENT_IP_META (of a list, the right-most entry, the one the
    proxy itself added). The audit log, axes and django-ratelimit all use it, so they agree."""
    value = (request.META.get(settings.GONGZHI_CLIENT_IP_META) or "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:  # no header or garbage in it: the socket's peer is all we know
        return request.META.get("REMOTE_ADDR") or None
