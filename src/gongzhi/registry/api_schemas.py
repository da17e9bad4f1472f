"""Schemas and row serialisation of the registry API (registry/api.py): what a household and
a resident look like to a caller — numbers masked and sensitive tags left out by permission."""

import datetime as dt

from django.db import connection
from ninja import Schema

from gongzhi.core import masking
from gongzhi.core.api import Id, Notes, Reason
from gongzhi.core.scoping import has_perm_at

from . import permissions as perms
from .models import Household, Resident, Tag

UNMASK, SENSITIVE = perms.UNMASK_PII, perms.VIEW_SENSITIVE

# ---- schemas --------------------------------------------------------------------------------


class HouseholdOut(Schema):
    id: int
    number: str
    grid: int
    building: int | None
    room: str
    address: str
    tenure: str
    landlord_name: str
    head: int | None
    notes: str
    version: int


class HouseholdIn(Schema):
    model_config = {"extra": "forbid"}
    number: str
    grid: Id | None = None
    building: Id | None = None
    room: str = ""
    address: str = ""
    tenure: str = "owner"
    landlord_name: str = ""
    notes: Notes = ""
    reason: Reason = ""


class HouseholdUpdate(HouseholdIn):
    head: Id | None = None


class HouseholdPatch(HouseholdUpdate):
    number: str = None


class ResidentOut(Schema):
    id: int
    name: str
    gender: str
    id_number: str
    birth_date: dt.date
    ethnicity: str
    phone: str
    masked: bool
    grid: int
    household: int | None
    relation: str
    employment: str
    employer: str
    social_relations: str
    fertility: str
    labour_security: str
    residence_type: str
    separation: str
    status: str
    hukou_place: str
    arrived_on: dt.date | None
    permit_issued_on: dt.date | None
    permit_valid_until: dt.date | None
    notes: str
    tags: list[str]
    version: int


class ResidentFields(Schema):
    """The person's own data; where they live changes through /move."""

    model_config = {"extra": "forbid"}
    name: str
    id_number: str
    gender: str = ""
    birth_date: dt.date | None = None
    ethnicity: str = "汉族"
    phone: str = ""
    relation: str = ""
    employment: str = ""
    employer: str = ""
    social_relations: str = ""
    fertility: str = ""
    labour_security: str = ""
    residence_type: str = "registered"
    separation: str = "none"
    status: str = "active"
    hukou_place: str = ""
    arrived_on: dt.date | None = None
    permit_issued_on: dt.date | None = None
    permit_valid_until: dt.date | None = None
    notes: Notes = ""
    tags: list[str] = []
    reason: Reason = ""


class ResidentIn(ResidentFields):
    grid: Id | None = None
    household: Id | None = None


class ResidentPatch(ResidentFields):
    name: str = None
    id_number: str = None
    tags: list[str] | None = None


class MoveIn(Schema):
    model_config = {"extra": "forbid"}
    household: Id | None = None
    grid: Id | None = None
    relation: str = ""
    reason: Reason = ""


class TagOut(Schema):
    slug: str
    name: str
    sensitive: bool
    care: bool


def _page_of(item):
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {
                "count": int,
                "count_exact": bool,
                "page": int,
                "page_size": int,
                "next": str | None,
                "results": list[item],
            },
        },
    )


# count_exact: false when more than `count` rows matched (the count stops at 1,000, registry.keyset;
# docs/api.md). next: the link to the following page (by key, `after=`; a search by `page=`), or null.
HouseholdPage, ResidentPage = _page_of(HouseholdOut), _page_of(ResidentOut)

# ---- serialisation --------------------------------------------------------------------------


def household_dict(h: Household) -> dict:
    return {
        "id": h.pk,
        "number": h.number,
        "grid": h.grid_id,
        "building": h.building_id,
        "room": h.room,
        "address": h.address,
        "tenure": h.tenure,
        "landlord_name": h.landlord_name,
        "head": h.head_id,
        "notes": h.notes,
        "version": h.version,
    }


# Columns a resident row is built from; lists read them with values() (no model instances).
RESIDENT_COLUMNS = (
    "id",
    "name",
    "gender",
    "id_number",
    "birth_date",
    "ethnicity",
    "phone",
    "grid_id",
    "household_id",
    "relation",
    "employment",
    "employer",
    "social_relations",
    "fertility",
    "labour_security",
    "residence_type",
    "separation",
    "status",
    "hukou_place",
    "arrived_on",
    "permit_issued_on",
    "permit_valid_until",
    "notes",
    "version",
)


def resident_row(user, row: dict, path: str, tags, memo: dict | None = None, unmask: bool = False) -> dict:
    """A resident as the caller may see it: numbers masked unless the caller asked to see them
    (`unmask`, the API's `?unmask=1` with a purpose) and holds the unmask permission, sensitive
    tags only with the sensitive permission, both judged where the person lives.
    `tags` is [(slug, sensitive)]. A list passes one `memo` dict for its page, so the two
    permission checks run once per grid rather than twice per row."""
    rights = memo.get(path) if memo is not None else None
    if rights is None:
        rights = (unmask and has_perm_at(user, UNMASK, path), has_perm_at(user, SENSITIVE, path))
        if memo is not None:
            memo[path] = rights
    unmasked, sensitive = rights
    return {
        "id": row["id"],
        "name": row["name"],
        "gender": row["gender"],
        "id_number": row["id_number"] if unmasked else masking.mask_id(row["id_number"]),
        "birth_date": row["birth_date"],
        "ethnicity": row["ethnicity"],
        "phone": row["phone"] if unmasked else masking.mask_phone(row["phone"]),
        "masked": not unmasked,
        "grid": row["grid_id"],
        "household": row["household_id"],
        "relation": row["relation"],
        "employment": row["employment"],
        "employer": row["employer"],
        "social_relations": row["social_relations"],
        "fertility": row["fertility"],
        "labour_security": row["labour_security"],
        "residence_type": row["residence_type"],
        "separation": row["separation"],
        "status": row["status"],
        "hukou_place": row["hukou_place"],
        "arrived_on": row["arrived_on"],
        "permit_issued_on": row["permit_issued_on"],
        "permit_valid_until": row["permit_valid_until"],
        "notes": row["notes"],
        "tags": [slug for slug, is_sensitive in tags if sensitive or not is_sensitive],
        "version": row["version"],
    }


def resident_dict(user, r: Resident, unmask: bool = False) -> dict:
    """resident_row for a model instance (single-record endpoints)."""
    row = {c: getattr(r, c) for c in RESIDENT_COLUMNS}
    return resident_row(user, row, r.grid.path, [(t.slug, t.sensitive) for t in r.tags.all()], unmask=unmask)


def tags_of(ids) -> dict[int, list]:
    """{resident id: [(slug, sensitive)]} for a page of residents, in one query.

    Raw SQL because every list page asks: the ORM form took 1.2 ms CPU for a page of 50, this
    one 0.17 ms, the difference being the building of its SQL
    (docs/decisions/0005-api-request-queries.md)."""
    out: dict[int, list] = {}
    ids = [int(pk) for pk in ids]
    if not ids:
        return out
    qn = connection.ops.quote_name
    sql = (
        f"SELECT rt.resident_id, t.slug, t.sensitive FROM {qn(Resident.tags.through._meta.db_table)} rt "
        f"INNER JOIN {qn(Tag._meta.db_table)} t ON t.id = rt.tag_id "
        f"WHERE rt.resident_id IN ({', '.join(['%s'] * len(ids))}) ORDER BY t.sensitive, t.name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for rid, slug, is_sensitive in cursor.fetchall():
            out.setdefault(rid, []).append((slug, bool(is_sensitive)))
    return out
