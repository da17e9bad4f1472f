"""Opens the audit context for each web request, so services know who acts and from where."""
from . import audit


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
