"""Every change to households and residents. Each function owns its transaction and writes
the audit entry; views, the API, the admin, the CLI and the import all call these."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit_rows
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from . import duplicates
from .choices import Relation
from .migrants import clean_migrant_fields
from .models import Household, Resident, ResidentMove, Tag
from .search import index_new_residents, reindex_names
from .validation import DuplicateIdNumber, clean_person_fields


def _sync_sensitive(resident):
    """Bring the in-memory flag in line with the tags. The database triggers
    (sensitive_flag.py) have already written it; this also covers a database without them."""
    flag = resident.tags.filter(sensitive=True).exists()
    if flag != resident.has_sensitive:
        Resident.objects.filter(pk=resident.pk).update(has_sensitive=flag)
        resident.has_sensitive = flag


def _check_duplicate(id_number: str, exclude_pk=None):
    existing = Resident.objects.filter(id_number=id_number).exclude(pk=exclude_pk).first()
    if existing:
        raise DuplicateIdNumber(existing)


def _refuse_duplicate(id_number: str, exclude_pk=None):
    """The duplicate check before the write's transaction: a refusal is a look-up by number
    (registry.duplicates), whose audit entry and count must outlive the refused write. The
    check inside the transaction stays, for a registration racing this one."""
    duplicates.check_allowance()
    try:
        _check_duplicate(id_number, exclude_pk)
    except DuplicateIdNumber as exc:
        duplicates.note_refusal(exc.existing)
        raise


def create_resident(*, tags=(), reason="", **fields) -> Resident:
    """Register a resident. The grid defaults to the household's; the ID number must be new."""
    data = clean_migrant_fields(clean_person_fields(fields))
    household = data.get("household")
    if household is not None and not data.get("grid"):
        data["grid"] = household.grid
    _refuse_duplicate(data["id_number"])
    with transaction.atomic():
        _check_duplicate(data["id_number"])
        resident = core.create(Resident, reason=reason, m2m={"tags": list(tags)}, **data)
        index_new_residents([(resident.pk, resident.name, resident.id_number, resident.phone)])
        _sync_sensitive(resident)
        if household is not None and data.get("relation") == Relation.HEAD and not household.head_id:
            core.update(household, {"head": resident}, reason="登记户主")
        return resident


def update_resident(resident, changes: dict, *, tags=None, reason="", expected_version=None) -> Resident:
    """Correct a resident's data. Moving to another household or grid goes through
    `move_resident` so the history is kept."""
    if {"household", "grid"} & set(changes):
        raise ValidationError(_("迁移住户或网格请使用“迁移”功能，以保留迁移记录"))
    data = clean_migrant_fields(clean_person_fields(changes), current=resident)
    if "id_number" in data and data["id_number"] != resident.id_number:
        _refuse_duplicate(data["id_number"], exclude_pk=resident.pk)
    with transaction.atomic():
        if "id_number" in data:
            _check_duplicate(data["id_number"], exclude_pk=resident.pk)
        resident = core.update(
            resident,
            data,
            reason=reason,
            expected_version=expected_version,
            m2m={"tags": list(tags)} if tags is not None else None,
        )
        if "name" in data:
            reindex_names([resident.pk])
        _sync_sensitive(resident)
        return resident


def move_resident(resident, *, household=None, grid=None, relation="", reason="", expected_version=None) -> Resident:
    """Move a person to another household (and its grid) or to another grid without a household;
    the move is kept as history and in the audit log."""
    if household is None and grid is None:
        raise ValidationError({"household": _("请选择迁入的住户或网格")})
    target_grid = household.grid if household is not None else grid
    if household == resident.household and target_grid == resident.grid:
        raise ValidationError({"household": _("迁入与迁出相同")})
    with transaction.atomic():
        old_household, old_grid = resident.household, resident.grid
        if old_household is not None and old_household.head_id == resident.pk:
            core.update(old_household, {"head": None}, reason=f"户主 {resident.name} 迁出")
        changes = {"household": household, "grid": target_grid, "relation": relation}
        resident = core.update(
            resident, changes, reason=reason, expected_version=expected_version, action=AuditAction.MOVE
        )
        ResidentMove.objects.create(
            resident=resident,
            at=timezone.now(),
            from_household=old_household,
            to_household=household,
            from_grid=old_grid,
            to_grid=target_grid,
            reason=reason,
            actor_name=audit_rows.context_values()["actor_name"],  # named as the audit entry names them
        )
        return resident


def delete_resident(resident, *, reason="", expected_version=None):
    """Remove a record entered by mistake. People who leave or die keep their record with a status."""
    if not reason:
        raise ValidationError({"reason": _("删除居民记录须填写原因")})
    with _refused_while_referenced(_("该居民")), transaction.atomic():
        if resident.household_id and resident.household.head_id == resident.pk:
            core.update(resident.household, {"head": None}, reason=f"户主 {resident.name} 记录删除")
        return core.delete(resident, reason=reason, expected_version=expected_version)


@contextmanager
def _refused_while_referenced(what: str):
    """A record other records still point at (a council seat, a meeting sign-in, a petition
    signature …) is refused with a message naming them, not a crash; the transaction inside
    has rolled back, so nothing was written."""
    try:
        yield
    except ProtectedError as exc:
        kinds = "、".join(sorted({str(o._meta.verbose_name) for o in exc.protected_objects}))
        raise ValidationError(
            _("%(what)s仍被其他记录引用（%(kinds)s），不能删除；已迁出或去世的请修改状态")
            % {"what": what, "kinds": kinds}
        ) from None


def create_household(*, reason="", **fields) -> Household:
    """Register a household; the building decides the grid when one is given, and a household
    without a number gets the next one of its grid (registry/numbering.py)."""
    if fields.get("building") is not None and not fields.get("grid"):
        fields["grid"] = fields["building"].grid
    if not fields.get("number") and fields.get("grid") is not None:
        from .numbering import next_household_number

        fields["number"] = next_household_number(fields["grid"])
    return core.create(Household, reason=reason, **fields)


def update_household(household, changes: dict, *, reason="", expected_version=None) -> Household:
    """Correct a household. Members follow a change of grid, with their moves recorded."""
    with transaction.atomic():
        old_grid_id = household.grid_id
        household = core.update(household, changes, reason=reason, expected_version=expected_version)
        if household.grid_id != old_grid_id:
            for member in household.members.all():
                move_resident(member, household=household, relation=member.relation, reason="住户变更网格")
        return household


def delete_household(household, *, reason="", expected_version=None):
    """Delete a household with no members."""
    if household.members.exists():
        raise ValidationError(_("该户仍有成员，请先迁出成员再删除"))
    with _refused_while_referenced(_("该住户")), transaction.atomic():
        return core.delete(household, reason=reason, expected_version=expected_version)


def create_tag(*, slug, name, sensitive=False, care=False, reason="") -> Tag:
    """Add a tag to the vocabulary."""
    return core.create(Tag, slug=slug, name=name, sensitive=sensitive, care=care, reason=reason)


def update_tag(tag, changes: dict, *, reason="", expected_version=None) -> Tag:
    """Rename a tag or make it (un)sensitive. The carriers' `has_sensitive` follows in the same
    transaction (database triggers, sensitive_flag.py), so who may see them changes at once."""
    return core.update(tag, changes, reason=reason, expected_version=expected_version)


def delete_tag(tag, *, reason="", expected_version=None):
    """Remove a tag from the vocabulary and from every resident carrying it."""
    return core.delete(tag, reason=reason, expected_version=expected_version)


def log_sensitive_view(resident):
    """Every view of a record carrying a sensitive tag is logged (PIPL Art. 51); the same
    mechanism as the lists' (disclosure.py)."""
    from .disclosure import log_sensitive_reads

    log_sensitive_reads([resident])


def log_unmask(obj, fields=("id_number", "phone"), purpose=""):
    """Showing full ID and phone numbers is logged, with the stated purpose (disclosure.py)."""
    from .disclosure import log_unmask as write

    write(obj, fields, purpose)


def log_export(model, *, count: int, what: str, masked: bool, node_path="", unmasked: int = 0, purpose=""):
    """Every export is logged with its size and whether identifiers were masked; an export
    showing full numbers also with how many rows did and the stated purpose (PIPL Art. 6)."""
    after = {"rows": count, "masked": masked}
    if unmasked:
        after.update(unmasked=unmasked, purpose=purpose)
    core.record(
        AuditAction.EXPORT,
        None,
        model=model,
        object_repr=what,
        after=after,
        node_path=node_path,
        reason=f"导出完整号码；用途：{purpose}" if unmasked else "",
    )
