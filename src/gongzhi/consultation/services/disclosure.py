"""Publishing on the disclosure board. Entries are only ever appended: there is no update or
delete; a correction is a new entry pointing to the one it corrects."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gongzhi.core import services as core

from .. import chain
from ..choices import DisclosureKind
from ..models import DisclosureEntry, DisclosureInterval
from ..models.disclosure import GENESIS


def publish(*, node, kind, title, body, period="", decision=None, corrects=None, published_at=None,
            reason="") -> DisclosureEntry:
    """Append an entry to the community's board, linked to the entry before it."""
    if node.level != 3:
        raise ValidationError({"node": "公开栏属于社区或村"})
    if corrects is not None:
        if corrects.node_id != node.pk:
            raise ValidationError({"corrects": "只能更正本社区/村公开栏的条目"})
        kind = DisclosureKind.CORRECTION
    if decision is not None and decision.node_id != node.pk:
        raise ValidationError({"decision": "决议不属于本社区/村"})
    published_at = published_at or timezone.now()
    with transaction.atomic():
        # Lock the head so two publishers queue (SQLite already serialises writers).
        last = (DisclosureEntry.objects.select_for_update().filter(node=node).order_by("-seq")
                .values_list("seq", "hash").first())
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        digest = chain.entry_hash(node.code, seq, kind, title, body, period, published_at,
                                  decision.pk if decision else None, corrects.seq if corrects else None, prev)
        return core.create(DisclosureEntry, node=node, seq=seq, kind=kind, title=title, body=body, period=period,
                           published_at=published_at, decision=decision, corrects=corrects, prev_hash=prev,
                           hash=digest, reason=reason)


def publish_decision(decision, *, reason="") -> DisclosureEntry:
    """决议公开: put a decision, with its vote arithmetic and date, on its community's board."""
    body = (f"{decision.body.name} {decision.decided_on:%Y年%m月%d日} 会议：{decision.text}\n"
            f"表决结果：{decision.get_outcome_display()}（{decision.result_text}）")
    return publish(node=decision.node, kind=DisclosureKind.DECISION, title=f"决议公开：{decision.text[:80]}", body=body,
                   decision=decision, reason=reason)


def correct(entry, *, title=None, body, reason) -> DisclosureEntry:
    """Publish a correction of `entry`; the original stays on the board, marked as corrected."""
    if not reason:
        raise ValidationError({"reason": "更正须说明原因"})
    return publish(node=entry.node, kind=DisclosureKind.CORRECTION, title=title or f"更正：{entry.title}"[:200],
                   body=body, corrects=entry, reason=reason)


def publish_result(matter, *, body, reason="") -> DisclosureEntry:
    """实施结果公开: publish how a matter was carried out (progress or the final result)."""
    from ..choices import MatterStatus

    if matter.status not in (MatterStatus.CARRYING_OUT, MatterStatus.DONE):
        raise ValidationError("议题尚未实施，不能公开实施结果")
    return publish(node=matter.node, kind=DisclosureKind.RESULT, title=f"实施结果公开：{matter.title}"[:200], body=body,
                   reason=reason)


def set_interval(*, kind, months, node=None, basis="", reason="") -> DisclosureInterval:
    """Set how many months may pass between two disclosures of `kind`: the global default
    (`node` None), or for a town or a community and what lies below it. Creates the row or
    changes the existing one; audited either way."""
    if node is not None and node.level > 3:
        raise ValidationError({"node": "提醒间隔按街道/乡镇或社区/村设置"})
    with transaction.atomic():
        row = DisclosureInterval.objects.select_for_update().filter(node=node, kind=kind).first()
        if row is None:
            return core.create(DisclosureInterval, node=node, kind=kind, months=months, basis=basis, reason=reason)
        return core.update(row, {"months": months, "basis": basis or row.basis}, reason=reason)
