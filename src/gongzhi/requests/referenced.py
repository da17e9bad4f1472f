"""The residents and households a request refers to, as its handlers may see them: masked
numbers, no tags, none of the 八字段. This is how a department (which holds no registry read,
accounts/roles.py) sees the people its assigned requests concern — on the request page of a
request it can see, never by browsing the registry.

A referenced resident carrying a sensitive tag follows the registry's rule: shown only where
the user holds `registry.view_sensitive` (and that view is logged like the registry's);
otherwise only that the record is protected."""

from gongzhi.core import masking
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry import permissions as registry_perms

SENSITIVE = registry_perms.VIEW_SENSITIVE


def _resident_row(user, resident) -> dict:
    if resident.has_sensitive:
        if not has_perm_at(user, SENSITIVE, resident.grid.path):
            return {"protected": True}
        core.record(AuditAction.VIEW, resident, reason="查看诉求涉及的敏感人员记录")
    return {
        "protected": False,
        "name": resident.name,
        "gender": resident.get_gender_display(),
        "id_number": masking.mask_id(resident.id_number),
        "phone": masking.mask_phone(resident.phone),
        "grid": resident.grid.name,
    }


def _household_row(household) -> dict:
    address = household.address or (household.building.address if household.building_id else "")
    return {"number": household.number, "address": address, "room": household.room, "grid": household.grid.name}


def referenced(user, request) -> dict:
    """{"resident": row or None, "household": row or None} for the request page."""
    resident = request.resident
    household = request.household
    return {
        "resident": _resident_row(user, resident) if resident is not None else None,
        "household": _household_row(household) if household is not None else None,
    }
