"""The ledger across all disclosure boards and the signed heads: what lets a check see that
the newest entries of a board, or a whole board, were removed — which a board's own chain
cannot (chain.py).

Every published entry takes the next place `gseq` in one ledger of all boards and records the
ledger's head before it (`ledger_prev`, the newest entry of any board: the cross-board anchor),
and `ledger_hash` = SHA-256 of, each written "<length>:<text>": a format tag, gseq, the board's
code, the entry's seq, the entry's hash and ledger_prev. Removing any entry but the very newest
leaves a gap in gseq, or a ledger_prev that names nothing. The newest ones are covered by the
heads (`DisclosureHead`): per board and for the whole ledger, the count and the newest hash,
signed with HMAC-SHA256. The signing key is `GONGZHI_DISCLOSURE_KEY` if set, else derived from
`SECRET_KEY`; it lives in the server's environment, not in the database, so someone who can
only write the database cannot make a head agree with a shortened board. What a signature
cannot show is a head swapped back for an older genuine one together with the entries after
it: the printed notices (each carries the board's and the ledger's head at printing) and the
head reported to the town are the outside record for that.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .models import DisclosureEntry, DisclosureHead
from .models.disclosure import GENESIS

FORMAT = "gongzhi-ledger-v1"
SALT = "gongzhi.consultation.disclosure-head"


def link_hash(gseq, node_code, seq, entry_hash, prev) -> str:
    parts = (FORMAT, str(gseq), node_code, str(seq), entry_hash, prev)
    return hashlib.sha256("".join(f"{len(p)}:{p}" for p in parts).encode()).hexdigest()


def _secret():
    return getattr(settings, "GONGZHI_DISCLOSURE_KEY", "") or settings.SECRET_KEY


def sign(key, count, gseq, digest) -> str:
    """HMAC of a head's values with the key kept outside the database."""
    return salted_hmac(SALT, f"{key}|{count}|{gseq}|{digest}", secret=_secret(), algorithm="sha256").hexdigest()


def signed(head: DisclosureHead) -> bool:
    return constant_time_compare(head.mac, sign(head.key, head.count, head.gseq, head.hash))


def put_head(key, count, gseq, digest, using="default"):
    """Write (or create) a signed head. Heads are bookkeeping derived from the entries, written
    in the publishing transaction; the audit entry is the entry's own."""
    values = {
        "count": count,
        "gseq": gseq,
        "hash": digest,
        "mac": sign(key, count, gseq, digest),
        "updated_at": timezone.now(),
    }
    DisclosureHead.objects.using(using).update_or_create(key=key, defaults=values)


@dataclass(frozen=True)
class LedgerCheck:
    """The result of walking the ledger across all boards."""

    checked: int
    count: int = 0
    digest: str = GENESIS
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def text(self) -> str:
        if self.ok:
            return _("全部公开栏共 %(n)s 条，账本完整，与签名栏头相符") % {"n": self.checked}
        return _("账本断开：%(reason)s") % {"reason": self.reason}


def _ledger_rows(using):
    entry = connections[using].ops.quote_name(DisclosureEntry._meta.db_table)
    node = connections[using].ops.quote_name(DisclosureEntry._meta.get_field("node").related_model._meta.db_table)
    sql = (
        f"SELECT e.gseq, n.code, e.seq, e.hash, e.ledger_prev, e.ledger_hash FROM {entry} e "
        f"LEFT JOIN {node} n ON n.id = e.node_id ORDER BY e.gseq"
    )
    with connections[using].cursor() as cur:
        cur.execute(sql)
        while chunk := cur.fetchmany(5000):
            yield from chunk


def verify_ledger(using="default") -> LedgerCheck:
    """Walk every entry of every board in ledger order, recompute each link and compare the end
    with the signed ledger head."""
    expected, prev = 1, GENESIS
    for gseq, code, seq, digest, ledger_prev, stored in _ledger_rows(using):
        if gseq != expected:
            return LedgerCheck(
                expected - 1,
                reason=_(
                    "账本第 %(g)s 条缺失（下一条为第 %(next)s 条，即 %(code)s 第 %(seq)s 条）：条目或整个公开栏被删除"
                )
                % {"g": expected, "next": gseq, "code": code or "?", "seq": seq},
            )
        if ledger_prev != prev or link_hash(gseq, code or "", seq, digest, ledger_prev) != stored:
            return LedgerCheck(
                expected - 1,
                reason=_("账本第 %(g)s 条（%(code)s 第 %(seq)s 条）与前一条不相连，或其哈希被改动")
                % {"g": gseq, "code": code or "?", "seq": seq},
            )
        prev, expected = stored, expected + 1
    checked = expected - 1
    head = DisclosureHead.objects.using(using).filter(key=DisclosureHead.LEDGER).first()
    if head is None:
        if checked:
            return LedgerCheck(checked, reason=_("缺少签名的账本栏头（被删除）"))
        return LedgerCheck(0)
    if not signed(head):
        return LedgerCheck(checked, reason=_("账本栏头的签名不符（被改动，或签名密钥已更换）"))
    if head.count != checked or head.hash != prev:
        if head.count > checked:
            return LedgerCheck(
                checked,
                head.count,
                head.hash,
                _("签名栏头记录共 %(n)s 条，现存 %(m)s 条：最新的 %(d)s 条被删除")
                % {"n": head.count, "m": checked, "d": head.count - checked},
            )
        return LedgerCheck(
            checked,
            head.count,
            head.hash,
            _("签名栏头记录共 %(n)s 条，与现存的 %(m)s 条不符") % {"n": head.count, "m": checked},
        )
    return LedgerCheck(checked, head.count, head.hash)


def orphan_heads(present_codes, using="default"):
    """Heads of boards that once had entries and now have none: a board removed whole."""
    return list(
        DisclosureHead.objects.using(using)
        .exclude(key=DisclosureHead.LEDGER)
        .exclude(key__in=list(present_codes))
        .filter(count__gt=0)
    )


def ledger_head(using="default") -> tuple[int, str]:
    """(count, hash) of the ledger across all boards — printed on every notice."""
    head = DisclosureHead.objects.using(using).filter(key=DisclosureHead.LEDGER).values_list("count", "hash").first()
    return head or (0, GENESIS)


def resign(using="default") -> int:
    """Re-sign every head from the entries as they stand, e.g. after the signing key changed.
    Only call it after `gongzhi verify-disclosure` found every chain and the ledger sound apart
    from the signatures: it makes the stored state the trusted one. Returns the heads written."""
    written = 0
    last = {}
    for gseq, code, seq, digest, _prev, stored in _ledger_rows(using):
        last[code] = (seq, gseq, digest)
        ledger = (gseq, stored)
        written = gseq
    for code, (seq, gseq, digest) in last.items():
        put_head(code, seq, gseq, digest, using)
    count, digest = ledger if written else (0, GENESIS)
    put_head(DisclosureHead.LEDGER, count, count, digest, using)
    return len(last) + 1
