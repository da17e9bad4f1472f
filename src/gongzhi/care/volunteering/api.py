"""/api/v1/care/volunteers and /api/v1/care/activities: read-only, scoped like the web pages
(the same selectors). Phone numbers are masked; no ID number and no health note is served."""

import datetime as dt

from ninja import Router, Schema

from gongzhi.core import api as common
from gongzhi.core.exceptions import NotFound
from gongzhi.core.masking import mask_phone

from . import permissions as perms
from . import selectors

router = Router(tags=["志愿服务"])
ERRORS = common.ERRORS


class VolunteerOut(Schema):
    """A volunteer: name, grid, masked phone, skills, teams and confirmed hours."""

    id: int
    name: str
    grid: str
    phone: str
    status: str
    skills: list[str]
    teams: list[str]
    total_hours: float
    registered_at: dt.datetime


class VolunteerPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[VolunteerOut]


class ActivityOut(Schema):
    id: int
    title: str
    node: str
    place: str
    team: str | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    taken: int
    status: str


class ActivityPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ActivityOut]


def _volunteer(v) -> dict:
    return {
        "id": v.pk,
        "name": v.resident.name,
        "grid": v.resident.grid.name,
        "phone": mask_phone(v.resident.phone or ""),
        "status": v.status,
        "skills": [s.name for s in v.skills.all()],
        "teams": [t.name for t in v.teams.all()],
        "total_hours": float(v.total_hours),
        "registered_at": v.created_at,
    }


def _activity(a) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "node": a.node.name,
        "place": a.place,
        "team": a.team.name if a.team_id else None,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "capacity": a.capacity,
        "taken": a.taken,
        "status": a.status,
    }


@router.get("/care/volunteers", response={200: VolunteerPage, **ERRORS})
def list_volunteers(
    request,
    q: common.Filter = "",
    status: common.Filter = "active",
    page: common.Int64 = 1,
    page_size: common.Int64 | None = None,
):
    """Volunteers the caller may see (`status`: active, withdrawn, or all)."""
    common.require_anywhere(request.auth, perms.VIEW_VOLUNTEER)
    rows = selectors.volunteer_list(request.auth, q=q.strip(), status="" if status == "all" else status)
    return common.json_response(
        common.paginate(rows, page, page_size, lambda found: [_volunteer(v) for v in found], counted=rows.order_by())
    )


@router.get("/care/volunteers/{int:volunteer_id}", response={200: VolunteerOut, **ERRORS})
def get_volunteer(request, volunteer_id: common.Id):
    common.require_anywhere(request.auth, perms.VIEW_VOLUNTEER)
    found = selectors.volunteers(request.auth).prefetch_related("skills", "teams").filter(pk=volunteer_id).first()
    if found is None:
        raise NotFound()
    return _volunteer(found)


@router.get("/care/activities", response={200: ActivityPage, **ERRORS})
def list_activities(request, page: common.Int64 = 1, page_size: common.Int64 | None = None):
    """Volunteer activities the caller may see, newest first."""
    common.require_anywhere(request.auth, perms.VIEW_ACTIVITY)
    rows = selectors.activities(request.auth).order_by("-starts_at", "-id")
    return common.json_response(common.paginate(rows, page, page_size, lambda found: [_activity(a) for a in found]))
