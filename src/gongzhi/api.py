"""The JSON API at /api/v1 (django-ninja; OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Authentication: `Authorization: Bearer <token>` from POST /api/v1/auth/token; a logged-in
browser session may also read (GET) so the docs page works. Every call runs in the audit
context of its user with source "api". Writes to existing records require If-Match
(docs/decisions/0002-api-optimistic-locking.md).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from gongzhi.accounts.api import router as auth_router
from gongzhi.campaigns.api import router as campaigns_router
from gongzhi.care.api import router as care_router
from gongzhi.civil.api import router as civil_router
from gongzhi.compact.api import router as compact_router
from gongzhi.consultation.api import router as consultation_router
from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound, StaleObject, Throttled
from gongzhi.crosscheck.api import router as crosscheck_router
from gongzhi.legal.api import router as legal_router
from gongzhi.mediation.api import router as mediation_router
from gongzhi.notices.api import router as notices_router
from gongzhi.organisations.api import router as organisations_router
from gongzhi.registry.api import router as registry_router
from gongzhi.services.api import router as services_router
from gongzhi.surveys.api import router as surveys_router
from gongzhi.territory.api import router as territory_router

api = NinjaAPI(
    title="共治 Gongzhi API",
    version="1",
    description="区划、楼栋、单位、住户、居民、关爱走访、人民调解、协商议事、村规民约与稳评和政社互动的接口。修改和删除须带 If-Match（读取时得到的 ETag）。",
    urls_namespace="api",
    auth=[common.BearerAuth(), common.session_user],
    renderer=common.Renderer(),
)
api.add_decorator(common.in_audit_context)


def _error(request, status, detail, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(NinjaValidationError)
def _pydantic_errors(request, exc):
    return _error(request, 422, common.pydantic_field_errors(exc.errors))


@api.exception_handler(DjangoValidationError)
def _django_errors(request, exc):
    details = common.django_field_errors(exc)
    existing_id = getattr(exc, "visible_existing_id", None)
    if existing_id is not None:
        for item in details:
            if item["field"] == "id_number":
                item["existing_id"] = existing_id
    return _error(request, 422, details)


@api.exception_handler(Http404)
def _not_found(request, exc):
    # The same body for "does not exist" and "not yours", so existence does not leak.
    return _error(request, 404, _(common.NOT_FOUND))  # marked with gettext_noop where defined


api.add_exception_handler(NotFound, _not_found)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, str(exc) or _("您没有执行此操作的权限"))


@api.exception_handler(HttpError)
def _http_error(request, exc):
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
        # ninja's own message for a body that is not JSON; every answer speaks Chinese.
        detail = _("请求体不是有效的 JSON")
    return _error(request, exc.status_code, detail)


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    # Past DATA_UPLOAD_MAX_MEMORY_SIZE Django refuses to read the body; answer the documented
    # JSON 400 rather than the site's HTML error page.
    return _error(
        request,
        400,
        _("请求体过大，不能超过 %(mb)s MB") % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)},
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _error(request, 401, _("未登录或令牌无效：请先通过 POST /api/v1/auth/token 获取令牌"))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(StaleObject)
def _stale(request, exc):
    response = _error(request, 412, str(exc), current_version=exc.obj.version)
    response["ETag"] = f'"{exc.obj.version}"'
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc):
    response = _error(request, 429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


api.add_router("/auth", auth_router)
api.add_router("/", territory_router)
api.add_router("/", registry_router)
api.add_router("/", care_router)
api.add_router("/", campaigns_router)
api.add_router("/", mediation_router)
api.add_router("/", consultation_router)
api.add_router("/", compact_router)
api.add_router("/", civil_router)
api.add_router("/", organisations_router)
api.add_router("/", services_router)
api.add_router("/", legal_router)
api.add_router("/", surveys_router)
api.add_router("/", notices_router)
api.add_router("/", crosscheck_router)


@csrf_exempt  # like every API route: a PUT to a wrong path is a 404, not the web's CSRF page
def unknown_path(request, rest=""):
    """Any other path under /api/v1 (`/nodes/-1`, `/nodes/abc`, a typo) answers the API's JSON
    404 rather than the web site's HTML page, so clients always get the documented body."""
    return JsonResponse({"detail": _(common.NOT_FOUND)}, status=404, json_dumps_params={"ensure_ascii": False})
