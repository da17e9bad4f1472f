"""Totals of a vote counted outside the system: a show of hands (举手表决, open motions only) or
paper ballots counted at the meeting (纸质选票), entered by the clerk from the signed tally sheet,
whose scan is attached.

The totals are checked against the room: ayes + nays + abstentions may not exceed the number
signed in (those present); a vote already begun in the system cannot also be counted on paper,
so no ballot is counted twice. Entering the sheet closes the motion and counts it under its
rule exactly as `close_motion` does for ballots cast in the system.

Secrecy: for a secret (无记名) motion only the totals are stored — the paper ballots stay on
paper, and the clerk cannot record anyone's ballot for them (views/motions.py refuses it): a
voter marks a secret ballot themselves, on paper or in their own name in the system."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit, uploads
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from .. import rules
from ..choices import MotionStatus, TallyMethod, Vote
from ..models import BallotCast, Motion, TallySheet
from .voting import close_motion


def _count(value, label) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValidationError({label: _("请填写人数")}) from None
    if n < 0:
        raise ValidationError({label: _("人数不能为负数")})
    return n


def record_tally(motion, *, method, ayes, nays, abstentions, scan, reason="") -> tuple[TallySheet, rules.TallyResult]:
    """Enter the totals of an open motion counted by show of hands or from paper ballots, with
    the scan of the tally sheet; the motion is closed and counted. Refused, with nothing stored,
    when the motion is not open, a show of hands is asked for a secret motion, ballots were
    already cast in the system, or the totals exceed those present."""
    method = TallyMethod(method) if method in TallyMethod.values else None
    if method is None:
        raise ValidationError({"method": _("请选择计票方式")})
    counts = {
        Vote.FOR: _count(ayes, "ayes"),
        Vote.AGAINST: _count(nays, "nays"),
        Vote.ABSTAIN: _count(abstentions, "abstentions"),
    }
    uploads.check_files([scan] if scan else [], field="scan", max_files=1, types=uploads.SCAN_TYPES)
    if not scan:
        raise ValidationError({"scan": _("请上传计票单的扫描件或照片")})
    user = audit.current().user
    stored = []
    try:
        with transaction.atomic():
            motion = Motion.objects.select_for_update(of=("self",)).select_related("meeting__node").get(pk=motion.pk)
            if motion.status != MotionStatus.OPEN:
                raise ValidationError(_("只有表决中的事项可以录入计票结果"))
            if motion.secret and method == TallyMethod.SHOW_OF_HANDS:
                raise ValidationError({"method": _("无记名投票不能以举手方式表决，请录入纸质选票的计票结果")})
            cast = BallotCast.objects.filter(motion=motion).count()
            if cast:
                raise ValidationError(
                    _("已有 %(n)s 人在系统中投票，不能再录入举手或纸质计票结果；请结束表决按系统计票") % {"n": cast}
                )
            present = motion.meeting.attendance.count()
            total = sum(counts.values())
            if total > present:
                raise ValidationError(
                    _("赞成 %(a)s + 反对 %(b)s + 弃权 %(c)s = %(t)s，超过实到人数 %(p)s，请核对计票单")
                    % {
                        "a": counts[Vote.FOR],
                        "b": counts[Vote.AGAINST],
                        "c": counts[Vote.ABSTAIN],
                        "t": total,
                        "p": present,
                    }
                )
            sheet = TallySheet(
                motion=motion,
                method=method,
                present=present,
                ayes=counts[Vote.FOR],
                nays=counts[Vote.AGAINST],
                abstentions=counts[Vote.ABSTAIN],
            )
            uploads.attach(sheet, scan, user, stored, by_field="entered_by")
            core.record(
                AuditAction.CREATE,
                sheet,
                after={
                    "motion": motion.pk,
                    "method": method.value,
                    "present": present,
                    "ayes": sheet.ayes,
                    "nays": sheet.nays,
                    "abstentions": sheet.abstentions,
                    "scan": sheet.original_name,
                },
                reason=reason,
                node_path=motion.meeting.node.path,
            )
            result = close_motion(motion, counts=counts, reason=reason)
            return sheet, result
    except Exception:
        uploads.discard(stored)
        raise
