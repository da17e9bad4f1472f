"""Every change to service requests. Filing validates everything before writing and saves in
one transaction (nothing half-saved); every later step is an action of the transition table
(`transitions.py`) applied by `cases.workflow.transition` through `_move`, plus the inbox
messages it queues for when the transaction commits. Filing and every move bring the request's
figures for the statistics in line in the same transaction (`summary.keep`)."""

import hashlib
import secrets
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Membership
from gongzhi.cases import inbox
from gongzhi.cases.choices import NotificationKind, VisitResult
from gongzhi.cases.models import JournalEntry
from gongzhi.cases.workflow import open_case, transition, write_journal
from gongzhi.core import phone as phones
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from . import permissions as p
from . import summary
from . import validation as v
from .choices import CASE_TYPE, Channel
from .location import in_area, locate_grid
from .models import Category, CategoryAttribute, Open311Key, RequestPhoto, ServiceRequest
from .public import suggested_visibility
from .transitions import deadline_fields


def _move(request, action, actor, **kw) -> ServiceRequest:
    """A move of the transition table (cases.workflow.transition), and the request's figures
    for the statistics brought in line in the same transaction (summary.keep: the one place
    that writes them). Every move of a request in this module goes through here."""
    with transaction.atomic():
        request = transition(request, action, actor, **kw)
        summary.keep(request)
    return request


# ---------------------------------------------------------------- categories


def create_category(*, reason="", **fields) -> Category:
    """Add a category (name, kind, default department, working days, Open311 code). Without a
    `visibility` it is private when its name speaks of a person's situation (help, health,
    disputes …) and public otherwise (`public.suggested_visibility`)."""
    if not fields.get("visibility"):
        fields["visibility"] = suggested_visibility(fields.get("name", ""))
    return core.create(Category, reason=reason, **fields)


def update_category(category, changes: dict, *, reason="", expected_version=None) -> Category:
    return core.update(category, changes, reason=reason, expected_version=expected_version)


def create_category_attribute(*, reason="", **fields) -> CategoryAttribute:
    """Add an extra question to a category (an Open311 service-definition attribute)."""
    return core.create(CategoryAttribute, reason=reason, **fields)


def update_category_attribute(attribute, changes: dict, *, reason="", expected_version=None) -> CategoryAttribute:
    return core.update(attribute, changes, reason=reason, expected_version=expected_version)


def delete_category_attribute(attribute, *, reason="") -> None:
    core.delete(attribute, reason=reason)


# ---------------------------------------------------------------- Open311 keys


def hash_key(raw: str) -> str:
    return hashlib.sha256((raw or "").encode()).hexdigest()


def create_open311_key(name, *, organisation=None, reason="") -> tuple[Open311Key, str]:
    """A new API key for a third party: returns the record and the key, which is shown once
    (only its hash is stored)."""
    raw = secrets.token_urlsafe(32)
    key = core.create(Open311Key, reason=reason, name=name, organisation=organisation, key_hash=hash_key(raw))
    return key, raw


def update_open311_key(key, changes: dict, *, reason="", expected_version=None) -> Open311Key:
    """Rename or (de)activate a key; the key itself never changes."""
    return core.update(key, changes, reason=reason, expected_version=expected_version)


def check_open311_key(raw) -> Open311Key | None:
    """The active key matching `raw`, or None."""
    if not raw or len(raw) > 200:
        return None
    return Open311Key.objects.filter(key_hash=hash_key(raw), active=True).first()


# ---------------------------------------------------------------- updates from third parties

# FixMyStreet's extended statuses an external system may report (OPEN311.md).
EXTERNAL_STATUSES = (
    "OPEN",
    "INVESTIGATING",
    "IN_PROGRESS",
    "ACTION_SCHEDULED",
    "FOR_TRIAGE",
    "REOPEN",
    "FIXED",
    "CLOSED",
    "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY",
    "NO_FURTHER_ACTION",
    "INTERNAL_REFERRAL",
    "CANCELLED",
)
# The journal action of an update posted by an outside system; the status it reported is kept in
# JournalEntry.external_status.
EXTERNAL_ACTION = "external_update"


def _already_noted(request, external_ref):
    """The entry an earlier post of the same update made, or None. The same update id sent for
    another request is a sender's mistake, refused rather than silently re-filed."""
    if not external_ref:
        return None
    existing = JournalEntry.objects.filter(external_ref=external_ref).first()
    if existing is not None and existing.case_id != request.pk:
        raise ValidationError(
            {"update_id": _("该 update_id 已用于诉求 %(id)s 的进展，不能再用于其他诉求。") % {"id": existing.case_id}}
        )
    return existing


def record_external_update(request, *, status, description, at=None, source_name="", external_ref="", media_url=""):
    """Note an update reported by an external system (a public journal entry) plus its audit entry,
    in one transaction.

    The case's state is NOT changed — not its status, deadline, version nor `updated_at`: only our
    own people move a request through the closed loop (transitions.py), and an outside system
    saying FIXED or CLOSED must not close it. The reported `status` is kept with the note so the
    Open311 updates listing can give it back. `external_ref` ("<sender>:<their update id>") makes a
    re-sent update answer with the entry its first post made instead of noting it twice.
    Returns the journal entry."""
    if status not in EXTERNAL_STATUSES:
        raise ValidationError({"status": _("状态不正确。")})
    v.validate_description(description)
    validate_media_url(media_url)
    at = at or timezone.now()
    name = (source_name or _("第三方系统"))[:100]
    if (existing := _already_noted(request, external_ref)) is not None:
        return existing
    try:
        with transaction.atomic():
            entry = write_journal(
                request,
                None,
                action=EXTERNAL_ACTION,
                external_status=status,
                label=_("第三方更新"),
                from_status=request.status,
                to_status=request.status,
                note=description.strip(),
                public=True,
                at=at,
                actor_name=name,
                external_ref=external_ref,
                external_media_url=media_url,
            )
            after = {"status": status, "at": at.isoformat(), "note": entry.note}
            if media_url:
                after["media_url"] = media_url
            core.record(
                AuditAction.CREATE,
                entry,
                after=after,
                reason=_("%(n)s 报送诉求 %(id)s 的进展：%(s)s") % {"n": name, "id": request.pk, "s": status},
                node_path=request.node.path if request.node_id else "",
            )
    except IntegrityError:
        # The same update posted twice at once: the other post won; answer with its entry.
        if (existing := _already_noted(request, external_ref)) is None:
            raise
        return existing
    return entry


def validate_media_url(value):
    """An outside system's picture link: http(s), at most 500 characters."""
    if not value:
        return
    try:
        URLValidator(schemes=["http", "https"])(value)
        ok = len(value) <= 500
    except ValidationError:
        ok = False
    if not ok:
        raise ValidationError({"media_url": _("media_url 须为 http 或 https 网址，且不超过 500 个字符。")})


# ---------------------------------------------------------------- filing


def _category(value) -> Category:
    if isinstance(value, Category):
        category = value
    else:
        category = Category.objects.filter(pk=value).first() if str(value or "").isdigit() else None
    if category is None or not category.active:
        raise ValidationError({"category": _("诉求分类不存在或已停用。")})
    return category


def _coordinate(value, field):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("坐标须为数字。")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("坐标须为数字。")})
    return number


def _phone(value) -> str:
    try:
        return phones.normalise(value)
    except phones.PhoneError as e:
        raise ValidationError({"requester_phone": str(e)}) from None


def _place(fields: dict, node) -> dict:
    """Fill grid (and the case's node) from the most precise registry link given, checking
    that links agree; a bare map point inside `node` is placed in its grid when one contains it."""
    resident, household, building = fields.get("resident"), fields.get("household"), fields.get("building")
    household = household or (resident.household if resident is not None else None)
    building = building or (household.building if household is not None else None)
    grids = {x.grid_id for x in (resident, household, building) if x is not None}
    if fields.get("grid") is not None:
        grids.add(fields["grid"].pk)
    if len(grids) > 1:
        raise ValidationError({"grid": _("所选网格、楼栋、住户和居民不一致。")})
    grid = fields.get("grid") or next((x.grid for x in (resident, household, building) if x is not None), None)
    if grid is None and node is not None and fields.get("lat") is not None:
        grid = locate_grid(node, fields["lat"], fields["lng"])
    where = grid or node
    if where is None:
        raise ValidationError({"node": _("请选择诉求所在的社区或网格。")})
    if fields.get("lat") is not None and fields.get("lng") is not None:
        _check_in_area(where, fields["lat"], fields["lng"])
    return {**fields, "grid": grid, "building": building, "household": household, "node": where}


def _check_in_area(where, lat, lng):
    """A map point outside the town (its boundary, or its grids' when the town has none drawn)
    is refused, whatever the channel: web, staff desk, API and Open311 all file through here."""
    inside, area = in_area(where, lat, lng)
    if not inside:
        raise ValidationError(
            {"lat": _("所选位置不在%(area)s范围内，请在地图上重新选点或填写详细地址。") % {"area": area.name}}
        )


def _check_channel(channel, actor, node):
    if channel not in Channel.values:
        raise ValidationError({"channel": _("来源渠道不正确。")})
    if channel in (Channel.WEB, Channel.API):  # the public page; a third party holding an API key
        return
    if actor is None or not p.can_file_at(actor, node):
        raise PermissionDenied(_("您无权在该区域登记诉求。"))


def file_request(
    *,
    channel,
    category,
    description,
    actor=None,
    kind=None,
    node=None,
    grid=None,
    building=None,
    household=None,
    resident=None,
    lat=None,
    lng=None,
    address="",
    requester_name="",
    requester_phone="",
    photos=(),
    received_at=None,
    attributes=None,
) -> ServiceRequest:
    """File a request from the public page (no user), a grid worker or a hotline operator.

    Returns the saved request; its `tracking_number` is what the citizen is given. Everything
    is validated first (all field errors at once); photos are checked by content and size."""
    category = _category(category)
    fields = _place(
        {
            "grid": grid,
            "building": building,
            "household": household,
            "resident": resident,
            "lat": _coordinate(lat, "lat"),
            "lng": _coordinate(lng, "lng"),
        },
        node,
    )
    _check_channel(channel, actor, fields["node"])
    photo_kinds = v.check_photos(photos)
    fields.update(
        kind=kind or category.kind,
        category=category,
        description=description or "",
        channel=channel,
        address=(address or "").strip(),
        requester_name=(requester_name or "").strip(),
        requester_phone=_phone(requester_phone),
        received_at=received_at or timezone.now(),
        filed_by=actor if getattr(actor, "is_authenticated", False) else None,
        attributes=attributes or {},
    )
    fields.update(deadline_fields(fields["received_at"], category.deadline_days))
    saved = []
    try:
        with transaction.atomic():
            request = open_case(
                CASE_TYPE,
                actor,
                note=_("诉求已受理（%(c)s）。") % {"c": Channel(channel).label},
                actor_name="" if fields["filed_by"] else _filer_name(channel),
                **fields,
            )
            summary.keep(request)
            for upload, kind_ in zip(photos or (), photo_kinds):
                saved.append(_save_photo(request, upload, kind_))
        return request
    except Exception:
        for photo in saved:  # the rows rolled back; do not leave their files behind
            photo.file.delete(save=False)
        raise


def _filer_name(channel) -> str:
    return _("第三方接口（Open311）") if channel == Channel.API else _("群众（网上提交）")


def _save_photo(request, upload, kind) -> RequestPhoto:
    photo = RequestPhoto(request=request, content_type=f"image/{kind}", size=upload.size, uploaded_at=timezone.now())
    photo.file.save(f"photo.{v.PHOTO_TYPES[kind]}", upload, save=False)
    photo.save()
    return photo


# ---------------------------------------------------------------- who to tell


def dispatchers_for(node) -> list[int]:
    """Users who may dispatch requests located at `node` (memberships on it or an ancestor)."""
    parts = [x for x in node.path.split("/") if x]
    prefixes = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return list(
        Membership.objects.filter(
            node__path__in=prefixes,
            user__is_active=True,
            role__permissions__codename="dispatch_servicerequest",
            role__permissions__content_type__app_label="servicerequests",
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


# ---------------------------------------------------------------- the closed loop


def dispatch(request, actor, *, assignee, category=None, note="", expected_version=None, now=None) -> ServiceRequest:
    """派单: assign to a department or a community committee; the deadline is fixed from the
    day of receipt (see transitions.py) and the organisation's people are told on commit."""
    with transaction.atomic():
        request = _move(
            request,
            "dispatch",
            actor,
            note=note,
            assignee=assignee,
            category=category,
            expected_version=expected_version,
            now=now,
        )
        inbox.notify_on_commit(
            request,
            NotificationKind.DISPATCHED,
            _("新派单 %(n)s：%(c)s，办结时限 %(d)s")
            % {
                "n": request.tracking_number,
                "c": request.category.name,
                "d": f"{timezone.localtime(request.deadline):%Y-%m-%d}",
            },
            about=request.dispatched_at,
        )
    return request


def accept(request, actor, *, note="", expected_version=None, now=None):
    """签收: the assigned organisation takes the request on."""
    return _move(request, "accept", actor, note=note, expected_version=expected_version, now=now)


def return_wrong_assignment(request, actor, *, reason, expected_version=None, now=None):
    """退回: within the category's window after dispatch, with a reason; back to the dispatchers."""
    with transaction.atomic():
        request = _move(request, "return", actor, note=reason, expected_version=expected_version, now=now)
        inbox.notify_on_commit(
            request,
            NotificationKind.RETURNED,
            _("%(n)s 被退回，请重新派单：%(r)s") % {"n": request.tracking_number, "r": reason},
            users=dispatchers_for(request.node),
        )
    return request


def request_extension(request, actor, *, days, reason, expected_version=None, now=None):
    """申请延期: N more working days, pending the dispatcher's decision."""
    with transaction.atomic():
        request = _move(
            request, "request_extension", actor, note=reason, days=days, expected_version=expected_version, now=now
        )
        inbox.notify_on_commit(
            request,
            NotificationKind.EXTENSION,
            _("%(n)s 申请延期 %(d)s 个工作日") % {"n": request.tracking_number, "d": days},
            users=dispatchers_for(request.node),
        )
    return request


def grant_extension(request, actor, *, note="", expected_version=None, now=None):
    """准予延期: the deadline moves N working days past the current one."""
    return _move(request, "grant_extension", actor, note=note, expected_version=expected_version, now=now)


def refuse_extension(request, actor, *, note="", expected_version=None, now=None):
    return _move(request, "refuse_extension", actor, note=note, expected_version=expected_version, now=now)


def reply(request, actor, *, text, expected_version=None, now=None):
    """答复: the answer the citizen sees (a public journal entry)."""
    return _move(request, "reply", actor, note=text, expected_version=expected_version, now=now)


def close(request, actor, *, note="", expected_version=None, now=None):
    """办结: records when, and how many working days it took (kept for statistics)."""
    return _move(request, "close", actor, note=note, expected_version=expected_version, now=now)


def flag(request, actor, *, note="", expected_version=None, now=None):
    """督办: a supervisor flags an overdue request; the handling organisation is told."""
    with transaction.atomic():
        request = _move(request, "flag", actor, note=note, expected_version=expected_version, now=now)
        if request.assignee_id:
            inbox.notify_on_commit(
                request,
                NotificationKind.FLAGGED,
                _("%(n)s 已超期，被督办。") % {"n": request.tracking_number},
                about=request.flagged_at,
            )
    return request


def return_visit(request, actor, *, result, note="", expected_version=None, now=None):
    """回访: 满意/基本满意 completes the request; 不满意 reopens it with the same organisation
    and a new deadline, and tells that organisation."""
    if result not in VisitResult.values:
        raise ValidationError({"result": _("回访结果不正确。")})
    if result != VisitResult.UNSATISFIED:
        return _move(request, "visit", actor, note=note, result=result, expected_version=expected_version, now=now)
    with transaction.atomic():
        request = _move(request, "reopen", actor, note=note, result=result, expected_version=expected_version, now=now)
        inbox.notify_on_commit(
            request,
            NotificationKind.REOPENED,
            _("%(n)s 回访不满意，请重新办理，办结时限 %(d)s")
            % {"n": request.tracking_number, "d": f"{timezone.localtime(request.deadline):%Y-%m-%d}"},
            about=request.deadline,
        )
    return request


def link_duplicate(request, actor, *, original, note="", expected_version=None, now=None):
    """合并重复件: the request is closed as a duplicate of `original` (or of what it duplicates)."""
    return _move(
        request, "link_duplicate", actor, note=note, original=original, expected_version=expected_version, now=now
    )
