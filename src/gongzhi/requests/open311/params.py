"""Reading Open311 query parameters: the jurisdiction, dates (W3C/ISO 8601; a value without a
zone is Beijing time), the 90-day window, status and code lists, and page/page_size.
Every problem is collected so one 400 answer can list them all."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gongzhi.core.workdays import CN_TZ
from gongzhi.territory.models import Node

from .errors import bad_request

MAX_SPAN = dt.timedelta(days=90)
JURISDICTION_KINDS = ("town", "street", "township", "district")


def jurisdiction(params, *, required: bool = False):
    """The territory node a `jurisdiction_id` (a division code) names; an empty value equals an
    absent one. When one is needed (filing) and absent, the only town/street is taken."""
    code = (params.get("jurisdiction_id") or "").strip()
    if code:
        node = Node.objects.filter(code=code, kind__in=JURISDICTION_KINDS).first()
        if node is None:
            raise bad_request(_("jurisdiction_id 无效：%(code)s") % {"code": code[:40]})
        return node
    if not required:
        return None
    towns = list(Node.objects.filter(kind__in=JURISDICTION_KINDS[:3]).order_by("path")[:2])
    if len(towns) != 1:
        raise bad_request(_("本接口服务多个辖区，请提供 jurisdiction_id（区划代码）。"))
    return towns[0]


def parse_when(value: str, name: str, errors: list):
    """An aware datetime from `value`, or None with an error noted."""
    text = (value or "").strip()
    try:
        parsed = parse_datetime(text)
        if parsed is None and parse_date(text) is not None:
            parsed = dt.datetime.combine(parse_date(text), dt.time())
    except ValueError:
        parsed = None
    if parsed is None:
        errors.append(_("%(name)s 不是有效的日期时间（例：2026-11-01T00:00:00+08:00）。") % {"name": name})
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=CN_TZ)


def window(params, errors: list, now=None):
    """(start, end) from start_date/end_date: at most 90 days, the last 90 by default."""
    now = now or timezone.now()
    start = parse_when(params["start_date"], "start_date", errors) if params.get("start_date") else None
    end = parse_when(params["end_date"], "end_date", errors) if params.get("end_date") else None
    if params.get("start_date") and start is None or params.get("end_date") and end is None:
        return None, None
    if start is None and end is None:
        end, start = now, now - MAX_SPAN
    elif start is None:
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        errors.append(_("end_date 不能早于 start_date。"))
    elif end - start > MAX_SPAN:
        errors.append(_("start_date 与 end_date 相隔不能超过 90 天。"))
    return start, end


def comma_list(value) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def statuses(params, errors: list) -> set[str]:
    wanted = set(comma_list(params.get("status")))
    if wanted - {"open", "closed"}:
        errors.append(_("status 只能是 open、closed 或二者以逗号分隔。"))
    return wanted


def _positive(params, name, default, upper, errors):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not str(raw).isdigit() or not 1 <= int(raw) <= upper:
        errors.append(_("%(name)s 须为 1 到 %(upper)s 之间的整数。") % {"name": name, "upper": upper})
        return default
    return int(raw)


def paging(params, errors: list) -> tuple[int, int]:
    """(page, page_size): page_size defaults to and is capped at 1000 (the spec's default)."""
    cap = getattr(settings, "GONGZHI_MAX_PAGE_SIZE", 1000)
    return _positive(params, "page", 1, 10**6, errors), _positive(params, "page_size", cap, cap, errors)


def check(errors: list):
    if errors:
        raise bad_request(*errors)
