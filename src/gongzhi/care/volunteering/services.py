"""Every state change of volunteering: registration with consent, consents and their
withdrawal, skills, teams and the volunteer's details. Activities, sign-ups and hours are in
activities.py. Each service owns its transaction, checks the actor's permission at the
record's place and writes the audit entry through core."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.registry.choices import Status as ResidentStatus
from gongzhi.registry.models import Resident
from gongzhi.territory.choices import Level

from . import consent as texts
from . import permissions as perms
from .choices import ConsentKind, SignUpStatus, VolunteerStatus
from .models import Consent, SignUp, Skill, Volunteer, VolunteerTeam


def _require(actor, perm, path):
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("您无权在此处进行此操作。"))


def _require_anywhere(actor, perm):
    # The skill list is one for the whole instance: whoever holds the right anywhere edits it.
    if not has_perm_anywhere(actor, perm):
        raise PermissionDenied(_("您无权进行此操作。"))


def _check_version(kind, version):
    if version not in texts.TEXTS[kind]:
        raise ValidationError({"text_version": _("告知文本版本 %(v)s 不存在") % {"v": version}})


def _check_day(given_on):
    if given_on is None:
        raise ValidationError({"given_on": _("请填写同意日期")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("同意日期不能晚于今天")})


def _live(volunteer, kind):
    return volunteer.consents.filter(kind=kind, withdrawn_at__isnull=True).first()


def _add_consent(actor, volunteer, kind, given_on, version):
    return core.create(
        Consent,
        reason=_("记录同意：%(kind)s") % {"kind": ConsentKind(kind).label},
        volunteer=volunteer,
        kind=kind,
        text_version=version,
        given_on=given_on,
        recorded_by=actor,
    )


def register_volunteer(
    actor,
    *,
    resident,
    consent: bool,
    given_on=None,
    sensitive_consent: bool = False,
    health_note: str = "",
    skills=(),
    teams=(),
    note: str = "",
) -> Volunteer:
    """Register `resident` as a volunteer. Refused without the Art. 14 consent; a health note
    is stored only with the separate Art. 29 consent. A volunteer who withdrew before is
    registered again under the new consent."""
    if resident is None or not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
        raise NotFound()
    _require(actor, perms.REGISTER, resident.grid.path)
    if resident.status != ResidentStatus.ACTIVE:
        raise ValidationError({"resident": _("%(name)s 不在册，不能登记为志愿者") % {"name": resident.name}})
    if not consent:
        raise ValidationError({"consent": _("未取得本人同意（个保法第十四条），不能登记为志愿者")})
    health_note = (health_note or "").strip()
    if health_note and not sensitive_consent:
        raise ValidationError({"health_note": _("记录健康状况须另行取得本人单独同意（个保法第二十九条）")})
    given_on = given_on or timezone.localdate()
    _check_day(given_on)
    _check_teams(teams, resident)
    with transaction.atomic():
        existing = Volunteer.objects.select_for_update().filter(resident=resident).first()
        if existing is not None and existing.status == VolunteerStatus.ACTIVE:
            raise ValidationError({"resident": _("%(name)s 已登记为志愿者") % {"name": resident.name}})
        fields = {"status": VolunteerStatus.ACTIVE, "health_note": health_note, "note": note}
        if existing is None:
            volunteer = core.create(
                Volunteer,
                reason=_("登记志愿者"),
                m2m={"skills": list(skills), "teams": list(teams)},
                resident=resident,
                registered_by=actor,
                **fields,
            )
        else:
            volunteer = core.update(
                existing, fields, reason=_("重新登记志愿者"), m2m={"skills": list(skills), "teams": list(teams)}
            )
        _add_consent(actor, volunteer, ConsentKind.GENERAL, given_on, texts.CURRENT[ConsentKind.GENERAL])
        if sensitive_consent:
            _add_consent(actor, volunteer, ConsentKind.SENSITIVE, given_on, texts.CURRENT[ConsentKind.SENSITIVE])
        return volunteer


def _check_teams(teams, resident):
    """A volunteer joins teams of their own community (the team's node is above their grid)."""
    for team in teams:
        if not resident.grid.path.startswith(team.node.path):
            raise ValidationError({"teams": _("%(team)s 不是本社区的服务队") % {"team": team.name}})


def give_consent(actor, volunteer, *, kind, given_on=None, version=None) -> Consent:
    """Record a consent given later (the Art. 29 one, or a renewed one after a new text)."""
    _require(actor, perms.CHANGE_VOLUNTEER, volunteer.resident.grid.path)
    version = version or texts.CURRENT[kind]
    _check_version(kind, version)
    given_on = given_on or timezone.localdate()
    _check_day(given_on)
    with transaction.atomic():
        Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
        if kind == ConsentKind.SENSITIVE and not _live(volunteer, ConsentKind.GENERAL):
            raise ValidationError({"kind": _("请先取得个人信息处理同意（个保法第十四条）")})
        live = _live(volunteer, kind)
        if live is not None:
            if live.text_version == version:
                raise ValidationError({"kind": _("已有有效的同意，无需重复记录")})
            # A consent to a newer text replaces the old one.
            core.update(live, {"withdrawn_at": timezone.now(), "withdrawn_by": actor}, reason=_("新版告知文本取代"))
        return _add_consent(actor, volunteer, kind, given_on, version)


def _may_withdraw(actor, volunteer) -> bool:
    own = getattr(actor, "resident_id", None) and actor.resident_id == volunteer.resident_id
    return bool(own) or has_perm_at(actor, perms.CHANGE_VOLUNTEER, volunteer.resident.grid.path)


def withdraw_consent(actor, consent, *, reason="") -> Consent:
    """Withdraw a consent (by staff at the volunteer's grid, or by the volunteer themself).
    The Art. 29 one: the health note is erased. The Art. 14 one ends the volunteer's use:
    the Art. 29 consent goes too, the volunteer leaves the roster and open sign-ups for
    activities not yet begun are cancelled. Confirmed hours stay on record."""
    volunteer = consent.volunteer
    if not _may_withdraw(actor, volunteer):
        raise PermissionDenied(_("您无权撤回此同意。"))
    if not consent.active:
        raise ValidationError({"consent": _("该同意已撤回")})
    why = (reason or "").strip() or _("本人撤回同意")
    with transaction.atomic():
        now = timezone.now()
        changes = {"withdrawn_at": now, "withdrawn_by": actor, "withdraw_reason": why[:200]}
        core.update(consent, changes, reason=why)
        if consent.kind == ConsentKind.GENERAL:
            other = _live(volunteer, ConsentKind.SENSITIVE)
            if other is not None:
                core.update(other, changes, reason=why)
            _erase_health(volunteer, why)
            core.update(volunteer, {"status": VolunteerStatus.WITHDRAWN}, reason=why)
            for signup in SignUp.objects.filter(
                volunteer=volunteer, status=SignUpStatus.SIGNED, activity__starts_at__gt=now
            ).select_related("activity__node"):
                core.update(signup, {"status": SignUpStatus.CANCELLED}, reason=_("撤回同意，取消报名"))
        else:
            _erase_health(volunteer, why)
        return consent


def _erase_health(volunteer, why):
    if volunteer.health_note:
        volunteer.health_note = ""
        volunteer.save(update_fields=["health_note"])
        # The note itself is never logged (Volunteer.AUDIT_EXCLUDE); that it went is.
        core.record(AuditAction.UPDATE, volunteer, after={"health_note": "已删除"}, reason=why)


def update_volunteer(actor, volunteer, *, skills=None, teams=None, note=None, expected_version=None) -> Volunteer:
    """Change a volunteer's skills, teams or note."""
    _require(actor, perms.CHANGE_VOLUNTEER, volunteer.resident.grid.path)
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise ValidationError({"status": _("该志愿者已退出，请先重新登记")})
    if teams is not None:
        _check_teams(teams, volunteer.resident)
    m2m = {}
    if skills is not None:
        m2m["skills"] = list(skills)
    if teams is not None:
        m2m["teams"] = list(teams)
    changes = {"note": note} if note is not None else {}
    return core.update(volunteer, changes, reason=_("修改志愿者信息"), expected_version=expected_version, m2m=m2m)


def set_health_note(actor, volunteer, text: str) -> Volunteer:
    """Store (or clear) the health note: only under a live Art. 29 consent, by who may read it."""
    _require(actor, perms.VIEW_HEALTH, volunteer.resident.grid.path)
    text = (text or "").strip()
    if len(text) > 500:
        raise ValidationError({"health_note": _("不能超过 500 个字符")})
    with transaction.atomic():
        if text and not _live(volunteer, ConsentKind.SENSITIVE):
            raise ValidationError({"health_note": _("记录健康状况须另行取得本人单独同意（个保法第二十九条）")})
        volunteer.health_note = text
        volunteer.save(update_fields=["health_note"])
        core.record(AuditAction.UPDATE, volunteer, after={"health_note": "已更新" if text else "已删除"})
        return volunteer


def log_health_read(actor, volunteer):
    """Every showing of a health note is logged (PIPL Art. 51, docs/permissions.md)."""
    core.record(AuditAction.VIEW, volunteer, reason=_("查看志愿者健康状况"))


# ---------------------------------------------------------------- skills and teams


def create_skill(actor, *, name, order=0) -> Skill:
    """Add a skill to the list."""
    _require_anywhere(actor, perms.MANAGE_SKILL)
    name = (name or "").strip()
    if Skill.objects.filter(name=name).exists():
        raise ValidationError({"name": _("技能“%(name)s”已存在") % {"name": name}})
    return core.create(Skill, reason=_("新增志愿技能"), name=name, order=order)


def update_skill(actor, skill, changes) -> Skill:
    """Rename, reorder or retire a skill."""
    _require_anywhere(actor, perms.MANAGE_SKILL)
    return core.update(skill, changes, reason=_("修改志愿技能"))


def create_team(actor, *, name, node, leader=None, description="") -> VolunteerTeam:
    """Found a team (志愿服务队) of a community/village."""
    if node is None or node.level != Level.COMMUNITY:
        raise ValidationError({"node": _("服务队须属于一个社区或村")})
    _require(actor, perms.MANAGE_TEAM, node.path)
    name = (name or "").strip()
    if VolunteerTeam.objects.filter(node=node, name=name).exists():
        raise ValidationError({"name": _("本社区已有名为“%(name)s”的服务队") % {"name": name}})
    with transaction.atomic():
        team = core.create(VolunteerTeam, reason=_("成立志愿服务队"), name=name, node=node, description=description)
        if leader is not None:
            set_leader(actor, team, leader)
        return team


def set_leader(actor, team, leader) -> VolunteerTeam:
    """Name a team's leader: an active volunteer of the team's community, who joins the team."""
    _require(actor, perms.MANAGE_TEAM, team.node.path)
    if leader.status != VolunteerStatus.ACTIVE or not leader.resident.grid.path.startswith(team.node.path):
        raise ValidationError({"leader": _("队长须为本社区在册志愿者")})
    with transaction.atomic():
        if not leader.teams.filter(pk=team.pk).exists():
            leader.teams.add(team)
            core.record(AuditAction.UPDATE, leader, after={"teams": [team.name]}, reason=_("加入服务队"))
        return core.update(team, {"leader": leader}, reason=_("指定队长"))
