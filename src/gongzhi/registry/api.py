"""API for households and residents: scoped lists with filters, search and pages, single
records with ETag, writes through registry.services with If-Match, and moves.

Privacy (registry/disclosure.py): ID and phone numbers are masked for everyone by default. Full
numbers only on an explicit `?unmask=1` with a `purpose` (用途), for a caller holding
registry.unmask_pii where the person lives; without that right the request is refused (403),
and every response showing full numbers writes one audit entry keeping the purpose. Residents
with sensitive tags are hidden by the scoped queryset unless the caller holds
registry.view_sensitive there, and every response showing such a record — list or single —
logs the view."""

from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import Status

from gongzhi.core import api as common
from gongzhi.core import read_cache
from gongzhi.core.masking import mask_id, mask_phone
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Building, Node

from . import disclosure, duplicates, keyset, selectors, services
from . import permissions as perms
from .api_schemas import (
    RESIDENT_COLUMNS,
    SENSITIVE,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdPatch,
    HouseholdUpdate,
    MoveIn,
    ResidentFields,
    ResidentIn,
    ResidentOut,
    ResidentPage,
    ResidentPatch,
    TagOut,
    household_dict,
    resident_dict,
    resident_row,
    tags_of,
)
from .models import Household, Resident, Tag
from .validation import DuplicateIdNumber

router = Router(tags=["住户与居民"])
ERRORS = common.ERRORS
# The lists' orders, unique keys that an index answers in order (the web lists' too).
HOUSEHOLD_ORDER = ("grid_id", "number")
RESIDENT_ORDER = ("name", "id")
AFTER_QUERY = Query(
    None,
    description="翻页标记：上一页返回的 next 链接已带上，照链接取下一页即可（按键翻页，深页不变慢）。"
    "Page key: follow the `next` link of the previous page (keyset paging).",
)


def _log_unmasked_list(results: list[dict], paths: list[str], purpose: str):
    """One audit entry per response that showed full numbers, naming the records and keeping
    the purpose (PIPL Art. 6, 51)."""
    shown = [
        (row["id"], path)
        for row, path in zip(results, paths)
        if not row["masked"] and (row["id_number"] or row["phone"])
    ]
    if not shown:
        return
    ids = [pk for pk, _path in shown]
    disclosure.log_unmasked_rows(
        Resident,
        ids,
        _common_path([path for _pk, path in shown]),
        purpose,
        f"接口列表：{len(ids)} 位居民的完整身份证号和电话",
    )


# The explicit request for full numbers, documented in the OpenAPI schema (docs/api.md).
UNMASK_QUERY = Query(
    False,
    description="1: 显示完整身份证号和电话（需 registry.unmask_pii 授权，并须填写 purpose；"
    "无授权时答 403）。Show full ID and phone numbers: needs the unmask right and a purpose; "
    "403 without the right.",
)
PURPOSE_QUERY = Query(
    None,
    description=f"用途（unmask=1 时必填，最多 {disclosure.PURPOSE_MAX} 字），记入审计日志。"
    "Purpose of the unmasking, required with unmask=1, kept in the audit log.",
)


def _unmask_request(user, unmask: bool, purpose: str | None, path: str | None = None) -> str:
    """The cleaned purpose of an explicit `?unmask=1`, or "" when none was asked. A caller
    without registry.unmask_pii (at `path`, or anywhere for a list) is refused with 403, so
    asking never silently returns what looks like an answer; a missing or overlong purpose is 422."""
    if not unmask:
        return ""
    allowed = (
        has_perm_at(user, disclosure.UNMASK_PERM, path)
        if path is not None
        else has_perm_anywhere(user, disclosure.UNMASK_PERM)
    )
    if not allowed:
        raise HttpError(403, _("您没有查看完整号码的权限（需要“查看完整身份证号和电话”授权），号码仍按脱敏显示"))
    return disclosure.clean_purpose(purpose)


def _common_path(paths: list[str]) -> str:
    """The deepest territory path containing all of `paths` ("1/2/" for "1/2/3/" and "1/2/4/")."""
    if len(set(paths)) == 1:
        return paths[0]
    parts = [p.split("/") for p in paths]
    shared = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        shared.append(level[0])
    return "/".join(shared) + "/" if shared else ""


def _resident_out(request, resident: Resident, purpose: str = "") -> dict:
    """A single resident for the caller (numbers in full only when `purpose` is given, i.e.
    an allowed `?unmask=1`), logging the sensitive view and the unmasking."""
    data = resident_dict(request.auth, resident, unmask=bool(purpose))
    disclosure.log_sensitive_reads([resident])
    if not data["masked"] and (resident.id_number or resident.phone):
        disclosure.log_unmask(resident, purpose=purpose)
    return data


# ---- references -----------------------------------------------------------------------------


def _grids(user, perm):
    return Node.objects.visible_to(user, perm).filter(level=Level.GRID)


def _tags(user, slugs, path):
    """Tag records for `slugs`; sensitive tags only for callers who may see them there."""
    if slugs is None:
        return None
    wanted = list(dict.fromkeys(slugs))
    found = {t.slug: t for t in Tag.objects.filter(slug__in=wanted)}
    allowed_sensitive = has_perm_at(user, SENSITIVE, path)
    unknown = [s for s in wanted if s not in found or (found[s].sensitive and not allowed_sensitive)]
    if unknown:
        raise common.field_error("tags", _("未知标签：%(slugs)s") % {"slugs": "、".join(unknown)})
    return [found[s] for s in wanted]


def _duplicate(user, exc: DuplicateIdNumber):
    """The duplicate-ID error, pointing to the existing record only if the caller may see it."""
    existing = exc.existing
    if Resident.objects.visible_to(user).filter(pk=existing.pk).exists():
        err = common.field_error("id_number", _("该身份证号已登记（居民编号 %(id)s）") % {"id": existing.pk})
        err.visible_existing_id = existing.pk
    else:
        err = common.field_error("id_number", duplicates.hidden_message())
    return err


# ---- tags -----------------------------------------------------------------------------------


@router.get("/tags", response={200: list[TagOut], **ERRORS})
def list_tags(request):
    """The tag vocabulary; sensitive tags only for callers holding registry.view_sensitive."""
    common.require_anywhere(request.auth, perms.VIEW_RESIDENT)
    qs = Tag.objects.all()
    if not has_perm_anywhere(request.auth, SENSITIVE):
        qs = qs.filter(sensitive=False)
    return [{"slug": t.slug, "name": t.name, "sensitive": t.sensitive, "care": t.care} for t in qs]


# ---- households -----------------------------------------------------------------------------


@router.get("/households", response={200: HouseholdPage, **ERRORS})
def list_households(
    request,
    grid: common.Id | None = None,
    building: common.Id | None = None,
    tenure: common.Filter | None = None,
    q: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
    after: str | None = AFTER_QUERY,
):
    """Households the caller may see, by grid and number; `q` matches the start of the number or
    part of the address or room. The count stops at 1,000 (`count_exact` false past it); follow
    `next` (paged by key) to page through a whole town."""
    common.require_anywhere(request.auth, perms.VIEW_HOUSEHOLD)
    qs = selectors.households(request.auth)  # a grid worker's grids read from the grid index
    for field, value in (("grid_id", grid), ("building_id", building), ("tenure", tenure)):
        if value is not None:
            qs = qs.filter(**{field: value})
    if q:
        qs = qs.filter(Q(number__startswith=q) | Q(address__contains=q) | Q(room__contains=q))
    rows = keyset.api_page(
        request, qs.defer("grid__geojson"), HOUSEHOLD_ORDER, (int, str), after, page, page_size,
        lambda rows: [household_dict(h) for h in rows],
    )  # fmt: skip
    return common.json_response(rows)


@router.get("/households/{int:household_id}", response={200: HouseholdOut, **ERRORS})
def get_household(request, response: HttpResponse, household_id: common.Id):
    return household_dict(common.set_etag(response, selectors.get_household(request.auth, household_id)))


def _household_refs(user, perm, changes, household=None):
    grids, buildings = _grids(user, perm), Building.objects.visible_to(user, perm)
    if household is None:
        changes["building"] = common.resolve(buildings, changes.get("building"), "building", _("楼栋"))
        changes["grid"] = common.resolve(grids, changes.get("grid"), "grid", _("网格"))
        if changes["grid"] is None and changes["building"] is not None:
            changes.pop("grid")  # the service takes the building's grid
        return
    common.changed_ref(changes, household, "grid", grids, _("网格"))
    common.changed_ref(changes, household, "building", buildings, _("楼栋"))
    common.changed_ref(changes, household, "head", Resident.objects.visible_to(user), _("户主"))


@router.post("/households", response={201: HouseholdOut, **ERRORS})
def create_household(request, response: HttpResponse, payload: HouseholdIn):
    common.require_anywhere(request.auth, perms.ADD_HOUSEHOLD)
    data, reason = common.payload_changes(payload, partial=False)
    _household_refs(request.auth, perms.ADD_HOUSEHOLD, data)
    household = services.create_household(reason=reason, **data)
    return Status(201, household_dict(common.set_etag(response, household)))


def _update_household(request, response, household_id, payload, partial):
    household = selectors.get_household(request.auth, household_id)
    version = common.check_write(request, household, perms.CHANGE_HOUSEHOLD)
    changes, reason = common.payload_changes(payload, partial)
    _household_refs(request.auth, perms.CHANGE_HOUSEHOLD, changes, household)
    household = services.update_household(household, changes, reason=reason, expected_version=version)
    return household_dict(common.set_etag(response, household))


@router.put("/households/{int:household_id}", response={200: HouseholdOut, **ERRORS})
def put_household(request, response: HttpResponse, household_id: common.Id, payload: HouseholdUpdate):
    return _update_household(request, response, household_id, payload, partial=False)


@router.patch("/households/{int:household_id}", response={200: HouseholdOut, **ERRORS})
def patch_household(request, response: HttpResponse, household_id: common.Id, payload: HouseholdPatch):
    return _update_household(request, response, household_id, payload, partial=True)


@router.delete("/households/{int:household_id}", response={204: None, **ERRORS})
def delete_household(request, household_id: common.Id, reason: common.Reason = ""):
    household = selectors.get_household(request.auth, household_id)
    version = common.check_write(request, household, perms.DELETE_HOUSEHOLD)
    services.delete_household(household, reason=reason, expected_version=version)
    return Status(204, None)


# ---- residents ------------------------------------------------------------------------------


@router.get("/residents", response={200: ResidentPage, **ERRORS, **common.THROTTLED})
@read_cache.kept_answers
def list_residents(
    request,
    grid: common.Id | None = None,
    household: common.Id | None = None,
    residence_type: common.Filter | None = None,
    tag: common.Filter | None = None,
    status: common.Filter | None = None,
    q: common.Filter | None = None,
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
    after: str | None = AFTER_QUERY,
    unmask: bool = UNMASK_QUERY,
    purpose: str | None = PURPOSE_QUERY,
):
    """Residents the caller may see. `q`: a name or part of it, pinyin or initials, part of an
    ID or phone number. Numbers are masked; `unmask=1` with a `purpose` (用途, up to 100
    characters) shows them in full where the caller holds registry.unmask_pii (403 if nowhere;
    rows elsewhere stay masked, `masked: true`), and is audited with the purpose."""
    user = request.auth
    common.require_anywhere(user, perms.VIEW_RESIDENT)
    purpose = _unmask_request(user, unmask, purpose)
    filters = {
        field: value
        for field, value in (
            ("grid_id", grid),
            ("household_id", household),
            ("residence_type", residence_type),
            ("status", status),
        )
        if value is not None
    }
    qs = Resident.objects.visible_to(user).filter(**filters)
    # Without a search or tag the count reads the scope's grids from an index (counted_for).
    counted = None if (q or tag) else Resident.objects.counted_for(user).filter(**filters)
    if tag:
        qs = qs.filter(tags__slug=tag)
    paths: list[str] = []
    shown: list[dict] = []
    columns = (*RESIDENT_COLUMNS, "grid__path", "has_sensitive")

    def serialize(rows):
        tags = tags_of([r["id"] for r in rows]) if rows else {}
        paths.extend(r["grid__path"] for r in rows)
        shown.extend(rows)
        memo: dict = {}
        return [resident_row(user, r, r["grid__path"], tags.get(r["id"], ()), memo, unmask=bool(purpose)) for r in rows]

    if q and q.strip():
        # A search counts up to selectors.SEARCH_COUNT_CAP; past it `count` is the cap and
        # `count_exact` false (docs/api.md), and the pages follow the search index's order.
        page, size = common.page_bounds(page, page_size)
        found = selectors.search_page(qs, q)
        start = (page - 1) * size
        stop = min(start + size, found.count)  # past the cap, pages cover the first `count` only
        rows = list(found.queryset.values(*columns)[start:stop]) if start < stop else []
        result = {
            "count": found.count,
            "count_exact": found.exact,
            "page": page,
            "page_size": size,
            "next": keyset.next_link(request, page=str(page + 1), after=None) if stop < found.count else None,
            "results": serialize(rows),
        }
    else:  # the whole list: counted up to the cap, paged by key (registry.keyset)
        result = keyset.api_page(
            request, qs.values(*columns), RESIDENT_ORDER, (str, int), after, page, page_size, serialize, counted
        )
    # Audit entries written here make the answer uncacheable (core/read_cache.py), so every
    # such request is logged, not only the first.
    disclosure.log_sensitive_reads(shown)
    _log_unmasked_list(result["results"], paths, purpose)
    return common.json_response(result)


@router.get("/residents/{int:resident_id}", response={200: ResidentOut, **ERRORS})
def get_resident(
    request,
    response: HttpResponse,
    resident_id: common.Id,
    unmask: bool = UNMASK_QUERY,
    purpose: str | None = PURPOSE_QUERY,
):
    """One resident, numbers masked; `unmask=1` with a `purpose` shows them in full (403
    without registry.unmask_pii where the person lives), audited with the purpose."""
    resident = selectors.get_resident(request.auth, resident_id)
    purpose = _unmask_request(request.auth, unmask, purpose, resident.grid.path)
    return _resident_out(request, common.set_etag(response, resident), purpose)


@router.post("/residents", response={201: ResidentOut, **ERRORS, **common.THROTTLED})
def create_resident(request, response: HttpResponse, payload: ResidentIn):
    user = request.auth
    common.require_anywhere(user, perms.ADD_RESIDENT)
    data, reason = common.payload_changes(payload, partial=False)
    household = common.resolve(
        Household.objects.visible_to(user, perms.ADD_RESIDENT), data.pop("household"), "household", _("住户")
    )
    grid = common.resolve(_grids(user, perms.ADD_RESIDENT), data.pop("grid"), "grid", _("网格"))
    if household is not None and grid is not None and household.grid_id != grid.pk:
        raise common.field_error("household", _("该住户不在所选网格内"))
    grid = grid or (household.grid if household else None)
    if grid is None:
        raise common.field_error("grid", _("请选择网格或住户"))
    tags = _tags(user, data.pop("tags"), grid.path)
    try:
        resident = services.create_resident(grid=grid, household=household, tags=tags, reason=reason, **data)
    except DuplicateIdNumber as exc:
        raise _duplicate(user, exc) from None
    resident = selectors.get_resident(user, resident.pk)
    return Status(201, _resident_out(request, common.set_etag(response, resident)))


def _drop_masked_echo(changes: dict, resident):
    """A record read masked and sent back unchanged (GET, then PUT) carries the masked numbers:
    they mean "unchanged", not a new number, so a PUT needs no unmasking."""
    for field, mask in (("id_number", mask_id), ("phone", mask_phone)):
        current = getattr(resident, field)
        if field in changes and current and changes[field] == mask(current) and changes[field] != current:
            del changes[field]


def _update_resident(request, response, resident_id, payload, partial):
    user = request.auth
    resident = selectors.get_resident(user, resident_id)
    version = common.check_write(request, resident, perms.CHANGE_RESIDENT)
    changes, reason = common.payload_changes(payload, partial)
    _drop_masked_echo(changes, resident)
    tags = _tags(user, changes.pop("tags", None), resident.grid.path)
    try:
        services.update_resident(resident, changes, tags=tags, reason=reason, expected_version=version)
    except DuplicateIdNumber as exc:
        raise _duplicate(user, exc) from None
    resident = selectors.get_resident(user, resident_id)
    return _resident_out(request, common.set_etag(response, resident))


@router.put("/residents/{int:resident_id}", response={200: ResidentOut, **ERRORS, **common.THROTTLED})
def put_resident(request, response: HttpResponse, resident_id: common.Id, payload: ResidentFields):
    """Replace the person's data, tags included (omitted tags are removed); PATCH changes only
    the fields sent. Where the person lives changes through /move."""
    return _update_resident(request, response, resident_id, payload, partial=False)


@router.patch("/residents/{int:resident_id}", response={200: ResidentOut, **ERRORS, **common.THROTTLED})
def patch_resident(request, response: HttpResponse, resident_id: common.Id, payload: ResidentPatch):
    return _update_resident(request, response, resident_id, payload, partial=True)


@router.post("/residents/{int:resident_id}/move", response={200: ResidentOut, 204: None, **ERRORS})
def move_resident(request, response: HttpResponse, resident_id: common.Id, payload: MoveIn):
    """Move a person to another household (and its grid) or to a grid without a household;
    kept in the move history. Requires If-Match like any write."""
    user = request.auth
    resident = selectors.get_resident(user, resident_id)
    version = common.check_write(request, resident, perms.CHANGE_RESIDENT)
    perm = perms.CHANGE_RESIDENT
    household = common.resolve(Household.objects.visible_to(user, perm), payload.household, "household", _("住户"))
    grid = common.resolve(_grids(user, perm), payload.grid, "grid", _("网格"))
    if household is not None and grid is not None and household.grid_id != grid.pk:
        raise common.field_error("household", _("该住户不在所选网格内"))
    services.move_resident(
        resident,
        household=household,
        grid=grid if household is None else None,
        relation=payload.relation,
        reason=payload.reason,
        expected_version=version,
    )
    resident = selectors.residents(user).filter(pk=resident_id).first()
    if resident is None:  # moved to where the caller may write but not read (a custom role)
        return Status(204, None)
    return _resident_out(request, common.set_etag(response, resident))


@router.delete("/residents/{int:resident_id}", response={204: None, **ERRORS})
def delete_resident(request, resident_id: common.Id, reason: common.Reason = ""):
    """Remove a record entered by mistake (`reason` is required). People who leave or die keep
    their record: change `status` instead."""
    resident = selectors.get_resident(request.auth, resident_id)
    version = common.check_write(request, resident, perms.DELETE_RESIDENT)
    services.delete_resident(resident, reason=reason, expected_version=version)
    return Status(204, None)
