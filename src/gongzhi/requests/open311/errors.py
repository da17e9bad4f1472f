"""Open311 errors: 404 for an unknown resource, 403 for a missing or bad api_key, 429 for
posting too often (with Retry-After), 400 for anything else; the body lists one or more errors as
`[{"code": 400, "description": "…"}]` or `<errors><error><code>…</code><description>…</description></error></errors>`."""

from django.utils.translation import gettext as _


class Open311Error(Exception):
    """Raised by the views with the HTTP status and every description found at once."""

    def __init__(self, status: int, *descriptions: str):
        self.status = status
        self.descriptions = [d for d in descriptions if d] or [_("错误")]
        super().__init__("; ".join(self.descriptions))

    def records(self) -> list[dict]:
        return [{"code": self.status, "description": d} for d in self.descriptions]


def not_found(what: str | None = None) -> Open311Error:
    return Open311Error(404, what or _("资源不存在"))


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, *descriptions)


def forbidden(what: str) -> Open311Error:
    return Open311Error(403, what)
