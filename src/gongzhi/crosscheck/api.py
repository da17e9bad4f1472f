"""/api/v1/crosscheck/…: delivered cross-check findings. The province's job posts a town's
findings with a token of that town (role 跨镇比对投递: it may deliver and read nothing); the
town's staff list them, residents re-identified and shown by the registry's rules (ID numbers
masked, a sensitive group's member 受限 unless the reader may see her), and mark each one
(If-Match with the ETag read: 412 when stale, 428 without)."""

import datetime as dt
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound

from . import permissions as perms
from . import selectors, services
from .choices import CheckKind

router = Router(tags=["跨镇比对"])
READ = common.READ_ERRORS
CREATE = common.CREATE_ERRORS
WRITE = common.WRITE_ERRORS

Detail = str | int | float | None


class CrosscheckFindingIn(Schema):
    """One finding as the province sends it: its id, the check, the pseudonym and the check's
    other columns (no name, no ID number)."""

    id: common.Text(64) = Field(description="比对结果编号（8–64 位字母、数字、_ 或 -）；重复投递同一编号不会重复登记")
    check: common.Text(20) = Field(description="比对项目：" + "、".join(CheckKind.values))
    person: common.Text(64) = Field(description="比对标识：身份证号以全省比对密钥做的 HMAC-SHA256（十六进制）")
    details: dict[str, Detail] = Field(default_factory=dict, max_length=10)


class CrosscheckDeliveryIn(Schema):
    """A delivery: the town's code, the day of the run, the check value of the key the
    pseudonyms were made with, and up to 1,000 findings (all stored or none)."""

    town: common.Text(12)
    run_on: dt.date
    key_check: common.Text(16)
    findings: list[CrosscheckFindingIn] = Field(max_length=services.MAX_FINDINGS)


class CrosscheckDeliveryOut(Schema):
    town: str
    received: int
    created: int
    already: int = Field(description="已投递过的（按编号），本次未重复登记")
    matched: int = Field(description="新登记中对应到本镇居民的条数")


class CrosscheckFindingOut(Schema):
    """A finding as the town's staff see it: the resident re-identified (ID number masked; 受限
    for a sensitive group's member the caller may not see; empty when no resident matched)."""

    id: int
    key: str
    run_on: dt.date
    check: str
    check_label: str
    resident: int | None
    name: str
    id_number: str
    grid: str
    restricted: bool
    details: dict[str, Detail]
    status: str
    note: str
    handled_by: str
    handled_at: dt.datetime | None
    version: int


class CrosscheckFindingPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CrosscheckFindingOut]


class CrosscheckMarkIn(Schema):
    action: Literal["check", "correct", "dismiss"]
    note: common.Text(1000)


def _finding(f, people) -> dict:
    who = people.row(f)
    return {
        "id": f.pk,
        "key": f.key,
        "run_on": f.run_on,
        "check": f.kind,
        "check_label": f.get_kind_display(),
        **who,
        "details": f.details,
        "status": f.status,
        "note": f.note,
        "handled_by": (f.handled_by.display_name or f.handled_by.username) if f.handled_by_id else "",
        "handled_at": f.handled_at,
        "version": f.version,
    }


def _one(request, pk):
    found = selectors.finding(request.auth, pk)
    if found is None:
        raise NotFound()
    return found


def _answer(request, f):
    people = selectors.People(request.auth)
    data = _finding(f, people)
    people.log()
    out = common.json_response(data)
    out["ETag"] = f.etag
    return out


@router.post("/crosscheck/findings", response={200: CrosscheckDeliveryOut, **CREATE})
def deliver(request, payload: CrosscheckDeliveryIn):
    """Deliver a town's findings (the province's `gongzhi crosscheck --deliver`). Idempotent by
    finding id; all or nothing; 422 names the town, the key or each bad finding."""
    common.require_anywhere(request.auth, perms.DELIVER)
    return services.receive(
        request.auth,
        town=payload.town,
        run_on=payload.run_on,
        key_check_value=payload.key_check,
        findings=[f.model_dump() for f in payload.findings],
    )


def _choice(field, value, allowed):
    if value and value not in allowed:
        raise common.field_error(field, _("%(f)s 只能是 %(v)s") % {"f": field, "v": "、".join(allowed)})
    return value


@router.get("/crosscheck/findings", response={200: CrosscheckFindingPage, **READ})
def list_findings(
    request,
    state: common.Filter = "open",
    check: common.Filter = "",
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Findings the caller may see (`state`: open, new, checked, corrected, no_problem or all;
    `check`: one check's key), newest run first."""
    common.require_anywhere(request.auth, perms.VIEW)
    _choice("state", state, selectors.STATES)
    _choice("check", check, CheckKind.values)
    rows = selectors.filter_findings(selectors.findings(request.auth), state, check).order_by("-run_on", "kind", "id")
    people = selectors.People(request.auth)
    data = common.paginate(rows, page, page_size, lambda found: [_finding(f, people) for f in found])
    people.log()
    return common.json_response(data)


@router.get("/crosscheck/findings/{int:finding_id}", response={200: CrosscheckFindingOut, **READ})
def get_finding(request, finding_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW)
    return _answer(request, _one(request, finding_id))


@router.post("/crosscheck/findings/{int:finding_id}/mark", response={200: CrosscheckFindingOut, **WRITE})
def mark(request, finding_id: common.Id, payload: CrosscheckMarkIn):
    """Mark the finding checked, corrected or no problem, with a note of what was found."""
    f = _one(request, finding_id)
    version = common.expected_version(request, f)
    services.mark(request.auth, f, action=payload.action, note=payload.note, expected_version=version)
    return _answer(request, selectors.finding(request.auth, f.pk))
