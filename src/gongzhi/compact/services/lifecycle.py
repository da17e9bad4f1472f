"""A community task's life after assignment (transitions.TASK): the community accepts it,
completes it with evidence (files within the size and type limits, counts, hours), and the
assigning department confirms it — accruing the money due — or sends it back."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import uploads

from .. import permissions as perms
from .. import transitions
from ..choices import FundingMode, TaskStatus
from ..models import EvidenceFile
from . import tasks as limits
from .common import require_text


def authorise(user, task, move):
    """Who may move a task: the table's permission on the community for its work and for
    review (and, for review, only the assigning department), on the town for rulings."""
    where = task.town if move.permission == transitions.RULE else task.community
    transitions.TASK.check(user, move, where)
    if move.permission == transitions.REVIEW and not perms.may_act_for_department(
        user, task.department, task.community.path, move.permission
    ):
        raise PermissionDenied(move.refusal())


def move(user, task, target, changes=None, *, reason="", expected_version=None):
    """Check the transition table and the actor, then write the new status with its audit."""
    authorise(user, task, transitions.check("task", task.status, target))
    return core.update(task, {"status": target, **(changes or {})}, reason=reason, expected_version=expected_version)


def accept(user, task, *, expected_version=None):
    """The community takes the task on."""
    return move(
        user,
        task,
        TaskStatus.ACCEPTED,
        {"accepted_at": timezone.now()},
        reason="接收任务",
        expected_version=expected_version,
    )


def _check_files(files):
    """Refuse the whole submission if any file is too big, of a refused type, or too many
    (the platform's upload rules, core.uploads, with this app's limits)."""
    uploads.check_files(
        files, max_files=limits.MAX_EVIDENCE_FILES, max_bytes=limits.MAX_EVIDENCE_BYTES, types=limits.EVIDENCE_TYPES
    )


def _store_files(user, task, files, stored):
    """Store the files, appending each to `stored` as soon as it is on disk, so the caller can
    remove them if anything later fails."""
    for f in files:
        uploads.attach(EvidenceFile(task=task), f, user, stored)


def complete(user, task, *, units_done=None, hours_spent=None, note="", files=(), expected_version=None):
    """The community reports the work done: counts, hours, a note and evidence files. On any
    error nothing is kept — no row and no stored file."""
    files = list(files)
    _check_files(files)
    agreement_item = task.agreement_item
    if agreement_item is not None and agreement_item.rate_mode == FundingMode.PER_UNIT and not units_done:
        raise ValidationError(
            {"units_done": _("按工作量计费的任务须填写完成工作量（%(unit)s）") % {"unit": agreement_item.unit}}
        )
    if units_done is not None and int(units_done) < 0:
        raise ValidationError({"units_done": _("完成工作量不能为负数")})
    stored = []
    try:
        with transaction.atomic():
            task = move(
                user,
                task,
                TaskStatus.DONE,
                {
                    "units_done": units_done,
                    "hours_spent": hours_spent,
                    "note": note,
                    "done_at": timezone.now(),
                },
                reason="提交完成情况",
                expected_version=expected_version,
            )
            _store_files(user, task, files, stored)
            if stored:
                core.record(
                    "update", task, after={"evidence": [r.original_name for r in stored]}, reason="上传佐证材料"
                )
    except Exception:
        uploads.discard(stored)
        raise
    return task


def amount_for(task) -> Decimal:
    """Money due for a confirmed task: the agreement rate per task, or per unit × units done.
    Off-list work (no agreement item) earns nothing from the agreement, only the funding the
    town's override attached to it (费随事转)."""
    ai = task.agreement_item
    if ai is None:
        return task.assignment.override_funding or Decimal("0.00")
    if ai.rate_mode == FundingMode.PER_UNIT:
        return (ai.rate * (task.units_done or 0)).quantize(Decimal("0.01"))
    return ai.rate


def confirm(user, task, *, expected_version=None):
    """The department confirms the work; the money due accrues."""
    return move(
        user,
        task,
        TaskStatus.CONFIRMED,
        {"confirmed_at": timezone.now(), "amount_due": amount_for(task)},
        reason="验收通过",
        expected_version=expected_version,
    )


def send_back(user, task, *, reason, expected_version=None):
    """The department sends the work back with its reason; the community redoes it."""
    reason = require_text(reason, "reason", _("退回须说明理由"))
    return move(
        user, task, TaskStatus.SENT_BACK, {"send_back_reason": reason}, reason=reason, expected_version=expected_version
    )
