"""The hash chain of the disclosure board: how an entry's hash is computed and how a
community's chain is verified. Publishing (services.disclosure) and verifying use the same
`entry_hash`, so they cannot drift apart.

hash = SHA-256 (hex) of the UTF-8 bytes of these parts, each written as "<length>:<text>" so
no choice of text can make two different entries encode alike: a format tag, the community
code, the sequence number, kind, title, body, period, publication time (UTC ISO 8601 with
microseconds), the decision id ("-" if none), the sequence number of the corrected entry
("-" if none), and the previous entry's hash. Anyone can recompute it from the public board.

A chain proves that no stored entry was changed, removed or reordered after a later entry
was published. Removing or re-hashing the newest entries leaves no trace in the chain itself:
`verify` therefore also compares the chain's end with the board's signed head, and the ledger
across boards (ledger.py) covers a board removed whole. The head (`head()`) is also printed on
each paper notice and reported to the town, the record outside the system.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import connections
from django.utils.translation import gettext as _

from . import ledger
from .models.disclosure import GENESIS, DisclosureEntry, DisclosureHead

FORMAT = "gongzhi-disclosure-v1"


UTC = dt.UTC


def timestamp(value: dt.datetime) -> str:
    """UTC, ISO 8601 with microseconds and a Z. Naive values are UTC already (that is how
    Django stores and, on SQLite, returns them with USE_TZ)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def entry_hash(node_code, seq, kind, title, body, period, published_at, decision_id, corrects_seq, prev_hash) -> str:
    seq = str(seq)
    ts = timestamp(published_at)
    decision = "-" if decision_id is None else str(decision_id)
    corrects = "-" if corrects_seq is None else str(corrects_seq)
    # Written out rather than joined from a generator: this line runs once per entry verified.
    payload = (
        f"{len(FORMAT)}:{FORMAT}{len(node_code)}:{node_code}{len(seq)}:{seq}{len(kind)}:{kind}"
        f"{len(title)}:{title}{len(body)}:{body}{len(period)}:{period}{len(ts)}:{ts}"
        f"{len(decision)}:{decision}{len(corrects)}:{corrects}{len(prev_hash)}:{prev_hash}"
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """The result of verifying one community's chain: how many entries were checked and, if
    it is broken, the first entry where it breaks and why."""

    node_code: str
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def text(self) -> str:
        if self.ok:
            return _("共 %(checked)s 条，哈希链完整") % {"checked": self.checked}
        if self.broken_id is None:  # nothing stored to name: the end of the board is missing
            return _("第 %(n)s 条起缺失：%(reason)s") % {"n": self.broken_seq, "reason": self.reason}
        return _("第 %(broken_seq)s 条（编号 %(broken_id)s）起断开：%(reason)s") % {
            "broken_seq": self.broken_seq,
            "broken_id": self.broken_id,
            "reason": self.reason,
        }


def _rows(node, using):
    """The chain's rows in order as plain tuples: plain SQL, because Django's per-value
    converters were half the time of verifying on SQLite (profiled)."""
    table = connections[using].ops.quote_name(DisclosureEntry._meta.db_table)
    sql = (
        f"SELECT e.id, e.seq, e.kind, e.title, e.body, e.period, e.published_at, e.decision_id, c.seq, e.prev_hash, "
        f"e.hash FROM {table} e LEFT JOIN {table} c ON c.id = e.corrects_id WHERE e.node_id = %s ORDER BY e.seq"
    )
    with connections[using].cursor() as cur:
        cur.execute(sql, [node.pk])
        while chunk := cur.fetchmany(5000):
            yield from chunk


def verify(node, using="default") -> ChainCheck:
    """Walk the community's entries in order and recompute every link; stop at the first
    break; then compare the end with the board's signed head, which shows the newest entries
    removed. 100,000 entries take well under two seconds."""
    expected_seq, prev, checked = 1, GENESIS, 0
    for pk, seq, kind, title, body, period, published_at, decision_id, corrects_seq, prev_hash, stored in _rows(
        node, using
    ):
        if seq != expected_seq:
            return ChainCheck(
                node.code,
                checked,
                seq,
                pk,
                _("序号应为 %(expected_seq)s，实为 %(seq)s（其间的条目被删除或插入）")
                % {"expected_seq": expected_seq, "seq": seq},
            )
        if prev_hash != prev:
            return ChainCheck(
                node.code, checked, seq, pk, _("记录的上一条哈希与上一条不符（上一条或本条被改动、替换）")
            )
        digest = entry_hash(
            node.code, seq, kind, title, body, period, published_at, decision_id, corrects_seq, prev_hash
        )
        if digest != stored:
            return ChainCheck(node.code, checked, seq, pk, _("内容与哈希不符（本条被改动）"))
        prev, expected_seq, checked = stored, expected_seq + 1, checked + 1
    return _against_head(node, checked, prev, using)


def _against_head(node, checked, prev, using) -> ChainCheck:
    """A sound chain must also end where the board's signed head says it ends."""
    signed = DisclosureHead.objects.using(using).filter(key=node.code).first()
    if signed is None:
        if checked:
            return ChainCheck(node.code, checked, checked, None, _("缺少本栏签名的栏头（被删除）"))
        return ChainCheck(node.code, 0)
    if not ledger.signed(signed):
        return ChainCheck(node.code, checked, checked, None, _("本栏栏头的签名不符（被改动，或签名密钥已更换）"))
    if signed.count > checked:
        return ChainCheck(
            node.code,
            checked,
            checked + 1,
            None,
            _("签名栏头记录共 %(n)s 条，现存 %(m)s 条：最新的 %(d)s 条被删除")
            % {"n": signed.count, "m": checked, "d": signed.count - checked},
        )
    if signed.count != checked or signed.hash != prev:
        return ChainCheck(
            node.code,
            checked,
            signed.count,
            None,
            _("签名栏头记录第 %(n)s 条的哈希为 %(h)s…，与现存最新条目不符")
            % {"n": signed.count, "h": signed.hash[:16]},
        )
    return ChainCheck(node.code, checked)


def head(node, using="default") -> tuple[int, str]:
    """(sequence number, hash) of the newest entry — the value to record outside the system."""
    row = DisclosureEntry.objects.using(using).filter(node=node).order_by("-seq").values_list("seq", "hash").first()
    return row if row else (0, GENESIS)


def check_all(using="default", node=None):
    """Every check as (ok, line) pairs: per board, boards removed whole, and the ledger (None if
    `node` names no community). `gongzhi verify-disclosure` prints them; the backup and restore
    commands run them on the copy (apps.ConsultationConfig.verify_copy)."""
    from gongzhi.territory.models import Node

    if node:
        nodes = list(Node.objects.using(using).filter(code=node))
        if not nodes:
            return None
    else:
        ids = DisclosureEntry.objects.using(using).values_list("node_id", flat=True).distinct()
        headed = DisclosureHead.objects.using(using).exclude(key=DisclosureHead.LEDGER).values_list("key", flat=True)
        nodes = list(Node.objects.using(using).filter(pk__in=ids) | Node.objects.using(using).filter(code__in=headed))
        nodes.sort(key=lambda n: n.code)
    results = []
    for n in nodes:
        result = verify(n, using)
        line = f"{n.name}（{n.code}）：{result.text}"
        if result.ok:
            seq, digest = head(n, using)
            line += _("；最新第 %(n)s 条哈希 %(h)s…") % {"n": seq, "h": digest[:16]}
        results.append((result.ok, line))
    if not node:
        for orphan in ledger.orphan_heads({n.code for n in nodes}, using):  # heads whose node is gone too
            results.append(
                (
                    False,
                    _("公开栏 %(code)s：签名栏头记录共 %(n)s 条，现已无此栏及任何条目（整栏被删除）")
                    % {"code": orphan.key, "n": orphan.count},
                )
            )
        check = ledger.verify_ledger(using)
        results.append((check.ok, check.text))
    return results
