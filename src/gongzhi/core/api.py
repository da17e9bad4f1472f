"""Shared pieces of the JSON API: bearer authentication, the audit context per call, error
bodies, pagination, scoped look-ups of referenced records, and optimistic locking with
ETag / If-Match.

Errors answer with a Chinese `detail`; validation errors list fields:
`{"detail": [{"field": "id_number", "message": "…"}]}`. Anything the user may not see answers
404 with the same body whether it exists or not.
"""

import functools
import json
from typing import Annotated

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Schema
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from . import audit, scoping
from .limits import FILTER_MAX_LENGTH, REASON_MAX_LENGTH, TEXT_MAX_LENGTH

NOT_FOUND = gettext_noop("未找到该记录")

# ---- bounded input types --------------------------------------------------------------------
# Every number and text an endpoint takes is bounded here, once, so the OpenAPI document states
# the bounds and nothing out of range reaches the database: SQLite raises OverflowError past
# 64 bits and PostgreSQL refuses NUL characters, both of which would otherwise answer 500.

DB_INT_MAX = 2**63 - 1  # BigAutoField and SQLite INTEGER
DB_INT32_MAX = 2**31 - 1  # (Positive)IntegerField on PostgreSQL


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("string_nul", gettext_noop("不能包含空字符（\\x00）"))
    return value


def Text(max_length: int = TEXT_MAX_LENGTH):  # noqa: N802 - used as a type: `notes: Text(2000) = ""`
    """A text field of at most `max_length` characters, without NUL characters."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_no_nul)]


Id = Annotated[int, Field(ge=1, le=DB_INT_MAX)]  # a record id: in paths, filters and references
Int64 = Annotated[int, Field(ge=-DB_INT_MAX - 1, le=DB_INT_MAX)]  # page numbers and other plain integers
Count = Annotated[int, Field(ge=0, le=DB_INT32_MAX)]  # a PositiveIntegerField value
Reason = Text(REASON_MAX_LENGTH)  # why a change was made: kept in the audit entry
Notes = Text(TEXT_MAX_LENGTH)  # free text: notes, descriptions, comments
Filter = Text(FILTER_MAX_LENGTH)  # a search or filter value in a query string


class Detail(Schema):
    """An error: 400, 401, 403, 404, 412 (with current_version), 428, 429."""

    detail: str
    current_version: int | None = None


class FieldError(Schema):
    field: str
    message: str
    existing_id: int | None = None


class FieldErrors(Schema):
    """422: one entry per message; "__all__" when it is not about one field."""

    detail: list[FieldError]


# Documented error answers (the exception handlers in gongzhi/api.py make them). Reads cannot
# meet a body or a version check; creates have no record to find or to be stale; writes to a
# record can meet them all. ERRORS is the union, for endpoints that do not say which they are.
READ_ERRORS = {401: Detail, 403: Detail, 404: Detail, 422: FieldErrors}
CREATE_ERRORS = {400: Detail, 401: Detail, 403: Detail, 422: FieldErrors}
WRITE_ERRORS = {**READ_ERRORS, 400: Detail, 412: Detail, 428: Detail}
ERRORS = {**WRITE_ERRORS, **CREATE_ERRORS}
# Endpoints that search or register by ID or phone number count against the number look-up
# limits (registry/number_search.py) and answer 429 with Retry-After past them.
THROTTLED = {429: Detail}


class Renderer(JSONRenderer):
    """JSON with Chinese written as is (shorter and readable) rather than as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def json_response(data, status=200) -> HttpResponse:
    """A JSON answer built from plain dicts the endpoint already shaped to its documented
    schema. List endpoints use it to skip ninja's per-row re-validation, which costs more
    than the query itself on a page of 50 (bench/api.py); tests check the shapes."""
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token from POST /api/v1/auth/token."""

    def authenticate(self, request, token):
        user = scoping.user_for_token(token)
        if user is not None:
            request.user = user
        return user


def session_user(request):
    """The logged-in browser user, so the docs page works after a web login. Only for safe
    methods: writes need a token, which keeps cookie-borne CSRF out of the API entirely."""
    user = getattr(request, "user", None)
    if request.method in ("GET", "HEAD", "OPTIONS") and user is not None and user.is_authenticated:
        return user
    return None


def in_audit_context(view):
    """Run an endpoint as the authenticated user through the "api" channel, so the audit
    entries services write name the caller and the client address."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "auth", None)
        with audit.acting(user=user, source="api", ip=request.META.get("REMOTE_ADDR")):
            return view(request, *args, **kwargs)

    return wrapper


# ---- status errors --------------------------------------------------------------------------


class PreconditionRequired(HttpError):
    """A write to an existing record came without If-Match (428)."""

    def __init__(self):
        super().__init__(428, _('修改或删除记录须带 If-Match 请求头，其值为读取记录时得到的 ETag（如 "3"）'))


def forbid():
    raise HttpError(403, _("您没有执行此操作的权限"))


def require_anywhere(user, perm):
    """403 unless the user holds `perm` somewhere (list and create endpoints)."""
    if not scoping.has_perm_anywhere(user, perm):
        forbid()


def require_at(user, perm, obj):
    """403 unless the user holds `perm` where `obj` lies (they can already see it)."""
    if not scoping.has_perm_at(user, perm, obj.scope_path()):
        forbid()


# ---- field errors ---------------------------------------------------------------------------

_PYDANTIC_MESSAGES = {
    "missing": gettext_noop("此字段为必填项"),
    "int_parsing": gettext_noop("应为整数"),
    "int_type": gettext_noop("应为整数"),
    "int_from_float": gettext_noop("应为整数"),
    "float_parsing": gettext_noop("应为数字"),
    "float_type": gettext_noop("应为数字"),
    "decimal_parsing": gettext_noop("应为数字"),
    "decimal_type": gettext_noop("应为数字"),
    "string_type": gettext_noop("应为文本"),
    "bool_parsing": gettext_noop("应为 true 或 false"),
    "bool_type": gettext_noop("应为 true 或 false"),
    "date_parsing": gettext_noop("日期格式应为 YYYY-MM-DD"),
    "date_from_datetime_parsing": gettext_noop("日期格式应为 YYYY-MM-DD"),
    "date_type": gettext_noop("日期格式应为 YYYY-MM-DD"),
    "list_type": gettext_noop("应为列表"),
    "dict_type": gettext_noop("应为对象"),
    "model_type": gettext_noop("应为对象"),
    "model_attributes_type": gettext_noop("应为对象"),
    "json_invalid": gettext_noop("请求体不是有效的 JSON"),
    "extra_forbidden": gettext_noop("不支持的字段"),
    "greater_than_equal": gettext_noop("不能小于 {ge}"),
    "less_than_equal": gettext_noop("不能大于 {le}"),
    "greater_than": gettext_noop("应大于 {gt}"),
    "less_than": gettext_noop("应小于 {lt}"),
    "string_too_long": gettext_noop("不能超过 {max_length} 个字符"),
    "string_too_short": gettext_noop("至少 {min_length} 个字符"),
    "string_nul": gettext_noop("不能包含空字符（\\x00）"),
    "enum": gettext_noop("应为以下之一：{expected}"),
    "literal_error": gettext_noop("应为以下之一：{expected}"),
    "decimal_max_digits": gettext_noop("数字位数不能超过 {max_digits} 位"),
    "decimal_max_places": gettext_noop("小数位数不能超过 {decimal_places} 位"),
    "decimal_whole_digits": gettext_noop("整数部分不能超过 {whole_digits} 位"),
    "finite_number": gettext_noop("应为有限的数字"),
}

# Where ninja puts a parameter: ("body", "payload", "id_number") or ("query", "page").
_SKIP = {"body": 2, "form": 2, "file": 2, "query": 1, "path": 1, "header": 1, "cookie": 1}


def pydantic_field_errors(errors) -> list[dict]:
    """ninja's pydantic error list as [{"field", "message"}] with Chinese messages."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        field = ".".join(loc[_SKIP.get(loc[0], 1) :]) if loc else ""
        template = _PYDANTIC_MESSAGES.get(err.get("type"))
        try:
            message = _(template).format(**(err.get("ctx") or {})) if template else err.get("msg", "")
        except (KeyError, IndexError):
            message = err.get("msg", "")
        out.append({"field": field or NON_FIELD_ERRORS, "message": message})
    return out


def django_field_errors(exc: ValidationError) -> list[dict]:
    """A Django ValidationError as [{"field", "message"}] ("__all__" when not about a field)."""
    if hasattr(exc, "error_dict"):
        return [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
    return [{"field": NON_FIELD_ERRORS, "message": m} for m in exc.messages]


def field_error(field, message):
    return ValidationError({field: message})


# ---- look-ups -------------------------------------------------------------------------------


def resolve(queryset, pk, field, label):
    """The record `pk` from a scoped queryset, or a 422 on `field` — one message whether the
    record does not exist or lies outside the caller's scope."""
    if pk is None:
        return None
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise field_error(field, _("%(label)s不存在或不在您的权限范围内") % {"label": label})
    return obj


# ---- pagination -----------------------------------------------------------------------------


def page_bounds(page: int, page_size: int | None) -> tuple[int, int]:
    """Validated (page, page_size); page_size defaults to settings.GONGZHI_PAGE_SIZE."""
    size = settings.GONGZHI_PAGE_SIZE if page_size is None else page_size
    errors = {}
    if page < 1:
        errors["page"] = _("页码从 1 开始")
    if not 1 <= size <= settings.GONGZHI_MAX_PAGE_SIZE:
        errors["page_size"] = _("每页条数应在 1 到 %(max)s 之间") % {"max": settings.GONGZHI_MAX_PAGE_SIZE}
    if errors:
        raise ValidationError(errors)
    return page, size


def paginate(queryset, page: int, page_size: int | None, serialize, counted=None) -> dict:
    """{"count", "page", "page_size", "results"}: one COUNT and one page query (plus whatever
    prefetches the queryset carries). `counted`, if given, is the same rows written in a form
    the database counts faster; the COUNT runs on it."""
    page, size = page_bounds(page, page_size)
    count = (queryset if counted is None else counted).count()
    start = (page - 1) * size
    rows = list(queryset[start : start + size]) if start < count else []
    return {"count": count, "page": page, "page_size": size, "results": serialize(rows)}


# ---- optimistic locking ---------------------------------------------------------------------


def set_etag(response, obj):
    response["ETag"] = obj.etag
    return obj


def check_write(request, obj, perm) -> int:
    """For a write to a record the caller can see: 403 without `perm` where it lies, then
    428/412 from If-Match. Returns the version to hand to the service as expected_version."""
    require_at(request.auth, perm, obj)
    return expected_version(request, obj)


def changed_ref(changes: dict, obj, field: str, queryset, label: str):
    """Replace the id in changes[field] by the record, looked up in `queryset` (the caller's
    write scope) only when it differs from the current one — keeping a parent or grid the
    caller may not edit is fine, moving something there is not."""
    if field not in changes:
        return
    pk = changes[field]
    if pk == getattr(obj, f"{field}_id"):
        changes[field] = getattr(obj, field)
    else:
        changes[field] = resolve(queryset, pk, field, label)


def payload_changes(payload, partial: bool) -> tuple[dict, str]:
    """(changes, reason) from an input schema; PATCH keeps only the fields sent."""
    data = payload.model_dump(exclude_unset=partial)
    reason = data.pop("reason", "") or ""
    return data, reason


def expected_version(request, obj) -> int:
    """The version named by If-Match. Missing → 428; not the current version → 412 (raised as
    StaleObject, so nothing is written). A wildcard `*` is refused like a missing header: a
    registry must not be overwritten blindly. Weak tags (W/"3") compare by their version,
    because a proxy may weaken the tag of an unchanged record."""
    from .exceptions import StaleObject

    raw = (request.headers.get("If-Match") or "").strip()
    if not raw or raw == "*":
        raise PreconditionRequired()
    versions = set()
    for part in raw.split(","):
        tag = part.strip().removeprefix("W/").strip().strip('"')
        if tag.isdigit():
            versions.add(int(tag))
    if obj.version in versions:
        return obj.version
    raise StaleObject(obj, ", ".join(str(v) for v in sorted(versions)) or raw)
