"""Archiving disputes (归档): a dispute closed (结案, or ended by a party's refusal) more than the
retention period ago is archived by `gongzhi tick` (`archive_due`); committee staff may archive
a finished dispute at any time (`archive`). An archived dispute is read-only (guard.py): its
case file (卷宗) stays readable and printable.

The retention period is settings.GONGZHI_MEDIATION_ARCHIVE_DAYS (default 180 days): long enough
for the last return visit and any question about the file, short enough that the working lists
hold only live cases."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases.workflow import check_status, transition, write_journal
from gongzhi.core import services as core

from .choices import FINISHED
from .guard import writable
from .models import Dispute
from .transitions import WORKFLOW

DEFAULT_ARCHIVE_DAYS = 180


def archive_days() -> int:
    """Days after closing before a dispute is archived by the tick."""
    return int(getattr(settings, "GONGZHI_MEDIATION_ARCHIVE_DAYS", DEFAULT_ARCHIVE_DAYS))


@writable
def archive(actor, dispute, *, note="", expected_version=None, now=None) -> Dispute:
    """归档 by committee staff (the table's ASSIGN permission at the dispute's place): a closed or
    terminated dispute becomes read-only."""
    return transition(dispute, "archive", actor, note=note, expected_version=expected_version, now=now)


def _archive_as_system(pk, now, note) -> bool:
    """The tick's move: the same table row (its status check and handler), journalled as the
    system, since no person acts. False when the dispute is no longer finished."""
    act = WORKFLOW.action("archive")
    with transaction.atomic():
        d = Dispute.objects.select_for_update().filter(pk=pk, status__in=FINISHED).first()
        if d is None:
            return False
        from_status = d.status
        check_status(WORKFLOW, act, from_status)
        changes = act.handler(d, None, now=now, note=note)
        journal_note = changes.pop("_note")
        changes["status"] = act.target
        core.update(d, changes, reason=f"{act.label}：{journal_note}", at=now)
        write_journal(
            d,
            None,
            action=act.name,
            label=act.label,
            from_status=from_status,
            to_status=d.status,
            note=journal_note,
            at=now,
        )
    return True


def due(now=None):
    """The finished disputes whose retention period has passed at `now`."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=archive_days())
    return Dispute.objects.filter(status__in=FINISHED, closed_at__lt=cutoff)


def archive_due(now=None) -> int:
    """Archive every dispute closed more than the retention period before `now` (run by
    `gongzhi tick`; running it again archives nothing more). Returns how many."""
    now = now or timezone.now()
    days = archive_days()
    note = _("结案已满 %(n)s 日，自动归档：卷宗只读，可查阅和打印。") % {"n": days}
    return sum(_archive_as_system(pk, now, note) for pk in list(due(now).values_list("pk", flat=True)))
