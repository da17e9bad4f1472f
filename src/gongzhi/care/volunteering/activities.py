"""State changes of volunteer activities: creating and cancelling one, signing up (by staff,
or a linked resident signing themself up), cancelling a sign-up, and the organiser confirming
the hours each attendee served — only after the activity has ended."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at
from gongzhi.territory.choices import Level

from . import permissions as perms
from .choices import ActivityStatus, ConsentKind, SignUpStatus, VolunteerStatus
from .models import Activity, SignUp

# Hours confirmed may pass the activity's own length by this much (setting up, clearing
# away, travelling with those served): GONGZHI_VOLUNTEER_EXTRA_HOURS, 2 by default.
DEFAULT_EXTRA_HOURS = 2
TAKEN = (SignUpStatus.SIGNED, SignUpStatus.ATTENDED, SignUpStatus.ABSENT)


def extra_hours() -> Decimal:
    return Decimal(str(getattr(settings, "GONGZHI_VOLUNTEER_EXTRA_HOURS", DEFAULT_EXTRA_HOURS)))


def _require(actor, perm, path):
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("您无权在此处进行此操作。"))


def _check_fields(node, team, starts_at, ends_at, capacity):
    errors = {}
    if node is None or node.level < Level.COMMUNITY:
        errors["node"] = _("活动须在社区/村或网格举办")
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("结束时间须晚于开始时间")
    elif starts_at and ends_at and (ends_at - starts_at).total_seconds() > 24 * 3600:
        errors["ends_at"] = _("一次活动不能超过 24 小时，请分为多次活动")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("招募人数至少为 1")
    if team is not None and node is not None and not node.path.startswith(team.node.path):
        errors["team"] = _("所选服务队不属于活动所在社区")
    if errors:
        raise ValidationError(errors)


def create_activity(actor, *, title, node, place, starts_at, ends_at, capacity, team=None, description="") -> Activity:
    """Announce an activity at `node` (a community/village or a grid), organised by `actor`."""
    _check_fields(node, team, starts_at, ends_at, capacity)
    _require(actor, perms.ORGANISE, node.path)
    return core.create(
        Activity,
        reason=_("发布志愿活动"),
        title=title,
        node=node,
        place=place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        team=team,
        description=description,
        organiser=actor,
    )


def cancel_activity(actor, activity, *, reason="") -> Activity:
    """Cancel an activity that has not begun; its sign-ups are cancelled with it."""
    _require(actor, perms.ORGANISE, activity.node.path)
    if activity.starts_at <= timezone.now():
        raise ValidationError({"status": _("活动已开始，不能取消")})
    with transaction.atomic():
        why = (reason or "").strip() or _("取消活动")
        for signup in activity.signups.filter(status=SignUpStatus.SIGNED):
            core.update(signup, {"status": SignUpStatus.CANCELLED}, reason=why)
        return core.update(activity, {"status": ActivityStatus.CANCELLED}, reason=why)


def _may_sign_up(actor, activity, volunteer) -> bool:
    """Staff who organise at the activity's place sign up a volunteer they may see; a linked
    resident signs up only themself, for an activity of their community."""
    from . import selectors

    if getattr(actor, "resident_id", None) and actor.resident_id == volunteer.resident_id:
        return selectors.activities(actor).filter(pk=activity.pk).exists()
    return (
        has_perm_at(actor, perms.ORGANISE, activity.node.path)
        and selectors.volunteers(actor).filter(pk=volunteer.pk).exists()
    )


def sign_up(actor, activity, volunteer) -> SignUp:
    """Sign `volunteer` up for `activity`. Refused when the activity is cancelled, has begun or
    is full, when the volunteer has no live consent (has left the roster), or when already
    signed up. A cancelled sign-up is taken up again."""
    if not _may_sign_up(actor, activity, volunteer):
        raise NotFound()
    if (
        volunteer.status != VolunteerStatus.ACTIVE
        or not volunteer.consents.filter(kind=ConsentKind.GENERAL, withdrawn_at__isnull=True).exists()
    ):
        raise ValidationError({"volunteer": _("%(name)s 未在册或已撤回同意，不能报名") % {"name": volunteer}})
    with transaction.atomic():
        # Lock the activity so two sign-ups for the last place cannot both pass.
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.status != ActivityStatus.OPEN:
            raise ValidationError({"activity": _("活动已取消，不能报名")})
        if activity.starts_at <= timezone.now():
            raise ValidationError({"activity": _("活动已开始，报名已截止")})
        existing = SignUp.objects.filter(activity=activity, volunteer=volunteer).first()
        if existing is not None and existing.status != SignUpStatus.CANCELLED:
            raise ValidationError({"volunteer": _("%(name)s 已报名此活动") % {"name": volunteer}})
        taken = SignUp.objects.filter(activity=activity, status__in=TAKEN).count()
        if taken >= activity.capacity:
            raise ValidationError({"activity": _("活动已报满（%(n)s 人），不能再报名") % {"n": activity.capacity}})
        if existing is not None:
            return core.update(existing, {"status": SignUpStatus.SIGNED, "signed_up_by": actor}, reason=_("重新报名"))
        return core.create(SignUp, reason=_("报名志愿活动"), activity=activity, volunteer=volunteer, signed_up_by=actor)


def cancel_sign_up(actor, signup, *, reason="") -> SignUp:
    """Withdraw a sign-up before the activity begins (the volunteer or the organising staff)."""
    own = getattr(actor, "resident_id", None) and actor.resident_id == signup.volunteer.resident_id
    if not own:
        _require(actor, perms.ORGANISE, signup.activity.node.path)
    if signup.status != SignUpStatus.SIGNED:
        raise ValidationError({"status": _("该报名不能取消")})
    if signup.activity.starts_at <= timezone.now():
        raise ValidationError({"status": _("活动已开始，不能取消报名")})
    return core.update(signup, {"status": SignUpStatus.CANCELLED}, reason=(reason or "").strip() or _("取消报名"))


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"hours": _("服务时长须为数字（小时，可保留一位小数）")}) from None
    if not hours.is_finite():
        raise ValidationError({"hours": _("服务时长须为数字（小时，可保留一位小数）")})
    return hours


def confirm_hours(actor, signup, hours) -> SignUp:
    """Confirm the hours `signup`'s volunteer served (hours > 0, at most the activity's length
    plus extra_hours()), or change them. Only after the activity has ended, by who may
    confirm hours at its place."""
    activity = signup.activity
    _require(actor, perms.CONFIRM_HOURS, activity.node.path)
    if activity.status != ActivityStatus.OPEN:
        raise ValidationError({"hours": _("活动已取消，不能确认时长")})
    if activity.ends_at > timezone.now():
        raise ValidationError({"hours": _("活动结束后才能确认服务时长")})
    if signup.status == SignUpStatus.CANCELLED:
        raise ValidationError({"hours": _("该报名已取消，不能确认时长")})
    hours = _hours(hours)
    limit = (Decimal(str(activity.duration_hours)) + extra_hours()).quantize(Decimal("0.1"))
    if hours <= 0:
        raise ValidationError({"hours": _("服务时长须大于 0")})
    if hours > limit:
        raise ValidationError(
            {
                "hours": _("服务时长不能超过活动时长加 %(extra)s 小时（最多 %(limit)s 小时）")
                % {"extra": extra_hours(), "limit": limit}
            }
        )
    return core.update(
        signup,
        {"status": SignUpStatus.ATTENDED, "hours": hours, "confirmed_by": actor, "confirmed_at": timezone.now()},
        reason=_("确认服务时长"),
    )


def mark_absent(actor, signup) -> SignUp:
    """Record that a signed-up volunteer did not come (no hours)."""
    activity = signup.activity
    _require(actor, perms.CONFIRM_HOURS, activity.node.path)
    if activity.ends_at > timezone.now():
        raise ValidationError({"hours": _("活动结束后才能登记未到")})
    if signup.status == SignUpStatus.CANCELLED:
        raise ValidationError({"hours": _("该报名已取消")})
    return core.update(
        signup,
        {"status": SignUpStatus.ABSENT, "hours": None, "confirmed_by": actor, "confirmed_at": timezone.now()},
        reason=_("登记未到"),
    )


def add_attendee(actor, activity, volunteer, hours) -> SignUp:
    """After the activity, record a volunteer who served without having signed up (补录, a
    walk-in or a paper list), with their hours. A volunteer already signed up has their hours
    confirmed instead. The volunteer must be on the roster with a live consent."""
    from . import selectors

    _require(actor, perms.CONFIRM_HOURS, activity.node.path)
    if not selectors.volunteers(actor).filter(pk=volunteer.pk).exists():
        raise NotFound()
    if (
        volunteer.status != VolunteerStatus.ACTIVE
        or not volunteer.consents.filter(kind=ConsentKind.GENERAL, withdrawn_at__isnull=True).exists()
    ):
        raise ValidationError({"volunteer": _("%(name)s 未在册或已撤回同意，不能补录") % {"name": volunteer}})
    with transaction.atomic():
        existing = SignUp.objects.filter(activity=activity, volunteer=volunteer).first()
        if existing is None:
            if activity.ends_at > timezone.now():
                raise ValidationError({"hours": _("活动结束后才能补录参加人员")})
            existing = core.create(
                SignUp, reason=_("补录参加人员"), activity=activity, volunteer=volunteer, signed_up_by=actor
            )
        elif existing.status == SignUpStatus.CANCELLED:
            existing = core.update(existing, {"status": SignUpStatus.SIGNED}, reason=_("补录参加人员"))
        return confirm_hours(actor, existing, hours)
