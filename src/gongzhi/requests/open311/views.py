"""Open311 GeoReport v2 views. Reads are public (no login, no key); filing and posting updates need an api_key.
Every answer is XML or JSON by the path suffix; every failure is an Open311 error body.

Every read of requests or their updates starts from `public.public_requests()`: a request of a
private category is not listed, and looking it up by id answers the same 404 as an id that does
not exist. Filing one through POST still works (the filer gets its id and token)."""

import functools
import uuid

from django.conf import settings
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from gongzhi.cases.models import JournalEntry
from gongzhi.core import throttle
from gongzhi.core.audit import acting

from ..choices import CASE_TYPE
from ..models import Category, RequestPhoto, ServiceRequest
from ..public import public_requests
from . import intake, records, update_intake
from . import params as P
from .errors import Open311Error, bad_request, not_found
from .serializers import CONTENT_TYPES, render, render_error, when

CHANGESET = "2026-11-22T00:00:00+08:00"  # when this endpoint's behaviour last changed


def open311(*methods):
    """Answer only `methods`; turn Open311Error into the error body in the asked format."""

    def wrap(view):
        @csrf_exempt  # third parties post forms with an api_key, not a session
        @functools.wraps(view)
        def inner(request, fmt, **kwargs):
            try:
                if request.method not in methods:
                    raise bad_request(_("不支持 %(method)s 方法。") % {"method": request.method})
                _refuse_nul(request, kwargs)
                return view(request, fmt, **kwargs)
            except Open311Error as e:
                return render_error(fmt, e)

        return inner

    return wrap


def _refuse_nul(request, path_values):
    """A NUL character in any parameter or path segment is a 400 here, before a query:
    PostgreSQL refuses NUL in text with an error (a 500), SQLite would just find nothing."""
    bad = sorted(
        {
            name
            for params in (request.GET, request.POST)
            for name, values in params.lists()
            if "\x00" in name or any("\x00" in v for v in values)
        }
    )
    bad += [name for name, value in path_values.items() if "\x00" in str(value)]
    if bad:
        raise bad_request(
            *(_("%(field)s 不能包含空字符（\\x00）。") % {"field": name.replace(chr(0), "")[:40]} for name in bad)
        )


def _params(request):
    return request.POST if request.method == "POST" else request.GET


@open311("GET")
def discovery(request, fmt):
    url = request.build_absolute_uri("/open311/v2/")
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": getattr(settings, "GONGZHI_OPEN311_CONTACT", "12345 政务服务便民热线"),
            "key_service": getattr(settings, "GONGZHI_OPEN311_KEY_SERVICE", "请联系平台管理员申请 api_key"),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": url,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": list(CONTENT_TYPES.values()),
                }
            ],
        },
    )


@open311("GET")
def services(request, fmt):
    P.jurisdiction(request.GET)
    cats = Category.objects.filter(active=True).annotate(n_attributes=Count("attributes")).order_by("service_code")
    return render(fmt, "services", [records.service(c) for c in cats])


@open311("GET")
def service_definition(request, fmt, code):
    P.jurisdiction(request.GET)
    cat = Category.objects.filter(service_code=code, active=True).first()
    if cat is None:
        raise not_found(_("服务不存在：%(code)s") % {"code": code[:40]})
    return render(fmt, "service_definition", records.definition(cat))


def _base():
    return (
        public_requests()
        .select_related("category", "assignee", "building", "node", "duplicate_of__category")
        .prefetch_related(Prefetch("photos", queryset=RequestPhoto.objects.order_by("id")))
    )


def _filtered(request):
    errors: list[str] = []
    node = P.jurisdiction(request.GET)
    qs = _base()
    if node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    ids = P.comma_list(request.GET.get("service_request_id"))
    page, size = P.paging(request.GET, errors)
    if ids:  # overrides every other filter
        if not all(x.isdigit() for x in ids):
            errors.append(_("service_request_id 须为以逗号分隔的编号。"))
        P.check(errors)
        return qs.filter(pk__in=[int(x) for x in ids[:size]]), page, size
    codes = P.comma_list(request.GET.get("service_code"))
    if codes:
        known = set(Category.objects.filter(service_code__in=codes).values_list("service_code", flat=True))
        errors.extend(_("service_code 不存在：%(code)s") % {"code": c[:40]} for c in codes if c not in known)
        qs = qs.filter(category__service_code__in=codes)
    start, end = P.window(request.GET, errors)
    wanted = P.statuses(request.GET, errors)
    P.check(errors)
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    if wanted == {"open"}:
        qs = qs.open()
    elif wanted == {"closed"}:
        qs = qs.closed()
    return qs, page, size


def _records(request, qs):
    now = timezone.now()
    return [records.request_record(r, request.build_absolute_uri, now) for r in qs]


def _flooding(request, fmt, group):
    """Posting is keyed, but a leaked or buggy key must not flood the desk: a rate per client
    address (GONGZHI_RATE_OPEN311_POST), answered as an Open311 error with 429; else None."""
    wait = throttle.hit(request, group, "GONGZHI_RATE_OPEN311_POST")
    if not wait:
        return None
    response = render_error(
        fmt, Open311Error(429, _("提交过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": throttle.minutes(wait)})
    )
    response["Retry-After"] = str(wait)
    return response


@open311("GET", "POST")
def requests_(request, fmt):
    if request.method == "POST":
        return _flooding(request, fmt, "open311.post_request") or _post(request, fmt)
    qs, page, size = _filtered(request)
    qs = qs.order_by("-received_at", "-pk")[(page - 1) * size : page * size]
    return render(fmt, "service_requests", _records(request, qs))


def _post(request, fmt):
    with acting(user=None, source="api"):
        created = intake.file(request.POST)
    notice = _("受理编号 %(tracking_number)s，办结时限 %(when)s") % {
        "tracking_number": created.tracking_number,
        "when": when(created.deadline)[:10],
    }
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": str(created.pk),
                "service_notice": notice,
                "account_id": request.POST.get("account_id", "")[:100],
            }
        ],
    )


@open311("GET")
def request_detail(request, fmt, request_id):
    P.jurisdiction(request.GET)
    found = _base().filter(pk=int(request_id)).first() if request_id.isdigit() else None
    if found is None:
        raise not_found(_("诉求不存在：%(request_id)s") % {"request_id": request_id[:40]})
    return render(fmt, "service_requests", _records(request, [found]))


@open311("GET")
def token(request, fmt, token):
    found = ServiceRequest.objects.filter(token=token).values_list("pk", flat=True).first() if _is_uuid(token) else None
    if found is None:
        raise not_found(_("令牌不存在：%(token)s") % {"token": token[:40]})
    return render(fmt, "service_requests", [{"service_request_id": str(found), "token": token}])


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@open311("GET", "POST")
def updates(request, fmt):
    if request.method == "POST":
        return _flooding(request, fmt, "open311.post_update") or _post_update(request, fmt)
    errors: list[str] = []
    node = P.jurisdiction(request.GET)
    start, end = P.window(request.GET, errors)
    page, size = P.paging(request.GET, errors)
    P.check(errors)
    qs = JournalEntry.objects.filter(
        public=True, case__case_type=CASE_TYPE, at__gte=start, at__lte=end, case__in=public_requests().values("pk")
    )
    if node is not None:
        qs = qs.filter(case__node__path__startswith=node.path)
    qs = qs.order_by("at", "pk")[(page - 1) * size : page * size]
    return render(fmt, "service_request_updates", [records.update_record(e) for e in qs])


def _post_update(request, fmt):
    with acting(user=None, source="api"):
        entry = update_intake.record(request.POST)
    return render(fmt, "service_request_updates", [{"update_id": str(entry.pk)}])


def unknown(request, rest=""):
    """Anything else under /open311/v2/: 404 in the format the path asks for (XML by default)."""
    fmt = "json" if rest.endswith(".json") else "xml"
    return render_error(fmt, not_found(_("资源不存在：%(rest)s") % {"rest": rest[:80]}))
