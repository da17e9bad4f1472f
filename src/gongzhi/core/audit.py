"""Who is acting, from where: a context the service layer reads when it writes audit entries.

Web requests, API calls, the admin, CLI commands and imports each open a context, so the
change log names the source of every change — including changes made outside the web app.
"""
import contextlib
import contextvars
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class AuditContext:
    """The acting user (None for the system), the channel, and the client address."""

    user: object = None
    source: str = "system"
    ip: str | None = None


_current = contextvars.ContextVar("gongzhi_audit", default=AuditContext())


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def acting(user=None, source: str | None = None, ip: str | None = None):
    """Run a block as `user` through `source` ("web", "api", "admin", "cli", "import")."""
    ctx = _current.get()
    token = _current.set(
        replace(
            ctx,
            user=user if user is not None else ctx.user,
            source=source or ctx.source,
            ip=ip if ip is not None else ctx.ip,
        )
    )
    try:
        yield _current.get()
    finally:
        _current.reset(token)
