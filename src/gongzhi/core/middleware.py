"""Opens the audit context for each web request, so services know who acts and from where."""

from . import audit
from .exceptions import Throttled


class AuditContextMiddleware:
    """Marks requests as web, admin or API and records the client address — the same one the
    login and page limits count by, so behind a proxy the log names the real client. Each
    request is one action: its audit entries share a new correlation id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        source = "admin" if path.startswith("/admin/") else "api" if path.startswith("/api/") else "web"
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with audit.acting(user=user, source=source, ip=audit.client_ip(request), new_action=True):
            return self.get_response(request)

    def process_exception(self, request, exception):
        """A rate limit reached deep in a read (a search by number, core.exceptions.Throttled)
        answers the 429 page with Retry-After, wherever the view raised it."""
        if isinstance(exception, Throttled):
            from . import throttle

            return throttle.too_many(request, exception.retry_after, str(exception))
        return None


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy of settings.GONGZHI_CSP to every answer that has none.

    Django 5.2 has no CSP of its own; the policy is one fixed header, so a few lines here
    rather than a dependency (docs/decisions/0007-csp.md). The header is built once."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.header = "; ".join(f"{name} {' '.join(sources)}" for name, sources in settings.GONGZHI_CSP.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response


class IdleSessionMiddleware:
    """Ends a login session after GONGZHI_SESSION_IDLE_MINUTES(_STAFF) without a request.

    The session keeps the time of its last request; a request after the limit logs the user
    out and goes on anonymously (the page then asks for a login). The time is written back
    at most once every `TOUCH` rather than on every request (SESSION_SAVE_EVERY_REQUEST
    would write the session row on every page and every htmx call), so the limit is kept to
    within that much. The session's own expiry follows, so the cookie and the stored session
    lapse too even if no request ever comes back."""

    KEY = "_gongzhi_seen"
    TOUCH = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def limit(user) -> int:
        """Idle seconds allowed for `user`."""
        from django.conf import settings

        minutes = (
            settings.GONGZHI_SESSION_IDLE_MINUTES_STAFF if user.is_staff else settings.GONGZHI_SESSION_IDLE_MINUTES
        )
        return minutes * 60

    def __call__(self, request):
        import time

        from django.contrib.auth import SESSION_KEY, logout

        now = int(time.time())
        session = getattr(request, "session", None)
        # Only sessions that carry a login: a bearer-token API call has none and gets none.
        seen = session.get(self.KEY) if session is not None and SESSION_KEY in session else None
        if seen is not None and now - seen > self.shortest() and now - seen > self.limit(request.user):
            logout(request)  # flushes the session; this request goes on anonymously
        response = self.get_response(request)
        if session is not None and SESSION_KEY in request.session:  # logged in now (also just now)
            seen = request.session.get(self.KEY)
            if seen is None or now - seen >= self.TOUCH:
                request.session[self.KEY] = now
                request.session.set_expiry(self.limit(request.user))
        return response

    @classmethod
    def on_login(cls, sender, request, user, **kwargs):
        """Stamp the session when it is made (login saves it anyway), so the first page after a
        login does not write it a second time."""
        session = getattr(request, "session", None)
        if session is not None:
            import time

            session[cls.KEY] = int(time.time())
            session.set_expiry(cls.limit(user))

    @staticmethod
    def shortest() -> int:
        from django.conf import settings

        return min(settings.GONGZHI_SESSION_IDLE_MINUTES_STAFF, settings.GONGZHI_SESSION_IDLE_MINUTES) * 60
