"""Opens the audit context for each web request, so services know who acts and from where."""
from . import audit
from .exceptions import Throttled


class AuditContextMiddleware:
    """Marks requests as web, admin or API and records the client address — the same one the
    login and page limits count by, so behind a proxy the log names the real client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        source = "admin" if path.startswith("/admin/") else "api" if path.startswith("/api/") else "web"
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with audit.acting(user=user, source=source, ip=audit.client_ip(request)):
            return self.get_response(request)

    def process_exception(self, request, exception):
        """A rate limit reached deep in a read (a search by number, core.exceptions.Throttled)
        answers the 429 page with Retry-After, wherever the view raised it."""
        if isinstance(exception, Throttled):
            from . import throttle

            return throttle.too_many(request, exception.retry_after, str(exception))
        return None
