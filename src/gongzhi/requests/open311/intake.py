"""POST requests.{fmt}: read a form-encoded Open311 request, check everything Open311-specific
(service code, location, coordinates, attributes) collecting every problem, then file it
through `services.file_request`, which validates the rest and saves in one transaction.

An unknown `service_code` here is a 400, not a 404: OPEN311.md keeps 404 for an unknown
resource (a path such as services/{code}.xml), and a parameter is "anything else". The api_key
is checked first, so a caller without one learns nothing else (403). Not stored: `email`,
`device_id` and `media_url` (the request has no place for them yet); the name and phone are
kept for staff and the progress check, never emitted."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gongzhi.territory.models import Building

from .. import services
from .. import validation as v
from ..choices import Channel
from ..models import Category, CategoryAttribute
from .errors import Open311Error, bad_request, forbidden
from .params import jurisdiction, parse_when

_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")
DT = CategoryAttribute.Datatype


def api_key(post):
    key = services.check_open311_key(post.get("api_key"))
    if key is None:
        raise forbidden(_("缺少 api_key 或 api_key 无效。") if post.get("api_key") else _("缺少 api_key。"))
    return key


def _coordinate(raw, name, low, high, errors):
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or not low <= value <= high:
        errors.append(_("%(name)s 须为 %(low)s 到 %(high)s 之间的数字。") % {"name": name, "low": low, "high": high})
        return None
    return value


def location(post, errors: list) -> dict:
    """lat+long, address_string or address_id (a building number): at least one is required."""
    lat, lng = post.get("lat", "").strip(), post.get("long", "").strip()
    address, address_id = post.get("address_string", "").strip(), post.get("address_id", "").strip()
    place = {"address": address}
    if bool(lat) != bool(lng):
        errors.append(_("lat 与 long 须同时提供。"))
    elif lat:
        place["lat"] = _coordinate(lat, "lat", -90, 90, errors)
        place["lng"] = _coordinate(lng, "long", -180, 180, errors)
    if address_id:
        building = Building.objects.filter(pk=address_id).first() if address_id.isdigit() else None
        if building is None:
            errors.append(_("address_id 不存在：%(address_id)s") % {"address_id": address_id[:40]})
        place["building"] = building
    if not (lat or address or address_id):
        errors.append(_("须提供位置：lat 和 long，或 address_string，或 address_id。"))
    if address:
        try:
            v.validate_no_html(address)
        except ValidationError:
            errors.append(_("address_string 不能包含 HTML 标记。"))
    return place


def category(post, errors: list):
    code = post.get("service_code", "").strip()
    if not code:
        errors.append(_("service_code 必填。"))
        return None
    found = Category.objects.filter(service_code=code, active=True).first()
    if found is None:
        errors.append(_("service_code 不存在：%(code)s") % {"code": code[:40]})
    return found


def _given_attributes(post) -> dict:
    given = {}
    for key in post:
        m = _ATTRIBUTE_KEY.match(key)
        if m:
            values = [x.strip() for x in post.getlist(key) if x.strip()]
            given[m.group(1)] = values if m.group(2) else (values[-1] if values else "")
    return given


def _check_value(attr, value, errors):
    keys = {str(x.get("key")) for x in attr.values or []}
    label = f"attribute[{attr.code}]"
    if attr.datatype == DT.MULTI:
        values = value if isinstance(value, list) else [value]
        if set(values) - keys:
            errors.append(_("%(label)s 含有不可选的值。") % {"label": label})
        return values
    if isinstance(value, list):
        value = value[-1] if value else ""
    if attr.datatype == DT.SINGLE and value not in keys:
        errors.append(_("%(label)s 的值不在可选范围内。") % {"label": label})
    elif attr.datatype == DT.NUMBER:
        try:
            Decimal(value)
        except InvalidOperation:
            errors.append(_("%(label)s 须为数字。") % {"label": label})
    elif attr.datatype == DT.DATETIME:
        parse_when(value, label, errors)
    elif len(value) > v.MAX_DESCRIPTION or _has_html(value):
        errors.append(_("%(label)s 过长或含有 HTML 标记。") % {"label": label})
    return value


def _has_html(value) -> bool:
    try:
        v.validate_no_html(value)
    except ValidationError:
        return True
    return False


def attributes(post, cat, errors: list) -> dict:
    """The answers to the category's questions: required ones present, list values among the
    offered keys, numbers and datetimes well-formed; unknown codes refused."""
    given = _given_attributes(post)
    if cat is None:
        return {}
    defs = {a.code: a for a in cat.attributes.filter(variable=True)}
    for code in sorted(set(given) - set(defs)):
        errors.append(_("未知的附加信息 attribute[%(code)s]。") % {"code": code[:40]})
    answers = {}
    for code, attr in defs.items():
        value = given.get(code)
        if value in (None, "", []):
            if attr.required:
                errors.append(_("attribute[%(code)s] 必填。") % {"code": code})
            continue
        answers[code] = _check_value(attr, value, errors)
    return answers


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {m}" if field != "__all__" else m for field, ms in error.message_dict.items() for m in ms]
    return list(error.messages)


def file(post):
    """Check and file one request; returns it, or raises Open311Error listing every problem."""
    api_key(post)
    errors: list[str] = []
    node = None
    try:
        node = jurisdiction(post, required=True)
    except Open311Error as e:
        errors.extend(e.descriptions)
    cat = category(post, errors)
    place = location(post, errors)
    answers = attributes(post, cat, errors)
    description = post.get("description", "")
    if description.strip():
        try:
            v.validate_description(description)
        except ValidationError as e:
            errors.extend(e.messages)
    if errors:
        raise bad_request(*errors)
    name = " ".join(x for x in (post.get("last_name", "").strip(), post.get("first_name", "").strip()) if x)
    try:
        return services.file_request(
            channel=Channel.API,
            category=cat,
            node=node,
            attributes=answers,
            requester_name=name[:50],
            requester_phone=post.get("phone", ""),
            description=description.strip() or _("%(name)s（未附说明）") % {"name": cat.name},
            **place,
        )
    except ValidationError as e:
        raise bad_request(*_messages(e)) from None
    except PermissionDenied as e:
        raise forbidden(str(e)) from None
