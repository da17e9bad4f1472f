"""Publishing on the disclosure board. Entries are only ever appended: there is no update or
delete; a correction is a new entry pointing to the one it corrects."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.territory.choices import Level

from .. import chain, ledger
from ..choices import DisclosureKind
from ..models import DisclosureEntry, DisclosureHead, DisclosureInterval
from ..models.disclosure import GENESIS


def _trusted_head(key, entries):
    """The signed head `key` (a board's code or the ledger), locked until the transaction ends.
    Links continue from the head, not from the newest stored row, so entries removed from the end
    stay visible as a gap after the next publication instead of being papered over. A head that
    is missing while entries exist, or whose signature fails, stops publishing."""
    head = DisclosureHead.objects.select_for_update().filter(key=key).first()
    if head is None:
        if entries.exists():
            raise ValidationError(_("公开栏的签名栏头缺失，请管理员运行 gongzhi verify-disclosure 核查"))
        return 0, 0, GENESIS
    if not ledger.signed(head):
        raise ValidationError(_("公开栏栏头的签名不符，请管理员运行 gongzhi verify-disclosure 核查"))
    return head.count, head.gseq, head.hash


def _publication_time(published_at):
    """The board's clock: now, or — only when history is loaded (demo, import) — the given
    time. A publication time typed through any other channel is refused, so nothing on the
    board (a meeting notice above all) can be backdated; no time may lie in the future."""
    from .meetings import HISTORY_SOURCES, SLACK

    now = timezone.now()
    if published_at is None:
        return now
    if published_at > now + SLACK:
        raise ValidationError({"published_at": _("公开时间不能晚于现在")})
    if published_at < now - SLACK and audit.current().source not in HISTORY_SOURCES:
        raise ValidationError({"published_at": _("公开时间由系统记录，不能倒填")})
    return published_at


def publish(
    *, node, kind, title, body, period="", decision=None, corrects=None, matter=None, published_at=None, reason=""
) -> DisclosureEntry:
    """Append an entry to the community's board, linked to the entry before it. The time is the
    system's (see `_publication_time`)."""
    if node.level != Level.COMMUNITY:
        raise ValidationError({"node": _("公开栏属于社区或村")})
    if corrects is not None:
        if corrects.node_id != node.pk:
            raise ValidationError({"corrects": _("只能更正本社区/村公开栏的条目")})
        kind = DisclosureKind.CORRECTION
    if decision is not None and decision.node_id != node.pk:
        raise ValidationError({"decision": _("决议不属于本社区/村")})
    published_at = _publication_time(published_at)
    with transaction.atomic():
        # The ledger's head first: every publisher of every board queues on that one row (SQLite
        # already serialises writers), so the ledger has a single order. Publications are rare.
        total, _last, ledger_prev = _trusted_head(DisclosureHead.LEDGER, DisclosureEntry.objects.all())
        count, _gseq, prev = _trusted_head(node.code, DisclosureEntry.objects.filter(node=node))
        seq, gseq = count + 1, total + 1
        digest = chain.entry_hash(
            node.code,
            seq,
            kind,
            title,
            body,
            period,
            published_at,
            decision.pk if decision else None,
            corrects.seq if corrects else None,
            prev,
        )
        link = ledger.link_hash(gseq, node.code, seq, digest, ledger_prev)
        entry = core.create(
            DisclosureEntry,
            node=node,
            seq=seq,
            kind=kind,
            title=title,
            body=body,
            period=period,
            published_at=published_at,
            decision=decision,
            corrects=corrects,
            matter=matter,
            prev_hash=prev,
            hash=digest,
            gseq=gseq,
            ledger_prev=ledger_prev,
            ledger_hash=link,
            reason=reason,
        )
        ledger.put_head(node.code, seq, gseq, digest)
        ledger.put_head(DisclosureHead.LEDGER, gseq, gseq, link)
        return entry


def resign_heads(*, reason, using="default") -> int:
    """Re-sign every board's head and the ledger's from the entries as they stand (after the
    signing key changed); one audit entry with how many heads and the ledger's count."""
    with transaction.atomic(using=using):
        written = ledger.resign(using)
        count, digest = ledger.ledger_head(using)
        core.record(
            "update",
            model=DisclosureHead,
            object_repr=_("公开栏签名栏头"),
            object_id="*",
            after={"heads": written, "ledger_count": count, "ledger_hash": digest},
            reason=reason,
        )
    return written


def publish_decision(decision, *, reason="") -> DisclosureEntry:
    """决议公开: put a decision, with its vote arithmetic and date, on its community's board."""
    body = (
        f"{decision.body.name} {decision.decided_on:%Y年%m月%d日} 会议：{decision.text}\n"
        f"表决结果：{decision.get_outcome_display()}（{decision.result_text}）"
    )
    return publish(
        node=decision.node,
        kind=DisclosureKind.DECISION,
        title=f"决议公开：{decision.text[:80]}",
        body=body,
        decision=decision,
        reason=reason,
    )


def correct(entry, *, title=None, body, reason) -> DisclosureEntry:
    """Publish a correction of `entry`; the original stays on the board, marked as corrected."""
    if not reason:
        raise ValidationError({"reason": _("更正须说明原因")})
    return publish(
        node=entry.node,
        kind=DisclosureKind.CORRECTION,
        title=title or f"更正：{entry.title}"[:200],
        body=body,
        corrects=entry,
        reason=reason,
    )


def publish_result(matter, *, body, reason="") -> DisclosureEntry:
    """实施结果公开: publish how a matter was carried out (progress or the final result). The
    entry names the matter, so it (and, once every task is done, only it) can complete a
    procedure's result-disclosure step; the tasks and their state are listed under `body`."""
    from ..choices import MatterStatus, TaskStatus

    if matter.status not in (MatterStatus.CARRYING_OUT, MatterStatus.DONE):
        raise ValidationError(_("议题尚未实施，不能公开实施结果"))
    tasks = "\n".join(
        f"· {t.title}（{t.owner_name}）：{'已完成' if t.status == TaskStatus.DONE else f'进度 {t.progress}%'}"
        for t in matter.tasks.order_by("id")
    )
    return publish(
        node=matter.node,
        kind=DisclosureKind.RESULT,
        title=f"实施结果公开：{matter.title}"[:200],
        body=body + (f"\n实施任务：\n{tasks}" if tasks else ""),
        matter=matter,
        reason=reason,
    )


def set_interval(*, kind, months, node=None, basis="", reason="") -> DisclosureInterval:
    """Set how many months may pass between two disclosures of `kind`: the global default
    (`node` None), or for a town or a community and what lies below it. Creates the row or
    changes the existing one; audited either way."""
    if node is not None and node.level > Level.COMMUNITY:
        raise ValidationError({"node": _("提醒间隔按街道/乡镇或社区/村设置")})
    with transaction.atomic():
        row = DisclosureInterval.objects.select_for_update().filter(node=node, kind=kind).first()
        if row is None:
            return core.create(DisclosureInterval, node=node, kind=kind, months=months, basis=basis, reason=reason)
        return core.update(row, {"months": months, "basis": basis or row.basis}, reason=reason)
