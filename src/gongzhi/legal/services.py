"""Every state change of the legal services: appointing and editing a community's legal
adviser, logging a consultation, referring someone to the 法律援助中心 and recording the
centre's answer, and recording a 普法 activity and correcting its registered attendees. Each service owns its transaction, checks the
actor's right where the record lies (through the transition table for the referral's moves)
and writes the audit entry through core; bad input is refused in Chinese before anything is
saved."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.exceptions import NotFound
from gongzhi.core.phone import PhoneError, normalise
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.models import Resident
from gongzhi.territory.choices import Level

from . import permissions as perms
from .choices import Category, FollowUp, Hardship, ReferralStatus
from .models import Activity, Adviser, Attendance, Consultation, Referral
from .transitions import REFERRAL

ADVISER_FIELDS = ("name", "firm", "phone", "office_phone", "term_from", "term_to", "schedule", "active")
DEFAULT_CENTRE = "法律援助中心"


def _require(actor, perm, path):
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(_("您无权在此处进行此操作。"))


def _text(value) -> str:
    return (value or "").strip()


def _phone(value, field, *, required=False) -> str:
    try:
        phone = normalise(value or "")
    except PhoneError as e:
        raise ValidationError({field: str(e)}) from None
    if required and not phone:
        raise ValidationError({field: _("请填写联系电话")})
    return phone


def _not_future(day, field, label):
    if day is None:
        raise ValidationError({field: _("请填写%(label)s") % {"label": label}})
    if day > timezone.localdate():
        raise ValidationError({field: _("%(label)s不能晚于今天") % {"label": label}})
    return day


# ---------------------------------------------------------------- advisers


def _adviser_values(values: dict) -> dict:
    out = {k: (_text(v) if isinstance(v, str) else v) for k, v in values.items() if k in ADVISER_FIELDS}
    if "name" in out and not out["name"]:
        raise ValidationError({"name": _("请填写法律顾问姓名")})
    if "firm" in out and not out["firm"]:
        raise ValidationError({"firm": _("请填写所在律师事务所或法律服务所")})
    if "schedule" in out and not out["schedule"]:
        raise ValidationError({"schedule": _("请填写值班安排，例如“每月第二个周三上午”")})
    if "phone" in out:
        out["phone"] = _phone(out["phone"], "phone", required=True)
    if "office_phone" in out:
        out["office_phone"] = _phone(out["office_phone"], "office_phone")
    return out


def _check_term(term_from, term_to):
    if term_from is None or term_to is None:
        raise ValidationError({"term_to": _("请填写聘期起止日期")})
    if term_to < term_from:
        raise ValidationError({"term_to": _("聘期止不能早于聘期起")})


def _check_served(node, served):
    for n in served:
        if not n.path.startswith(node.path):
            raise ValidationError({"served": _("“%(name)s”不在所服务的社区内") % {"name": n.name}})


def appoint_adviser(actor, *, node, served=(), **fields) -> Adviser:
    """Record the legal adviser a community (or village) has engaged for a term (一村（社区）
    一法律顾问); `served` are the grids or groups within it they cover, the whole community when
    none is given."""
    if node is None or node.level != Level.COMMUNITY:
        raise ValidationError({"node": _("请选择法律顾问服务的社区（村）")})
    _require(actor, perms.ADD_ADVISER, node.path)
    values = _adviser_values(fields)
    for key, label in (("name", _("姓名")), ("firm", _("所在律师事务所")), ("phone", _("手机号"))):
        if not values.get(key):
            raise ValidationError({key: _("请填写%(label)s") % {"label": label}})
    _check_term(values.get("term_from"), values.get("term_to"))
    served = list(served or ())
    _check_served(node, served)
    return core.create(Adviser, reason=_("聘请法律顾问"), m2m={"served": served}, node=node, **values)


def update_adviser(actor, adviser, changes: dict, *, served=None, expected_version=None) -> Adviser:
    """Change an adviser's details, term or schedule (the community stays)."""
    _require(actor, perms.CHANGE_ADVISER, adviser.node.path)
    values = _adviser_values(changes)
    with transaction.atomic():
        _check_term(values.get("term_from", adviser.term_from), values.get("term_to", adviser.term_to))
        if served is not None:
            served = list(served)
            _check_served(adviser.node, served)
        m2m = {"served": served} if served is not None else None
        return core.update(adviser, values, reason=_("修改法律顾问信息"), expected_version=expected_version, m2m=m2m)


# ---------------------------------------------------------------- who it is about


def _person(actor, resident, name, phone) -> tuple:
    """(resident, name, phone): a resident the actor may see, or a name and a valid phone for
    someone not in the registry."""
    if resident is not None:
        if not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
            raise NotFound()
        return resident, "", ""
    name = _text(name)
    if not name:
        raise ValidationError({"person_name": _("请从人口库选择居民，或填写未登记人员的姓名")})
    return None, name, _phone(phone, "person_phone")


def _area(node, resident):
    """The place the record is about: the resident's grid, else where it was logged."""
    return resident.grid if resident is not None else node


# ---------------------------------------------------------------- consultations


def log_consultation(
    actor,
    *,
    node,
    adviser,
    category,
    question,
    advice,
    consulted_on=None,
    follow_up=FollowUp.NONE,
    follow_up_note="",
    resident=None,
    person_name="",
    person_phone="",
) -> Consultation:
    """Log a consultation the adviser answered (法律咨询登记). The adviser must serve the
    place and be under engagement on the day; a follow-up other than none needs a note unless
    it is a legal-aid referral (whose referral record says the rest)."""
    if node is None:
        raise ValidationError({"node": _("请选择登记地点")})
    _require(actor, perms.LOG_CONSULTATION, node.path)
    resident, person_name, person_phone = _person(actor, resident, person_name, person_phone)
    area = _area(node, resident)
    _require(actor, perms.LOG_CONSULTATION, area.path)
    if adviser is None:
        raise ValidationError({"adviser": _("请选择法律顾问")})
    consulted_on = _not_future(consulted_on or timezone.localdate(), "consulted_on", _("咨询日期"))
    _check_adviser(adviser, consulted_on, node, area)
    _check_content(category, question, advice, follow_up, follow_up_note)
    return core.create(
        Consultation,
        reason=_("法律咨询登记"),
        node=node,
        area=area,
        adviser=adviser,
        consulted_on=consulted_on,
        category=category,
        question=_text(question),
        advice=_text(advice),
        follow_up=follow_up,
        follow_up_note=_text(follow_up_note),
        resident=resident,
        person_name=person_name,
        person_phone=person_phone,
        recorded_by=actor,
    )


def _check_adviser(adviser, consulted_on, node, area):
    """The adviser was under engagement on the day and serves the place."""
    if adviser is None:
        raise ValidationError({"adviser": _("请选择法律顾问")})
    if not adviser.term_from <= consulted_on <= adviser.term_to:
        raise ValidationError(
            {
                "adviser": _("%(name)s 的聘期为 %(a)s 至 %(b)s，不含咨询日期")
                % {"name": adviser.name, "a": adviser.term_from.isoformat(), "b": adviser.term_to.isoformat()}
            }
        )
    if not (area.path.startswith(adviser.node.path) or adviser.node.path.startswith(node.path)):
        raise ValidationError({"adviser": _("%(name)s 不是该区域的法律顾问") % {"name": adviser.name}})


def _check_content(category, question, advice, follow_up, follow_up_note):
    if category not in Category.values:
        raise ValidationError({"category": _("请选择咨询类别")})
    if not _text(question):
        raise ValidationError({"question": _("请填写咨询问题")})
    if not _text(advice):
        raise ValidationError({"advice": _("请填写解答意见")})
    if follow_up not in FollowUp.values:
        raise ValidationError({"follow_up": _("请选择后续处理")})
    if follow_up == FollowUp.MEDIATION and not _text(follow_up_note):
        raise ValidationError({"follow_up_note": _("转人民调解时请写明转至哪个调解委员会")})


CONSULTATION_FIELDS = (
    "adviser",
    "consulted_on",
    "category",
    "question",
    "advice",
    "follow_up",
    "follow_up_note",
    "person_name",
    "person_phone",
)
# Who asked never changes on a registered resident's record: the record is filed at her grid
# (its scope, who reads it), so a wrong pick is a new record, not a correction.
# Once the person was referred to legal aid, or a mediation case was registered from the
# consultation, these stay as they were: the referral and the case copied the person (the
# centre received that name and phone; the case names her its applicant), and the follow-up
# (转介法律援助 / 转人民调解, with the committee as its note) was written by that service and is
# what those records rest on. Correcting them here would make the log disagree with the records
# other offices hold.
FROZEN_WHEN_REFERRED = ("person_name", "person_phone", "follow_up", "follow_up_note")


def update_consultation(actor, consultation, changes: dict, *, expected_version=None) -> Consultation:
    """Correct a logged consultation (its adviser, day, category, question, advice, follow-up,
    or an unregistered person's name and phone), checked like a new one. The place and the
    registered resident stay; the fields in FROZEN_WHEN_REFERRED stay once a legal-aid referral
    or a mediation case exists; the day may not move after a referral's day."""
    with transaction.atomic():
        core.check_version(consultation, expected_version)
        consultation.refresh_from_db()
        _require(actor, perms.CHANGE_CONSULTATION, consultation.area.path)
        values = {k: v for k, v in changes.items() if k in CONSULTATION_FIELDS}
        for key in ("category", "question", "advice", "follow_up", "follow_up_note", "person_name"):
            if key in values:
                values[key] = _text(values[key])
        if "person_phone" in values:
            values["person_phone"] = _phone(values["person_phone"], "person_phone")
        # Only what differs counts: a form sends the frozen fields back unchanged.
        values = {k: v for k, v in values.items() if v != getattr(consultation, k)}
        first_referral = consultation.referrals.order_by("sent_on").first()
        held = first_referral is not None or consultation.dispute_id is not None
        for key in values:
            if key in ("person_name", "person_phone") and consultation.resident_id:
                raise ValidationError({key: _("登记的居民不能更改；如选错了居民，请重新登记一条咨询")})
            if key in FROZEN_WHEN_REFERRED and held:
                if first_referral is not None:
                    raise ValidationError({key: _("已转介法律援助，咨询人和后续处理不能再修改")})
                raise ValidationError({key: _("已转人民调解，咨询人和后续处理不能再修改")})
        if "person_name" in values and not values["person_name"]:
            raise ValidationError({"person_name": _("请填写未登记人员的姓名")})
        merged = {k: values.get(k, getattr(consultation, k)) for k in CONSULTATION_FIELDS}
        if "consulted_on" in values:
            merged["consulted_on"] = _not_future(values["consulted_on"], "consulted_on", _("咨询日期"))
            if first_referral is not None and merged["consulted_on"] > first_referral.sent_on:
                raise ValidationError(
                    {"consulted_on": _("咨询日期不能晚于转介日期（%(d)s）") % {"d": first_referral.sent_on.isoformat()}}
                )
        if values.keys() & {"adviser", "consulted_on"}:
            _check_adviser(merged["adviser"], merged["consulted_on"], consultation.node, consultation.area)
        _check_content(*(merged[k] for k in ("category", "question", "advice", "follow_up", "follow_up_note")))
        return core.update(consultation, values, reason=_("更正法律咨询登记"))


def refer_to_mediation(
    actor, consultation, *, committee, category, respondent_name, respondent_phone="", issues=""
) -> Consultation:
    """转人民调解: register a dispute for `committee` through the mediation app's own service
    (its checks: the committee constituted and covering the place, the actor's right to register
    there), the person who asked as applicant and the named other side as respondent, the
    question as the facts; the consultation's follow-up becomes 转人民调解 with the case linked,
    in one transaction."""
    from gongzhi.mediation import services as mediation

    if consultation.dispute_id:
        raise ValidationError(_("该咨询已转人民调解，请勿重复登记"))
    if committee is None:
        raise ValidationError({"committee": _("请选择人民调解委员会")})
    if not _text(respondent_name):
        raise ValidationError({"respondent_name": _("请填写纠纷另一方的姓名或名称")})
    applicant = (
        {"role": "applicant", "resident": consultation.resident}
        if consultation.resident_id
        else {"role": "applicant", "name": consultation.person_name, "phone": consultation.person_phone}
    )
    respondent = {"role": "respondent", "name": _text(respondent_name), "phone": _text(respondent_phone)}
    with transaction.atomic():
        dispute = mediation.register(
            actor,
            committee=committee,
            node=consultation.area,
            category=category,
            title=consultation.question[:100],
            facts=consultation.question,
            issues=issues,
            parties=[applicant, respondent],
        )
        return core.update(
            consultation,
            {"follow_up": FollowUp.MEDIATION, "follow_up_note": committee.name[:200], "dispute": dispute},
            reason=_("转人民调解"),
        )


# ---------------------------------------------------------------- legal-aid referrals


def refer_to_legal_aid(
    actor,
    *,
    reason,
    hardship,
    node=None,
    consultation=None,
    resident=None,
    person_name="",
    person_phone="",
    hardship_note="",
    centre=DEFAULT_CENTRE,
    sent_on=None,
) -> Referral:
    """Refer someone to the 法律援助中心 (法律援助转介). From a consultation, the person and
    place are the consultation's and its follow-up becomes 转介法律援助 in the same
    transaction; standalone, the person is picked or typed like a consultation's."""
    if hardship not in Hardship.values:
        raise ValidationError({"hardship": _("请选择经济困难依据")})
    if hardship == Hardship.DECLARED and not _text(hardship_note):
        raise ValidationError({"hardship_note": _("个人申报经济困难时请写明家庭收入等情况")})
    if not _text(reason):
        raise ValidationError({"reason": _("请填写转介事由")})
    if not _text(centre):
        raise ValidationError({"centre": _("请填写接收转介的法律援助中心")})
    sent_on = _not_future(sent_on or timezone.localdate(), "sent_on", _("转介日期"))
    with transaction.atomic():
        if consultation is not None:
            _require(actor, perms.REFER, consultation.area.path)
            if consultation.referrals.exists():
                raise ValidationError(_("该咨询已转介法律援助，请勿重复转介"))
            if sent_on < consultation.consulted_on:
                raise ValidationError({"sent_on": _("转介日期不能早于咨询日期")})
            node, area = consultation.node, consultation.area
            resident = consultation.resident
            person_name, person_phone = consultation.person_name, consultation.person_phone
        else:
            if node is None:
                raise ValidationError({"node": _("请选择转介单位")})
            _require(actor, perms.REFER, node.path)
            resident, person_name, person_phone = _person(actor, resident, person_name, person_phone)
            area = _area(node, resident)
            _require(actor, perms.REFER, area.path)
        referral = core.create(
            Referral,
            reason=_("转介法律援助"),
            node=node,
            area=area,
            consultation=consultation,
            centre=_text(centre),
            cause=_text(reason),
            hardship=hardship,
            hardship_note=_text(hardship_note),
            sent_on=sent_on,
            resident=resident,
            person_name=person_name,
            person_phone=person_phone,
            recorded_by=actor,
        )
        if consultation is not None and consultation.follow_up != FollowUp.LEGAL_AID:
            core.update(consultation, {"follow_up": FollowUp.LEGAL_AID}, reason=_("转介法律援助"))
        return referral


def _decide(actor, referral, action, *, on, note, expected_version):
    with transaction.atomic():
        core.check_version(referral, expected_version)
        referral.refresh_from_db()
        move = REFERRAL.check(actor, REFERRAL.get(referral.status, action=action), referral.area.path)
        on = _not_future(on or timezone.localdate(), "decided_on", _("答复日期"))
        if on < referral.sent_on:
            raise ValidationError({"decided_on": _("答复日期不能早于转介日期（%(d)s）") % {"d": referral.sent_on}})
        note = _text(note)
        if move.target == ReferralStatus.REJECTED and not note:
            raise ValidationError({"decision_note": _("不予受理时请填写法律援助中心说明的理由")})
        return core.update(
            referral,
            {"status": move.target, "decided_on": on, "decision_note": note},
            reason=str(move.label),
        )


def accept_referral(actor, referral, *, on=None, note="", expected_version=None) -> Referral:
    """The centre accepted the case (受理): the day and any note (e.g. the lawyer assigned)."""
    return _decide(actor, referral, "accept", on=on, note=note, expected_version=expected_version)


def reject_referral(actor, referral, *, on=None, note="", expected_version=None) -> Referral:
    """The centre refused it (不予受理): the day and, required, the reason it gave."""
    return _decide(actor, referral, "reject", on=on, note=note, expected_version=expected_version)


# ---------------------------------------------------------------- 普法 activities


ACTIVITY_FIELDS = ("title", "held_on", "place", "speaker", "topic", "attendance")


def _check_activity(values: dict, registered: int):
    for key, label in (("title", _("活动名称")), ("place", _("地点")), ("topic", _("宣传主题"))):
        if key in values and not values[key]:
            raise ValidationError({key: _("请填写%(label)s") % {"label": label}})
    if "held_on" in values:
        _not_future(values["held_on"], "held_on", _("活动日期"))
    if "attendance" in values:
        attendance = values["attendance"]
        if attendance is None or isinstance(attendance, bool) or not isinstance(attendance, int) or attendance < 0:
            raise ValidationError({"attendance": _("参加人数应为不小于 0 的整数")})
        if attendance < registered:
            raise ValidationError({"attendance": _("参加人数不能少于登记的参加居民数（%(n)d 人）") % {"n": registered}})


def update_activity(actor, activity, changes: dict, *, expected_version=None) -> Activity:
    """Correct a 普法 activity: its title, day, place, speaker, topic or head count (not below
    the residents registered as attending). Where it was held stays: it decides who reads it."""
    with transaction.atomic():
        core.check_version(activity, expected_version)
        activity.refresh_from_db()
        _require(actor, perms.CHANGE_ACTIVITY, activity.node.path)
        values = {k: (_text(v) if isinstance(v, str) else v) for k, v in changes.items() if k in ACTIVITY_FIELDS}
        _check_activity(values, activity.attendees.count())
        return core.update(activity, values, reason=_("更正普法宣传活动"))


def record_activity(actor, *, node, title, held_on, place, topic, attendance, speaker="", residents=()) -> Activity:
    """Record a 普法 activity held at `node` with its head count and, optionally, the registry
    residents who came (each must be one the actor may see; the count may not be lower)."""
    if node is None:
        raise ValidationError({"node": _("请选择所属社区或网格")})
    _require(actor, perms.ADD_ACTIVITY, node.path)
    for key, label in (("title", _("活动名称")), ("place", _("地点")), ("topic", _("宣传主题"))):
        if not _text({"title": title, "place": place, "topic": topic}[key]):
            raise ValidationError({key: _("请填写%(label)s") % {"label": label}})
    held_on = _not_future(held_on, "held_on", _("活动日期"))
    if attendance is None or not isinstance(attendance, int) or attendance < 0:
        raise ValidationError({"attendance": _("参加人数应为不小于 0 的整数")})
    residents = _visible_residents(actor, residents)
    if len(residents) > attendance:
        raise ValidationError({"attendance": _("参加人数不能少于登记的参加居民数（%(n)d 人）") % {"n": len(residents)}})
    with transaction.atomic():
        activity = core.create(
            Activity,
            reason=_("登记普法宣传活动"),
            node=node,
            title=_text(title),
            held_on=held_on,
            place=_text(place),
            speaker=_text(speaker),
            topic=_text(topic),
            attendance=attendance,
            recorded_by=actor,
        )
        for r in residents:
            core.create(Attendance, reason=_("登记普法活动参加人"), activity=activity, resident=r)
        return activity


# ---------------------------------------------------------------- 普法 attendees


def _visible_residents(actor, residents) -> list:
    """The residents, once each, every one the actor may see (else refused as a whole)."""
    residents = list({r.pk: r for r in residents or ()}.values())
    if residents:
        seen = Resident.objects.visible_to(actor).filter(pk__in=[r.pk for r in residents]).count()
        if seen != len(residents):
            raise ValidationError({"residents": _("所选居民不在您的权限范围内")})
    return residents


def _touch(activity) -> Activity:
    """Move the activity's version on: its registered attendees are part of what a page or an
    ETag read, so a correction read before this change must be refused as stale. The change is
    audited on the Attendance row; the activity's own fields do not change."""
    Activity.objects.filter(pk=activity.pk).update(version=F("version") + 1, updated_at=timezone.now())
    activity.refresh_from_db()
    return activity


def add_attendees(actor, activity, residents, *, expected_version=None) -> Activity:
    """Register more residents as having attended a 普法 activity (e.g. the right one after a
    wrong pick was removed): the same right as correcting the activity, each resident one the
    actor may see and not registered yet, the head count not below the registered number."""
    with transaction.atomic():
        core.check_version(activity, expected_version)
        activity.refresh_from_db()
        _require(actor, perms.CHANGE_ACTIVITY, activity.node.path)
        residents = _visible_residents(actor, residents)
        if not residents:
            raise ValidationError({"residents": _("请从人口库选择参加活动的居民")})
        already = set(activity.attendees.values_list("resident_id", flat=True))
        for r in residents:
            if r.pk in already:
                raise ValidationError({"residents": _("%(name)s 已登记为本次活动的参加居民") % {"name": r.name}})
        registered = len(already) + len(residents)
        if registered > activity.attendance:
            raise ValidationError(
                {
                    "attendance": _("参加人数（%(a)d 人）不能少于登记的参加居民数（%(n)d 人），请先更正参加人数")
                    % {"a": activity.attendance, "n": registered}
                }
            )
        for r in residents:
            core.create(Attendance, reason=_("登记普法活动参加人"), activity=activity, resident=r)
        return _touch(activity)


def remove_attendee(actor, activity, resident, *, expected_version=None) -> Activity:
    """Take a resident registered by mistake off a 普法 activity's attendees (更正), with the
    same right as correcting the activity; the removal is audited with the row's last values.
    The head count stays: it counts everyone who came, registered or not (update_activity
    corrects it)."""
    with transaction.atomic():
        core.check_version(activity, expected_version)
        activity.refresh_from_db()
        _require(actor, perms.CHANGE_ACTIVITY, activity.node.path)
        row = activity.attendees.filter(resident_id=getattr(resident, "pk", resident)).first()
        if row is None:
            raise ValidationError({"resident": _("该居民不是本次活动登记的参加居民")})
        core.delete(row, reason=_("移除误登记的普法活动参加人"))
        return _touch(activity)
