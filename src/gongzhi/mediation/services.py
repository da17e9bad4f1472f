"""Every change to people's mediation: committees and the mediator pool, and one service per
state change of a dispute. Each owns its transaction and its audit entry (core.services, and
`cases.workflow.transition` for the moves of the table in transitions.py). Services that
decide by who acts take `actor`; the audit context is opened by the channel (web, API, CLI).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.workflow import open_case, transition
from gongzhi.core import idnumber, uscc
from gongzhi.core import phone as phones
from gongzhi.core import services as core
from gongzhi.core.choices import Gender
from gongzhi.core.scoping import has_perm_at
from gongzhi.core.workdays import end_of_day, local_date

from . import clock, summary
from . import permissions as p
from .archive import archive, archive_due  # noqa: F401 (services of archiving, archive.py)
from .attachments import attach  # noqa: F401 (the upload service, attachments.py)
from .choices import CASE_TYPE, Category, Exclusion, MediatorKind, PartyKind, PartyRole, Risk, SignerKind, Source
from .choices import Status as S
from .guard import writable
from .models import Assignment, Committee, Dispute, FollowUp, Mediator, Party, Report, Session, Signature
from .selectors import check_own
from .transitions import WORKFLOW

MIN_MEMBERS, MAX_MEMBERS = 3, 9


def _require_perm(actor, perm, path, message):
    if not has_perm_at(actor, perm, path):
        raise PermissionDenied(message)


def _move(dispute, action, actor, **kw) -> Dispute:
    """A move of the transition table (cases.workflow.transition), and the dispute's figures
    for the statistics brought in line in the same transaction (summary.keep: the one place
    that writes them). Every move of a dispute in this module goes through here."""
    with transaction.atomic():
        dispute = transition(dispute, action, actor, **kw)
        summary.keep(dispute)
    return dispute


# ---------------------------------------------------------------- committees and mediators


def composition_errors(members) -> list[str]:
    """Why a committee of `members` (mediators) may not mediate (人民调解法 Art. 8), in Chinese;
    empty when it may."""
    members = [m for m in members if m.active]
    errors = []
    if not MIN_MEMBERS <= len(members) <= MAX_MEMBERS:
        errors.append(_("人民调解委员会由委员三至九人组成（人民调解法第八条），现有 %(n)s 人。") % {"n": len(members)})
    if not any(m.gender == Gender.FEMALE for m in members):
        errors.append(_("人民调解委员会应当有妇女成员（人民调解法第八条）。"))
    return errors


def _check_composition(members):
    errors = composition_errors(members)
    if errors:
        raise ValidationError(errors, code="composition")


def create_committee(actor, *, name, node, phone="", reason="") -> Committee:
    """A committee, not yet constituted (it may mediate once `constitute_committee` passes)."""
    _require_perm(actor, p.ADD_COMMITTEE, node.path, _("您无权在该区域设立调解委员会。"))
    return core.create(Committee, reason=reason, name=name, node=node, phone=phone)


def add_mediator(
    actor,
    *,
    name,
    gender,
    kind,
    node,
    committee=None,
    phone="",
    title="",
    user=None,
    resident=None,
    areas=(),
    skills=(),
    reason="",
) -> Mediator:
    """A mediator: a committee member (`committee` given), a grid mediator or an invited
    mediator of the pool with the areas and skills they are invited for. Adding a member to a
    constituted committee keeps the composition rule (no more than nine)."""
    _require_perm(actor, p.ADD_MEDIATOR, node.path, _("您无权在该区域添加调解员。"))
    if kind == MediatorKind.MEMBER and committee is None:
        raise ValidationError({"committee": _("调委会委员须选择所属调解委员会。")})
    bad = [s for s in skills if s not in Category.values]
    if bad:
        raise ValidationError({"skills": _("擅长领域不在纠纷类型中：%(s)s") % {"s": "、".join(bad)}})
    if phone:
        try:
            phone = phones.normalise(phone)
        except phones.PhoneError as e:
            raise ValidationError({"phone": str(e)}) from None
    with transaction.atomic():
        if committee is not None and committee.constituted:
            members = list(Committee.objects.select_for_update().get(pk=committee.pk).members.filter(active=True))
            if len(members) + 1 > MAX_MEMBERS:
                raise ValidationError(_("人民调解委员会由委员三至九人组成（人民调解法第八条），已满九人。"))
        return core.create(
            Mediator,
            reason=reason,
            m2m={"areas": list(areas)},
            name=name,
            gender=gender,
            kind=kind,
            node=node,
            committee=committee,
            phone=phone,
            title=title,
            user=user,
            resident=resident,
            skills=list(dict.fromkeys(skills)),
        )


def constitute_committee(actor, committee, *, reason="") -> Committee:
    """Declare a committee constituted: refused in Chinese unless it has 3–9 active members
    including a woman."""
    _require_perm(actor, p.MANAGE, committee.node.path, _("您无权管理该调解委员会。"))
    with transaction.atomic():
        _check_composition(list(committee.members.all()))
        return core.update(committee, {"constituted": True}, reason=reason or _("委员会组成"))


def retire_mediator(actor, mediator, *, reason="") -> Mediator:
    """A mediator leaves (kept for the record). A member may not leave a constituted committee
    if that breaks the composition rule: appoint the successor first."""
    _require_perm(actor, p.CHANGE_MEDIATOR, mediator.node.path, _("您无权管理该调解员。"))
    with transaction.atomic():
        committee = mediator.committee
        if committee is not None and committee.constituted:
            rest = [m for m in committee.members.filter(active=True) if m.pk != mediator.pk]
            errors = composition_errors(rest)
            if errors:
                raise ValidationError([_("该委员离任后委员会组成不合法，请先增补委员。"), *errors], code="composition")
        return core.update(mediator, {"active": False}, reason=reason)


# ---------------------------------------------------------------- parties


def _clean_party(actor, data: dict) -> dict:
    """Validate one party's fields like the registry does: a resident from the registry (read
    from it, the registrar must see them), or an outsider with a valid ID number and phone, or
    a unit with its credit code."""
    from gongzhi.registry.models import Resident

    role = data.get("role") or PartyRole.APPLICANT
    if role not in PartyRole.values:
        raise ValidationError(_("当事人身份不正确。"))
    kind = data.get("kind") or PartyKind.PERSON
    out = {"role": role, "kind": kind, "address": (data.get("address") or "").strip()[:200]}
    resident = data.get("resident")
    if resident is not None:
        if not Resident.objects.visible_to(actor).filter(pk=resident.pk).exists():
            raise PermissionDenied(_("您无权查看该居民。"))
        return {
            **out,
            "kind": PartyKind.PERSON,
            "resident": resident,
            "name": resident.name,
            "id_number": resident.id_number,
            "phone": resident.phone,
            "address": out["address"],
        }
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError(_("请填写当事人姓名或名称。"))
    out["name"] = name[:100]
    try:
        if data.get("phone"):
            out["phone"] = phones.normalise(data["phone"])
        if kind == PartyKind.UNIT:
            out["uscc"] = uscc.normalise(data.get("uscc") or "")
            out["representative"] = (data.get("representative") or "").strip()[:50]
        elif kind == PartyKind.PERSON:
            if data.get("id_number"):
                out["id_number"] = idnumber.normalise(data["id_number"])
        else:
            raise ValidationError(_("当事人类别不正确。"))
    except (phones.PhoneError, uscc.UsccError, idnumber.IdNumberError) as e:
        raise ValidationError(_("当事人%(name)s：%(error)s") % {"name": name, "error": e}) from None
    return out


def _amount(value):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("金额格式不正确。")) from None
    if amount < 0:
        raise ValidationError(_("金额不能为负数。"))
    return amount


# ---------------------------------------------------------------- registration


def register(
    actor,
    *,
    committee,
    node,
    category,
    title,
    facts,
    issues="",
    parties,
    source=Source.APPLICATION,
    amount=None,
    risk=Risk.LOW,
    risk_reason="",
    exclusion="",
    request=None,
    received_at=None,
) -> Dispute:
    """登记: a dispute at `node` for `committee`, with at least two parties. A matter the rules
    exclude (司法部 2002 规定 Art. 22: `exclusion`) is refused with the reason; the one-month
    limit starts on the day of receipt."""
    if exclusion:
        if exclusion not in Exclusion.values:
            raise ValidationError(_("不予受理的理由不正确。"))
        raise ValidationError(
            _("不予受理：%(reason)s（《人民调解工作若干规定》第二十二条）。") % {"reason": Exclusion(exclusion).label},
            code="excluded",
        )
    _require_perm(actor, p.REGISTER, node.path, _("您无权在该区域登记矛盾纠纷。"))
    if not committee.constituted:
        raise ValidationError(_("%(c)s 尚未依法组成，不能受理调解。") % {"c": committee.name}, code="committee")
    if not node.path.startswith(committee.node.path):
        raise ValidationError(_("%(c)s 不负责纠纷所在区域。") % {"c": committee.name}, code="committee_scope")
    if category not in Category.values:
        raise ValidationError({"category": _("请选择纠纷类型。")})
    if source not in Source.values:
        raise ValidationError({"source": _("来源不正确。")})
    if risk not in Risk.values:
        raise ValidationError({"risk": _("请选择激化风险等级。")})
    if risk != Risk.LOW and not (risk_reason or "").strip():
        raise ValidationError({"risk_reason": _("风险为中、高时须说明理由。")})
    if not (facts or "").strip():
        raise ValidationError({"facts": _("请填写纠纷事实。")})
    cleaned = [_clean_party(actor, d) for d in parties]
    if len(cleaned) < 2:
        raise ValidationError(_("纠纷至少有两方当事人。"), code="parties")
    received_at = received_at or timezone.now()
    limit = clock.settle_by(received_at)
    with transaction.atomic():
        dispute = open_case(
            CASE_TYPE,
            actor,
            public=False,
            note=_("登记（%(source)s），调解期限至 %(day)s。")
            % {"source": Source(source).label, "day": f"{limit:%Y-%m-%d}"},
            received_at=received_at,
            node=node,
            committee=committee,
            category=category,
            source=source,
            request=request,
            title=(title or "").strip()[:100] or Category(category).label,
            facts=facts.strip(),
            issues=(issues or "").strip(),
            amount=_amount(amount),
            risk=risk,
            risk_reason=(risk_reason or "").strip()[:300],
            time_limit=limit,
            deadline=end_of_day(limit),
            registered_by=actor if getattr(actor, "pk", None) else None,
        )
        for data in cleaned:
            core.create(Party, dispute=dispute, **data)
        summary.keep(dispute)
    return dispute


def transfer_from_request(
    actor, request, *, committee, category, title="", facts="", issues="", parties, risk=Risk.LOW, risk_reason=""
) -> Dispute:
    """转人民调解: register a dispute linked to the service request `request` (its place, its
    description as the facts unless given) and close the request as transferred, in one
    transaction. The actor needs both the request's 派单 permission (the table's check) and
    the right to register disputes where it is."""
    from gongzhi.requests import summary as request_summary
    from gongzhi.requests import transitions as request_flow

    if getattr(request, "mediation_dispute", None) is not None:
        raise ValidationError(_("该诉求已转人民调解。"), code="already_transferred")
    with transaction.atomic():
        move = request_flow.WORKFLOW.get(request.status, action="transfer_mediation")
        request_flow.WORKFLOW.check(actor, move, request.node)
        dispute = register(
            actor,
            committee=committee,
            node=request.node,
            category=category,
            title=title or request.category.name,
            facts=facts or request.description,
            issues=issues,
            parties=parties,
            source=Source.REQUEST,
            risk=risk,
            risk_reason=risk_reason,
            request=request,
        )
        transition(request, "transfer_mediation", actor)
        request_summary.keep(request)  # closed: the request's figures for its statistics
    return dispute


# ---------------------------------------------------------------- mediators on a case


def conflict_of(mediator, dispute) -> str:
    """Why `mediator` may not mediate `dispute` (人民调解法 Art. 15 impartiality), or "": the
    mediator is a party, lives in a party's household, or the registry names one of them in
    the other's social relations."""
    me = mediator.resident
    for party in dispute.parties.select_related("resident"):
        other = party.resident
        if me is not None and other is not None:
            if me.pk == other.pk:
                return _("调解员%(m)s是本案当事人。") % {"m": mediator.name}
            if me.household_id and me.household_id == other.household_id:
                return _("调解员%(m)s与当事人%(p)s同户（人民调解法第十五条）。") % {"m": mediator.name, "p": party.name}
            if (me.name and me.name in (other.social_relations or "")) or (
                other.name and other.name in (me.social_relations or "")
            ):
                return _("户籍登记显示调解员%(m)s与当事人%(p)s有亲属或社会关系（人民调解法第十五条）。") % {
                    "m": mediator.name,
                    "p": party.name,
                }
        elif me is not None and party.id_number and party.id_number == me.id_number:
            return _("调解员%(m)s是本案当事人。") % {"m": mediator.name}
    return ""


def may_serve(mediator, dispute) -> bool:
    """A member of the dispute's committee, a grid mediator working in the committee's area,
    or an invited mediator whose areas cover the dispute."""
    if not mediator.active:
        return False
    if mediator.committee_id == dispute.committee_id:
        return True
    if mediator.kind == MediatorKind.GRID:
        return mediator.node.path.startswith(dispute.committee.node.path)
    if mediator.kind == MediatorKind.INVITED:
        return any(dispute.node.path.startswith(a.path) for a in mediator.areas.all())
    return False


def suggest_pool(dispute, limit=10) -> list[Mediator]:
    """Invited mediators (特邀调解员) for `dispute`: active, invited for an area covering its
    place, not related to a party and not already on it; those skilled in its category first,
    then the least busy."""
    from django.db.models import Count, Q

    taken = set(dispute.assignments.values_list("mediator_id", flat=True))
    ancestors = [a for a in dispute.node.path.split("/") if a]
    paths = ["/".join(ancestors[: i + 1]) + "/" for i in range(len(ancestors))]
    pool = (
        Mediator.objects.filter(kind=MediatorKind.INVITED, active=True, areas__path__in=paths)
        .exclude(pk__in=taken)
        .annotate(load=Count("assignments", filter=Q(assignments__dispute__closed_at__isnull=True), distinct=True))
        .select_related("resident")
        .distinct()
    )
    candidates = [m for m in pool if not conflict_of(m, dispute)]
    candidates.sort(key=lambda m: (dispute.category not in m.skills, m.load, m.name))
    return candidates[:limit]


@writable
def assign(actor, dispute, mediators, *, lead=None, note="", expected_version=None, now=None) -> Dispute:
    """指派调解员 (one or more): each must be allowed to serve here and unrelated to every
    party (refused with the reason); the first assignment starts the mediation."""
    mediators = list(mediators)
    if not mediators:
        raise ValidationError(_("请选择调解员。"), code="required")
    now = now or timezone.now()
    with transaction.atomic():
        for m in mediators:
            if not may_serve(m, dispute):
                raise ValidationError(_("%(m)s 不能调解本区域的纠纷。") % {"m": m.name}, code="mediator_scope")
            reason = conflict_of(m, dispute)
            if reason:
                raise ValidationError(_("不能指派：%(reason)s") % {"reason": reason}, code="conflict")
            if dispute.assignments.filter(mediator=m).exists():
                raise ValidationError(_("%(m)s 已是本案调解员。") % {"m": m.name}, code="duplicate")
        action = "assign" if dispute.status == S.REGISTERED else "add_mediator"
        lead = lead or (mediators[0] if action == "assign" else None)
        dispute = _move(
            dispute,
            action,
            actor,
            note=note,
            names=[m.name for m in mediators],
            expected_version=expected_version,
            now=now,
        )
        for m in mediators:
            core.create(Assignment, dispute=dispute, mediator=m, lead=(m == lead), assigned_at=now)
        _notify_assigned(dispute, mediators, now)
    return dispute


def _notify_assigned(dispute, mediators, now):
    """Tell each newly assigned mediator with an account, in their inbox once the assignment
    commits: the case number and title only (the inbox shows no party, Art. 15)."""
    from gongzhi.cases.choices import NotificationKind
    from gongzhi.cases.inbox import notify_on_commit

    users = [m.user_id for m in mediators if m.user_id]
    if users:
        text = _("您被指派调解 %(number)s「%(title)s」，请及时联系当事人。") % {
            "number": dispute.tracking_number,
            "title": dispute.title,
        }
        notify_on_commit(dispute, NotificationKind.DISPATCHED, text, about=now, users=users)


def _own_step(actor, dispute, action, *, expected_version=None, now=None, note="", **kw):
    """A mediator's move: checked as their own (selectors.check_own), then taken."""
    check_own(actor, dispute, WORKFLOW.action(action).label)
    return _move(dispute, action, actor, note=note, expected_version=expected_version, now=now, **kw)


@writable
def refuse(actor, dispute, *, party, note, expected_version=None, now=None) -> Dispute:
    """当事人拒绝调解: the case ends (人民调解法 Art. 17), with who refused and how."""
    if party.dispute_id != dispute.pk:
        raise ValidationError(_("请选择本案当事人。"))
    now = now or timezone.now()
    with transaction.atomic():
        dispute = _own_step(
            actor, dispute, "refuse", note=note, party_name=party.name, expected_version=expected_version, now=now
        )
        core.update(party, {"refused_at": now}, reason=_("拒绝调解"))
    return dispute


@writable
def record_session(actor, dispute, *, held_at, place, attendees, record, expected_version=None, now=None) -> Session:
    """调解笔录: a session with date, place, attendees and the record."""
    now = now or timezone.now()
    if not isinstance(held_at, dt.datetime):
        raise ValidationError({"held_at": _("请填写调解时间。")})
    if held_at > now:
        raise ValidationError({"held_at": _("调解时间不能晚于现在。")})
    for field, value, label in (
        ("place", place, _("地点")),
        ("attendees", attendees, _("参加人员")),
        ("record", record, _("调解笔录")),
    ):
        if not (value or "").strip():
            raise ValidationError({field: _("请填写%(what)s。") % {"what": label}})
    with transaction.atomic():
        session = Session(
            dispute=dispute,
            held_at=held_at,
            place=place.strip()[:100],
            attendees=attendees.strip()[:300],
            record=record.strip(),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        _own_step(actor, dispute, "session", session=session, expected_version=expected_version, now=now)
        session = core.create(
            Session,
            dispute=dispute,
            held_at=session.held_at,
            place=session.place,
            attendees=session.attendees,
            record=session.record,
            recorded_by=session.recorded_by,
        )
    return session


@writable
def agree_written(
    actor,
    dispute,
    *,
    terms,
    performance_manner,
    performance_deadline,
    responsibilities="",
    amount=None,
    note="",
    expected_version=None,
    now=None,
) -> Dispute:
    """书面调解协议 with the Art. 29 contents; it takes effect when signed and stamped."""
    return _own_step(
        actor,
        dispute,
        "agree_written",
        note=note,
        terms=terms,
        responsibilities=responsibilities,
        performance_manner=performance_manner,
        performance_deadline=performance_deadline,
        amount=_amount(amount),
        expected_version=expected_version,
        now=now,
    )


@writable
def agree_oral(
    actor, dispute, *, terms, performance_deadline=None, amount=None, note="", expected_version=None, now=None
) -> Dispute:
    """口头调解协议, recorded (人民调解法 Art. 28)."""
    return _own_step(
        actor,
        dispute,
        "agree_oral",
        note=note,
        terms=terms,
        performance_deadline=performance_deadline,
        amount=_amount(amount),
        expected_version=expected_version,
        now=now,
    )


@writable
def fail(actor, dispute, *, remedies, note="", expected_version=None, now=None) -> Dispute:
    """调解不成: the other remedies explained to the parties are recorded (Art. 26)."""
    return _own_step(actor, dispute, "fail", note=note, remedies=remedies, expected_version=expected_version, now=now)


def missing_signatures(dispute) -> list[str]:
    """What the written agreement still lacks before it takes effect, in words."""
    signed = list(dispute.signatures.all())
    parties = {s.party_id for s in signed if s.kind == SignerKind.PARTY}
    missing = [_("当事人%(p)s签名") % {"p": party.name} for party in dispute.parties.all() if party.pk not in parties]
    mediators = {s.mediator_id for s in signed if s.kind == SignerKind.MEDIATOR}
    if not mediators:
        missing.append(_("调解员签名"))
    if not any(s.kind == SignerKind.COMMITTEE for s in signed):
        missing.append(_("调委会盖章"))
    return missing


def _check_sign_day(dispute, signed_on, now):
    if not isinstance(signed_on, dt.date) or isinstance(signed_on, dt.datetime):
        raise ValidationError({"signed_on": _("请填写签署日期。")})
    if signed_on > local_date(now):
        raise ValidationError({"signed_on": _("签署日期不能晚于今天。")})
    if dispute.outcome_at and signed_on < local_date(dispute.outcome_at):
        raise ValidationError({"signed_on": _("签署日期不能早于达成协议的日期。")})


def _after_signature(actor, dispute, now):
    """The agreement takes effect on the date of its last step once nothing is missing."""
    if missing_signatures(dispute):
        return dispute
    effective_on = max(dispute.signatures.values_list("signed_on", flat=True))
    return _move(dispute, "take_effect", actor, effective_on=effective_on, now=now)


@writable
def sign(
    actor, dispute, *, signed_on, party=None, mediator=None, method="signature", expected_version=None, now=None
) -> Dispute:
    """A party (by signature, seal or fingerprint) or an assigned mediator signs the written
    agreement; the last step makes it effective."""
    now = now or timezone.now()
    if (party is None) == (mediator is None):
        raise ValidationError(_("请选择签署的当事人或调解员。"))
    if party is not None and party.dispute_id != dispute.pk:
        raise ValidationError(_("请选择本案当事人。"))
    if mediator is not None and not dispute.assignments.filter(mediator=mediator).exists():
        raise ValidationError(_("只有本案调解员可以在协议上签名。"))
    with transaction.atomic():
        _check_sign_day(dispute, signed_on, now)
        kind = SignerKind.PARTY if party is not None else SignerKind.MEDIATOR
        if dispute.signatures.filter(kind=kind, party=party, mediator=mediator).exists():
            raise ValidationError(_("已记录过该签署。"), code="duplicate")
        who = party.name if party is not None else mediator.name
        dispute = _own_step(
            actor,
            dispute,
            "sign",
            step=_("%(who)s 于 %(day)s 签署。") % {"who": who, "day": signed_on},
            expected_version=expected_version,
            now=now,
        )
        core.create(
            Signature,
            dispute=dispute,
            kind=kind,
            party=party,
            mediator=mediator,
            method=method,
            signed_on=signed_on,
            recorded_at=now,
        )
        return _after_signature(actor, dispute, now)


@writable
def stamp(actor, dispute, *, signed_on, expected_version=None, now=None) -> Dispute:
    """The committee stamps the written agreement (the committee's director or the town)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Who may stamp is asked before anything else is, so a mediator learns that first.
        WORKFLOW.check(actor, WORKFLOW.action("stamp"), dispute.node)
        _check_sign_day(dispute, signed_on, now)
        if dispute.signatures.filter(kind=SignerKind.COMMITTEE).exists():
            raise ValidationError(_("调委会已盖章。"), code="duplicate")
        dispute = _move(
            dispute,
            "stamp",
            actor,
            step=_("调委会于 %(day)s 盖章。") % {"day": signed_on},
            expected_version=expected_version,
            now=now,
        )
        core.create(
            Signature, dispute=dispute, kind=SignerKind.COMMITTEE, method="seal", signed_on=signed_on, recorded_at=now
        )
        return _after_signature(actor, dispute, now)


@writable
def record_court_decision(
    actor, dispute, *, result, decided_on, number, court, expected_version=None, now=None
) -> Dispute:
    """司法确认: the court's decision (确认有效/驳回) with its date and document number."""
    return _own_step(
        actor,
        dispute,
        "court_decision",
        result=result,
        decided_on=decided_on,
        number=number,
        court=court,
        expected_version=expected_version,
        now=now,
    )


@writable
def follow_up(actor, dispute, *, performance, note, expected_version=None, now=None) -> FollowUp:
    """履行回访: how the agreement is being performed, and the return visit's record."""
    now = now or timezone.now()
    with transaction.atomic():
        dispute = _own_step(
            actor, dispute, "follow_up", note=note, performance=performance, expected_version=expected_version, now=now
        )
        return core.create(
            FollowUp,
            dispute=dispute,
            at=now,
            performance=performance,
            note=note.strip(),
            by=actor if getattr(actor, "pk", None) else None,
        )


@writable
def report(actor, dispute, *, to, content, expected_version=None, now=None) -> Report:
    """报告公安/上报 (Art. 25): a dispute that may turn criminal or collective, reported with
    to whom, what and when; the risk becomes 高."""
    now = now or timezone.now()
    if not (to or "").strip():
        raise ValidationError({"to": _("请填写报告对象。")})
    if not (content or "").strip():
        raise ValidationError({"content": _("请填写报告内容。")})
    with transaction.atomic():
        dispute = _own_step(
            actor, dispute, "report", note=content.strip(), to=to.strip(), expected_version=expected_version, now=now
        )
        if dispute.risk != Risk.HIGH:
            core.update(
                dispute,
                {"risk": Risk.HIGH, "risk_reason": _("已报告%(to)s") % {"to": to.strip()}},
                reason=_("报告公安/上报"),
            )
            summary.keep(dispute)
        return core.create(
            Report,
            dispute=dispute,
            at=now,
            to=to.strip()[:100],
            content=content.strip(),
            by=actor if getattr(actor, "pk", None) else None,
        )


@writable
def set_risk(actor, dispute, *, risk, reason="", expected_version=None, now=None) -> Dispute:
    """激化风险 低/中/高 with the reason (中 and 高 need one)."""
    return _own_step(actor, dispute, "set_risk", risk=risk, reason=reason, expected_version=expected_version, now=now)


@writable
def add_note(actor, dispute, *, note, expected_version=None, now=None) -> Dispute:
    """研判意见: a reviewer's note on the dispute's journal (internal), from the daily review.
    The note changes no field, so its audit entry is written here (core.update logs changes
    only)."""
    from gongzhi.core.choices import AuditAction

    with transaction.atomic():
        dispute = _move(dispute, "note", actor, note=note, expected_version=expected_version, now=now)
        core.record(AuditAction.UPDATE, dispute, after={"note": note.strip()}, reason=_("记录研判意见"))
    return dispute


@writable
def extend(actor, dispute, *, days, reason, expected_version=None, now=None) -> Dispute:
    """延长调解期限 by `days` calendar days (30 in all at most), with the reason."""
    return _move(dispute, "extend", actor, note=reason, days=days, expected_version=expected_version, now=now)


@writable
def close(actor, dispute, *, note="", expected_version=None, now=None) -> Dispute:
    """结案: after an effective agreement (and its follow-up), an oral agreement or a failure."""
    return _move(dispute, "close", actor, note=note, expected_version=expected_version, now=now)


def record_view(actor, dispute, *, unmasked=False) -> None:
    """Every view of a case's detail is audited (人民调解法 Art. 15), and an unmasked view says so."""
    from gongzhi.core.choices import AuditAction

    core.record(
        AuditAction.UNMASK if unmasked else AuditAction.VIEW,
        dispute,
        reason=_("查看调解案件（完整号码）") if unmasked else _("查看调解案件"),
    )


def record_case_file(actor, dispute) -> None:
    """Every view or download of the case file (卷宗) is audited, like a print of the agreement."""
    from gongzhi.core.choices import AuditAction

    core.record(AuditAction.EXPORT, dispute, reason=_("查阅、打印调解卷宗"))
