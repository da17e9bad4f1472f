"""Every state change of a campaign: drafting it and its checklist, launching and closing it,
and the answers given at the door. Each service owns its transaction and writes the audit entry
through core; the services that decide by who acts take `actor` first. Launching is in
launch.py (set-based), what an answer leads to in findings.py."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import uploads
from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import has_perm_at
from gongzhi.territory.choices import Level

from . import permissions as perms
from . import selectors
from .choices import CampaignStatus, FieldKind, VisitStatus
from .models import Answer, AnswerPhoto, Assignment, Campaign, Question

# Levels a campaign may cover: a town (街道/乡镇), a community (社区/村) or one grid.
LEVELS = (Level.TOWN, Level.COMMUNITY, Level.GRID)
MAX_OPTIONS = 20
MAX_TEXT = 1000
MAX_NUMBER = Decimal("999999999999")


def _check_period(start, end):
    if start and end and end < start:
        raise ValidationError({"end": _("结束日期不能早于开始日期")})


def _check_territory(actor, node, perm):
    if node is None:
        raise ValidationError({"territory": _("请选择排查范围")})
    if node.level not in LEVELS:
        raise ValidationError({"territory": _("排查范围须为街道/乡镇、社区/村或网格")})
    if not has_perm_at(actor, perm, node.path):
        raise PermissionDenied(_("排查范围不在您的管辖区域内"))


def create_campaign(actor, *, topic, start, end, territory, description="", reason="") -> Campaign:
    """Draft a campaign in the actor's area (campaigns.add_campaign at the territory)."""
    _check_territory(actor, territory, perms.ADD)
    _check_period(start, end)
    return core.create(
        Campaign,
        reason=reason,
        topic=(topic or "").strip(),
        description=description or "",
        start=start,
        end=end,
        territory=territory,
        created_by=actor,
    )


def _editable(actor, campaign):
    if not selectors.campaigns_for(actor).filter(pk=campaign.pk).exists():
        raise NotFound()
    if not has_perm_at(actor, perms.CHANGE, campaign.territory.path):
        raise PermissionDenied(_("您无权修改该入户排查"))
    if Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first() != CampaignStatus.DRAFT:
        raise ValidationError({"__all__": _("入户排查已启动，排查表不能再修改")})


def update_campaign(actor, campaign, changes: dict, *, reason="", expected_version=None) -> Campaign:
    """Change a draft's topic, description, period or territory."""
    _editable(actor, campaign)
    changes = {k: v for k, v in changes.items() if k in ("topic", "description", "start", "end", "territory")}
    if "territory" in changes and changes["territory"] != campaign.territory:
        _check_territory(actor, changes["territory"], perms.ADD)
    _check_period(changes.get("start", campaign.start), changes.get("end", campaign.end))
    return core.update(campaign, changes, reason=reason, expected_version=expected_version)


def _clean_options(kind, options) -> str:
    items = [o.strip() for o in (options or "").replace("\r", "").split("\n") if o.strip()]
    if kind != FieldKind.CHOICE:
        return ""
    if len(items) < 2:
        raise ValidationError({"options": _("单选题至少需要两个选项，每行一个")})
    if len(items) > MAX_OPTIONS:
        raise ValidationError({"options": _("选项最多 %(n)s 个") % {"n": MAX_OPTIONS}})
    if len(set(items)) != len(items):
        raise ValidationError({"options": _("选项不能重复")})
    if any(len(o) > 50 for o in items):
        raise ValidationError({"options": _("每个选项最多 50 个字")})
    return "\n".join(items)


def add_question(actor, campaign, *, text, kind, options="", required=True, reason="") -> Question:
    """Add an item to a draft's checklist, at the end."""
    _editable(actor, campaign)
    if kind not in FieldKind.values:
        raise ValidationError({"kind": _("请选择排查项类型")})
    last = campaign.questions.order_by("-order").values_list("order", flat=True).first() or 0
    return core.create(
        Question,
        reason=reason,
        campaign=campaign,
        order=last + 1,
        text=(text or "").strip(),
        kind=kind,
        options=_clean_options(kind, options),
        required=bool(required),
    )


def delete_question(actor, question, *, reason=""):
    """Remove an item from a draft's checklist."""
    _editable(actor, question.campaign)
    core.delete(question, reason=reason)


def close_campaign(actor, campaign, *, reason="", expected_version=None) -> Campaign:
    """End a running campaign: its households can no longer be answered."""
    if not selectors.campaigns_for(actor).filter(pk=campaign.pk).exists():
        raise NotFound()
    if not has_perm_at(actor, perms.CHANGE, campaign.territory.path):
        raise PermissionDenied(_("您无权修改该入户排查"))
    if campaign.status != CampaignStatus.RUNNING:
        raise ValidationError({"__all__": _("只有进行中的入户排查可以结束")})
    return core.update(campaign, {"status": CampaignStatus.CLOSED}, reason=reason, expected_version=expected_version)


# ---- answers at the door ------------------------------------------------------------------


def _clean_value(question, raw, photos):
    """(value, number) of one answer, or a ValidationError with a message naming the item."""
    label = question.text
    if question.kind == FieldKind.PHOTO:
        if question.required and not photos:
            raise ValidationError(_("“%(q)s”：请拍照上传") % {"q": label})
        return None, None
    text = "" if raw is None else str(raw).strip()
    if question.kind == FieldKind.YESNO and isinstance(raw, bool):
        text = "yes" if raw else "no"
    if not text:
        if question.required:
            raise ValidationError(_("“%(q)s”：此项必填") % {"q": label})
        return "", None
    if question.kind == FieldKind.YESNO:
        if text not in ("yes", "no"):
            raise ValidationError(_("“%(q)s”：请选择“是”或“否”") % {"q": label})
        return text, None
    if question.kind == FieldKind.CHOICE:
        if text not in question.option_list():
            raise ValidationError(_("“%(q)s”：请从给出的选项中选择") % {"q": label})
        return text, None
    if question.kind == FieldKind.NUMBER:
        try:
            number = Decimal(text.replace("，", "").replace(",", ""))
        except InvalidOperation:
            raise ValidationError(_("“%(q)s”：请填写数字") % {"q": label}) from None
        if not number.is_finite() or abs(number) > MAX_NUMBER:
            raise ValidationError(_("“%(q)s”：数字超出范围") % {"q": label})
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(_("“%(q)s”：最多两位小数") % {"q": label})
        return str(number.normalize()) if number == number.to_integral() else str(number), number
    if len(text) > MAX_TEXT:
        raise ValidationError(_("“%(q)s”：最多 %(n)s 个字") % {"q": label, "n": MAX_TEXT})
    return text, None


def clean_answers(questions, values: dict, photos: dict) -> dict:
    """{question id: (value, number)} of a filled checklist; every error at once, under the
    key "q<id>" of its item."""
    errors, cleaned = {}, {}
    for q in questions:
        try:
            cleaned[q.pk] = _clean_value(q, values.get(q.pk), photos.get(q.pk) or [])
        except ValidationError as e:
            errors[f"q{q.pk}"] = e.messages
    for q_id, files in photos.items():
        try:
            uploads.check_photos(files)
        except ValidationError as e:
            errors.setdefault(f"q{q_id}", []).extend(e.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


# How far a phone's clock may run ahead of the server's before its time is refused.
CLOCK_SKEW = dt.timedelta(minutes=5)


def _visit_time(visited_at, now):
    """When the household was visited: now, or the time a phone saved the answer offline (sent
    later, when the network returned) — never in the future."""
    if visited_at is None:
        return now
    if timezone.is_naive(visited_at):
        visited_at = timezone.make_aware(visited_at)
    if visited_at > now + CLOCK_SKEW:
        raise ValidationError({"visited_at": _("排查时间不能晚于现在")})
    return min(visited_at, now)


def _check_when(campaign, day: dt.date):
    if campaign.status != CampaignStatus.RUNNING:
        raise ValidationError({"__all__": _("入户排查未在进行中，不能填写")})
    if day < campaign.start:
        raise ValidationError({"__all__": _("入户排查尚未开始（%(d)s 开始）") % {"d": campaign.start}})
    if day > campaign.end:
        raise ValidationError({"__all__": _("入户排查已于 %(d)s 结束") % {"d": campaign.end}})


def submit_answer(
    actor,
    assignment,
    *,
    outcome=VisitStatus.DONE,
    values=None,
    photos=None,
    note="",
    expected_version=None,
    visited_at=None,
    client_key="",
) -> Assignment:
    """Record the visit to one household: the filled checklist (outcome done), or not at home /
    refused (no answers needed). A household may be answered again while the campaign runs
    (not at home on Monday, answered on Tuesday): the new answers replace the old ones.
    `values` maps question id → raw value; `photos` question id → uploaded files. An answer
    saved on a phone without a network carries the time it was saved (`visited_at`, which must
    fall within the campaign's period) and the phone's key for it (`client_key`)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if selectors.assignment_for(actor, assignment.pk) is None:
        raise NotFound()
    if outcome not in (VisitStatus.DONE, VisitStatus.ABSENT, VisitStatus.REFUSED):
        raise ValidationError({"outcome": _("请选择排查结果")})
    campaign = Campaign.objects.select_related("territory").get(pk=assignment.campaign_id)
    assignment.campaign = campaign
    if not selectors.is_worker(actor, assignment):
        raise PermissionDenied(_("只有本网格的网格员可以填写该住户的排查表"))
    now = timezone.now()
    visited_at = _visit_time(visited_at, now)
    _check_when(campaign, timezone.localdate(visited_at))
    questions = list(campaign.questions.all())
    photos = {int(k): list(v) for k, v in (photos or {}).items() if v}
    values = {int(k): v for k, v in (values or {}).items()}
    cleaned = clean_answers(questions, values, photos) if outcome == VisitStatus.DONE else {}
    stored = []
    try:
        with transaction.atomic():
            Answer.objects.filter(assignment=assignment).delete()
            if outcome == VisitStatus.DONE:
                Answer.objects.bulk_create(
                    Answer(assignment=assignment, question_id=q_id, value=value or "", number=number)
                    for q_id, (value, number) in cleaned.items()
                    if value or number is not None
                )
                for q_id, files in photos.items():
                    if q_id in cleaned:
                        for f in files:
                            stored.append(_save_photo(assignment, q_id, f, now))
            core.update(
                assignment,
                {
                    "status": outcome,
                    "visited_at": visited_at,
                    "visited_by": actor,
                    "note": (note or "").strip(),
                    "client_key": (client_key or "").strip()[:64],
                },
                expected_version=expected_version,
                reason=_("入户排查：%(o)s") % {"o": VisitStatus(outcome).label},
            )
    except Exception:
        for photo in stored:  # the rows rolled back; do not leave their files behind
            photo.file.delete(save=False)
        raise
    return assignment


def _save_photo(assignment, question_id, upload, now) -> AnswerPhoto:
    kind = uploads.check_photo(upload)
    photo = AnswerPhoto(
        assignment=assignment, question_id=question_id, content_type=f"image/{kind}", size=upload.size, uploaded_at=now
    )
    photo.file.save(f"photo.{uploads.PHOTO_TYPES[kind]}", upload, save=False)
    photo.save()
    return photo


def answers_of(assignment) -> dict:
    """{question id: value} of a household's stored answers (for the form and the page)."""
    return dict(Answer.objects.filter(assignment=assignment).values_list("question_id", "value"))
