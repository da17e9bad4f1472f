"""What an answer at the door leads to, in one step from the answer page and linked back to it
(a Finding row): a service request filed at the household through gongzhi.requests, or a
correction of a member's registry record through the registry's own services."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry import permissions as registry_perms
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from . import selectors
from .choices import FindingKind, VisitStatus
from .models import Finding

# The corrections an answer may report, each made by the registry's services.
CORRECTIONS = {
    "phone": gettext_lazy("联系电话变更"),
    "moved_out": gettext_lazy("已迁出"),
    "died": gettext_lazy("已去世"),
}


def _visited(actor, assignment):
    """The household must be the actor's to visit and answered already."""
    found = selectors.assignment_for(actor, assignment.pk)
    if found is None:
        raise NotFound()
    if not selectors.may_fill(actor, found):
        raise PermissionDenied(_("只有本网格的网格员可以从排查登记发现"))
    if found.status == VisitStatus.PENDING:
        raise ValidationError({"__all__": _("请先填写排查表")})
    return found


def _reason(assignment) -> str:
    return _("入户排查发现（%(t)s，户号 %(n)s）") % {
        "t": assignment.campaign.topic,
        "n": assignment.household.number,
    }


def request_from_answer(actor, assignment, *, category, description):
    """File what was found at the door as a service request at the household (channel: grid
    worker), linked to the answer."""
    from gongzhi.requests import services as requests
    from gongzhi.requests.choices import Channel

    found = _visited(actor, assignment)
    if not (description or "").strip():
        raise ValidationError({"description": _("请描述发现的问题")})
    with transaction.atomic():
        filed = requests.file_request(
            channel=Channel.GRID,
            category=category,
            description=description,
            actor=actor,
            household=found.household,
            address=found.household.place(),
        )
        Finding.objects.create(
            assignment=found,
            kind=FindingKind.REQUEST,
            service_request=filed,
            summary=_("转诉求 %(n)s") % {"n": filed.tracking_number},
            created_by=actor,
            created_at=timezone.now(),
        )
    return filed


def members_for(actor, assignment):
    """Members of the household the actor may correct: active, visible to her in the registry
    (a member in a sensitive group is not offered to who may not see them)."""
    if not has_perm_at(actor, registry_perms.CHANGE_RESIDENT, assignment.grid.path):
        return Resident.objects.none()
    return Resident.objects.visible_to(actor).filter(household_id=assignment.household_id, status=Status.ACTIVE)


def correct_registry(actor, assignment, *, resident, change, phone=""):
    """Correct a member's registry record from the answer: a new phone, moved out or died, with
    the campaign as the audit reason, linked to the answer."""
    from gongzhi.registry import services as registry

    found = _visited(actor, assignment)
    if change not in CORRECTIONS:
        raise ValidationError({"change": _("请选择要更正的内容")})
    if resident is None or not members_for(actor, found).filter(pk=resident.pk).exists():
        raise ValidationError({"resident": _("请选择本户的成员")})
    resident = Resident.objects.get(pk=resident.pk)
    reason = _reason(found)
    with transaction.atomic():
        if change == "phone":
            if not (phone or "").strip():
                raise ValidationError({"phone": _("请填写新的联系电话")})
            registry.update_resident(resident, {"phone": phone}, reason=reason)
        else:
            status = Status.MOVED_OUT if change == "moved_out" else Status.DECEASED
            registry.update_resident(resident, {"status": status}, reason=reason)
        Finding.objects.create(
            assignment=found,
            kind=FindingKind.REGISTRY,
            resident=resident,
            summary=_("更正登记：%(name)s %(c)s") % {"name": resident.name, "c": CORRECTIONS[change]},
            created_by=actor,
            created_at=timezone.now(),
        )
    return resident
