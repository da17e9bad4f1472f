"""Every state change of the care app: care groups, carers, visits and a visit's service
request. Each service owns its transaction and writes the audit entry through core; the
channels (web, API, CLI) open the audit context, and the services that decide by who acts
take `actor`."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.models import Resident, Tag

from . import permissions as perms
from . import selectors
from .choices import ItemStatus
from .models import CareGroup, Carer, Visit, VisitPhoto

DEFAULT_MAX_SUBJECTS = 5  # seed 003: one carer for at most five people


def max_subjects() -> int:
    """How many subjects one carer may have (GONGZHI_CARE_MAX_SUBJECTS, default 5)."""
    return int(getattr(settings, "GONGZHI_CARE_MAX_SUBJECTS", DEFAULT_MAX_SUBJECTS))


def _check_label(label):
    # The label is what a visitor reads; a sensitive category's name there would tell her
    # the very thing the registry hides from her.
    if Tag.objects.filter(sensitive=True, name=(label or "").strip()).exists():
        raise ValidationError({"label": _("走访名称不能使用敏感类别的名称，请用通俗说法（如“困难群众”）")})


def create_care_group(*, tags, reason="", **fields) -> CareGroup:
    """Create a care group with its tags."""
    _check_label(fields.get("label"))
    if not tags:
        raise ValidationError({"tags": _("请至少选择一个标签")})
    return core.create(CareGroup, reason=reason, m2m={"tags": tags}, **fields)


def update_care_group(group, changes: dict, *, tags=None, reason="", expected_version=None) -> CareGroup:
    """Change a care group (and its tags); the next plans follow it."""
    if "label" in changes:
        _check_label(changes["label"])
    m2m = {"tags": tags} if tags is not None else None
    return core.update(group, changes, reason=reason, expected_version=expected_version, m2m=m2m)


def assign_carer(*, carer, resident, group, reason="") -> Carer:
    """Name `carer` for `resident` in special group `group`. Refused past the carer's limit
    (max_subjects()), for an ordinary group, or for a person not in the group."""
    if not group.special:
        raise ValidationError({"group": _("只有特殊人群需要指定关照员")})
    if not resident.tags.filter(pk__in=group.tags.all()).exists():
        raise ValidationError({"resident": _("该居民不属于所选人群")})
    with transaction.atomic():
        # Lock the carer's row so two assignments at once cannot both pass the limit.
        type(carer).objects.select_for_update().filter(pk=carer.pk).first()
        have = Carer.objects.filter(carer=carer).count()
        limit = max_subjects()
        if have >= limit:
            raise ValidationError(
                {
                    "carer": _("每名关照员最多关照 %(n)s 人，%(name)s 已关照 %(have)s 人，请另选关照员")
                    % {"n": limit, "name": carer.get_full_name() or carer.username, "have": have}
                }
            )
        if Carer.objects.filter(carer=carer, resident=resident).exists():
            raise ValidationError({"resident": _("已是该关照员的关照对象")})
        return core.create(Carer, reason=reason, carer=carer, resident=resident, group=group)


def remove_carer(assignment, *, reason="") -> None:
    """End a carer's assignment."""
    core.delete(assignment, reason=reason)


def _may_visit(actor, resident) -> bool:
    """A person may be visited by who has them on a plan she can see, or by a visitor who can
    see them in the registry at their grid."""
    if selectors.plan_items_for(actor).filter(resident=resident).exists():
        return True
    return Resident.objects.visible_to(actor).filter(pk=resident.pk).exists() and has_perm_at(
        actor, perms.CONDUCT_VISIT, resident.grid.path
    )


def _open_item(actor, resident, day):
    """The plan item a visit on `day` completes: the earliest open one of that month whose
    period has begun (a late visit completes an overdue item first)."""
    return (
        selectors.plan_items_for(actor)
        .filter(
            resident=resident,
            status=ItemStatus.PLANNED,
            month=day.replace(day=1),
            period_start__lte=day,
        )
        .order_by("due", "special", "id")
        .first()
    )


def _special_visit(actor, resident) -> bool:
    """Is a visit outside any plan item confidential? When the visitor is the person's carer,
    or the person carries a sensitive tag: kept from ordinary readers rather than risk it."""
    return resident.has_sensitive or Carer.objects.filter(carer=actor, resident=resident).exists()


def record_visit(actor, *, resident, visited_at=None, client_key=None, reason="", photos=(), **fields) -> Visit:
    """Record a visit (民情日记) by `actor`, with its `photos`, and mark the plan item it
    completes. A `client_key` already stored returns that visit unchanged (a queued visit sent
    twice is kept once); the same key from another visitor is refused."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    client_key = (client_key or "").strip() or None
    if client_key:
        existing = Visit.objects.filter(client_key=client_key).first()
        if existing is not None:
            if existing.visitor_id != actor.pk:
                raise ValidationError({"client_key": _("客户端编号已被使用")})
            return existing
    if resident is None or not _may_visit(actor, resident):
        raise NotFound()
    from gongzhi.requests import validation as photo_rules

    kinds = photo_rules.check_photos(photos)
    visited_at = visited_at or timezone.now()
    if visited_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"visited_at": _("走访时间不能晚于现在")})
    day = timezone.localtime(visited_at).date()
    try:
        with transaction.atomic():
            item = _open_item(actor, resident, day)
            visit = core.create(
                Visit,
                reason=reason or _("走访"),
                resident=resident,
                household=resident.household,
                grid=resident.grid,
                visitor=actor,
                special=item.special if item is not None else _special_visit(actor, resident),
                visited_at=visited_at,
                client_key=client_key,
                **fields,
            )
            if item is not None:
                core.update(item, {"status": ItemStatus.DONE, "visit": visit}, reason=_("已走访"))
            _save_photos(visit, photos, kinds)
            return visit
    except IntegrityError:
        # The same key arrived twice at once: the other request stored it.
        existing = Visit.objects.filter(client_key=client_key).first() if client_key else None
        if existing is not None and existing.visitor_id == actor.pk:
            return existing
        raise


def _save_photos(visit, uploads, kinds) -> list[VisitPhoto]:
    """Store checked photos of `visit` (within the caller's transaction); if anything fails the
    files written so far are removed, since their rows roll back."""
    from gongzhi.requests import validation as photo_rules

    saved = []
    try:
        for upload, kind in zip(uploads or (), kinds):
            photo = VisitPhoto(visit=visit, content_type=f"image/{kind}", size=upload.size, uploaded_at=timezone.now())
            photo.file.save(f"photo.{photo_rules.PHOTO_TYPES[kind]}", upload, save=False)
            photo.save()
            saved.append(photo)
    except Exception:
        for photo in saved:
            photo.file.delete(save=False)
        raise
    return saved


def add_visit_photos(actor, visit, photos, *, reason="") -> list[VisitPhoto]:
    """Add photos to a visit afterwards (taken in the field, sent when back online). Only the
    visitor adds them; type and size are checked from the content like a request's photos, and
    a visit holds at most requests.validation.MAX_PHOTOS."""
    from gongzhi.requests import validation as photo_rules

    _visit_seen(actor, visit)
    if visit.visitor_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只有走访人可以为走访添加照片。"))
    photos = list(photos or ())
    if not photos:
        raise ValidationError({"photos": _("请选择照片。")})
    kinds = photo_rules.check_photos(photos)
    with transaction.atomic():
        Visit.objects.select_for_update().filter(pk=visit.pk).first()
        if visit.photos.count() + len(photos) > photo_rules.MAX_PHOTOS:
            raise ValidationError({"photos": _("每次走访最多 %(n)s 张照片。") % {"n": photo_rules.MAX_PHOTOS}})
        saved = _save_photos(visit, photos, kinds)
        core.record(AuditAction.UPDATE, visit, reason=reason or _("添加走访照片 %(n)s 张") % {"n": len(saved)})
    return saved


def request_from_visit(actor, visit, *, category, description, reason=""):
    """Turn a need found on a visit into a service request (e.g. the broken stair light), in
    one step: the request is filed by the visitor from the field, at the visited household, and
    linked to the visit. Refused when the visit already has one."""
    from gongzhi.requests import services as requests
    from gongzhi.requests.choices import Channel

    if not selectors.visits_for(actor).filter(pk=visit.pk).exists():
        raise NotFound()
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.service_request_id:
            raise ValidationError({"__all__": _("该走访已转为诉求")})
        place = {"household": visit.household} if visit.household_id else {"grid": visit.grid}
        request = requests.file_request(
            channel=Channel.GRID,
            category=category,
            description=description,
            actor=actor,
            address=visit.place,
            **place,
        )
        core.update(
            locked,
            {"service_request": request},
            reason=reason or _("走访发现问题转诉求 %(n)s") % {"n": request.tracking_number},
        )
    visit.refresh_from_db()
    return request


def _visit_seen(actor, visit):
    if not selectors.visits_for(actor).filter(pk=visit.pk).exists():
        raise NotFound()


def _visit_reason(visit) -> str:
    """The audit reason naming the visit a change comes from."""
    return _("走访发现（民情日记 #%(id)s，%(day)s）") % {
        "id": visit.pk,
        "day": f"{timezone.localtime(visit.visited_at):%Y-%m-%d}",
    }


def may_register_dispute(actor, visit) -> bool:
    """May `actor` turn this visit into a people's-mediation dispute? Only with the mediation
    register permission at the visit's grid."""
    from gongzhi.mediation import permissions as mediation_perms

    return has_perm_at(actor, mediation_perms.REGISTER, visit.grid.path)


def dispute_from_visit(
    actor, visit, *, committee, category, facts, parties=(), title="", issues="", risk="low", risk_reason=""
):
    """Turn a dispute found on a visit into a people's-mediation case, in one step: registered
    by the visitor at the visit's grid with the visit as its origin (source 走访发现), the visited
    person as the applicant, the other `parties` as given, and linked both ways (visit.dispute,
    dispute.care_visit). Refused without the mediation register permission at the grid, or
    when the visit already has a dispute."""
    from gongzhi.mediation import services as mediation
    from gongzhi.mediation.choices import PartyRole, Source

    _visit_seen(actor, visit)
    if not may_register_dispute(actor, visit):
        raise PermissionDenied(_("您无权在该网格登记矛盾纠纷，请联系社区调解委员会。"))
    resident = visit.resident
    # The visited person is named from the visit; linked to the registry row only when the
    # visitor may see it there (a special group's subject stays out of her registry).
    if Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
        subject = {"role": PartyRole.APPLICANT, "resident": resident}
    else:
        subject = {"role": PartyRole.APPLICANT, "name": resident.name}
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if locked.dispute_id:
            raise ValidationError({"__all__": _("该走访已转人民调解")})
        dispute = mediation.register(
            actor,
            committee=committee,
            node=visit.grid,
            category=category,
            title=title,
            facts=facts,
            issues=issues,
            parties=[subject, *parties],
            source=Source.VISIT,
            risk=risk,
            risk_reason=risk_reason,
        )
        core.update(
            locked,
            {"dispute": dispute},
            reason=_("走访发现纠纷转人民调解 %(n)s") % {"n": dispute.tracking_number},
        )
    visit.refresh_from_db()
    return dispute


# The registry changes a visit may report (moved, died, new phone), each with the registry
# permission it needs at the person's grid.
REGISTRY_CHANGES = {
    "phone": gettext_lazy("联系电话变更"),
    "moved": gettext_lazy("迁往本区域其他住户"),
    "moved_out": gettext_lazy("已迁出"),
    "died": gettext_lazy("已去世"),
}


def registry_changes_allowed(actor, visit) -> list[str]:
    """The registry changes `actor` may make from this visit: none without
    registry.change_resident at the person's grid (a carer of a special group, for one, may
    not), none for a person no longer in the register, else all of REGISTRY_CHANGES."""
    from gongzhi.registry import permissions as registry_perms
    from gongzhi.registry.choices import Status

    if not selectors.visits_for(actor).filter(pk=visit.pk).exists():
        return []
    if not has_perm_at(actor, registry_perms.CHANGE_RESIDENT, visit.resident.grid.path):
        return []
    # Read afresh: the visit's cached resident may predate a change just made.
    if not Resident.objects.filter(pk=visit.resident_id, status=Status.ACTIVE).exists():
        return []
    return list(REGISTRY_CHANGES)


def registry_change_from_visit(actor, visit, *, change, phone="", household=None):
    """Change the visited person's registry record from what the visit found, through the
    registry's own services, with the visit as the audit reason: a new phone, a move to
    another household (which the visitor must see and may change), moved out, or died. Works
    for a person the visitor cannot see in the registry (a sensitive tag): the visit is her
    warrant, and nothing of the record beyond the change is shown. Refused with a message
    when the change is not among registry_changes_allowed()."""
    from gongzhi.registry import permissions as registry_perms
    from gongzhi.registry import services as registry
    from gongzhi.registry.choices import Status
    from gongzhi.registry.models import Household

    _visit_seen(actor, visit)
    if change not in REGISTRY_CHANGES:
        raise ValidationError({"change": _("请选择要变更的内容")})
    if change not in registry_changes_allowed(actor, visit):
        raise PermissionDenied(_("您无权从走访变更该居民的登记信息，请联系社区。"))
    resident = Resident.objects.get(pk=visit.resident_id)
    reason = _visit_reason(visit)
    if change == "phone":
        if not (phone or "").strip():
            raise ValidationError({"phone": _("请填写新的联系电话")})
        return registry.update_resident(resident, {"phone": phone}, reason=reason)
    if change == "moved":
        if household is None:
            raise ValidationError({"household": _("请选择迁入的住户")})
        visible = Household.objects.visible_to(actor).filter(pk=household.pk).exists()
        if not visible or not has_perm_at(actor, registry_perms.CHANGE_RESIDENT, household.grid.path):
            raise PermissionDenied(_("您无权将居民迁入该住户。"))
        return registry.move_resident(resident, household=household, reason=reason)
    status = Status.MOVED_OUT if change == "moved_out" else Status.DECEASED
    return registry.update_resident(resident, {"status": status}, reason=reason)
