"""`gongzhi verify-disclosure [--node CODE] [--database ALIAS]`: check every community's
disclosure hash chain against its signed head, every board that has a head but no entries left,
and the ledger across all boards; name the first break. Exits with status 1 when anything is
broken, so it can run from cron or CI. `--resign` re-signs the heads after the signing key was
changed (docs/admin.md)."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.core.audit import acting

from gongzhi.consultation import chain, ledger, services
from gongzhi.consultation.models import DisclosureEntry, DisclosureHead
from gongzhi.territory.models import Node


def check_all(using="default", node=None):
    """Every check as (ok, line) pairs: per board, boards removed whole, and the ledger. The
    backup command runs the same on its copy."""
    if node:
        nodes = list(Node.objects.using(using).filter(code=node))
        if not nodes:
            raise CommandError(_("没有代码为 %(code)s 的社区或村") % {"code": node})
    else:
        ids = DisclosureEntry.objects.using(using).values_list("node_id", flat=True).distinct()
        headed = DisclosureHead.objects.using(using).exclude(key=DisclosureHead.LEDGER).values_list("key", flat=True)
        nodes = list(Node.objects.using(using).filter(pk__in=ids) | Node.objects.using(using).filter(code__in=headed))
        nodes.sort(key=lambda n: n.code)
    results = []
    for n in nodes:
        result = chain.verify(n, using)
        line = f"{n.name}（{n.code}）：{result.text}"
        if result.ok:
            seq, digest = chain.head(n, using)
            line += _("；最新第 %(n)s 条哈希 %(h)s…") % {"n": seq, "h": digest[:16]}
        results.append((result.ok, line))
    if not node:
        present = {n.code for n in nodes if DisclosureEntry.objects.using(using).filter(node=n).exists()}
        known = {n.code for n in nodes}
        for head in ledger.orphan_heads(present | known, using):
            results.append((False, _("公开栏 %(code)s：签名栏头记录共 %(n)s 条，现已无此栏及任何条目（整栏被删除）")
                            % {"code": head.key, "n": head.count}))
        check = ledger.verify_ledger(using)
        results.append((check.ok, check.text))
    return results


class Command(BaseCommand):
    help = "校验村务/居务公开栏的哈希链、签名栏头和跨栏账本，指出第一条断开的条目"

    def add_arguments(self, parser):
        parser.add_argument("--node", help="只校验该社区/村（区划代码）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")
        parser.add_argument("--resign", action="store_true",
                            help="按现存条目重新签署全部栏头（仅在更换签名密钥、且此前校验完整之后使用）")

    def handle(self, *args, node=None, database="default", resign=False, **opts):
        if resign:
            with acting(user=None, source="cli"):
                written = services.resign_heads(reason=_("更换签名密钥后重新签署"), using=database)
            self.stdout.write(_("已按现存条目重新签署 %(n)s 个栏头") % {"n": written})
        results = check_all(database, node)
        broken = 0
        for ok, line in results:
            if ok:
                self.stdout.write(line)
            else:
                broken += 1
                self.stdout.write(self.style.ERROR(line))
        if not DisclosureEntry.objects.using(database).exists() and all(ok for ok, _line in results):
            self.stdout.write(_("没有公开条目"))
        if broken:
            raise CommandError(_("%(n)s 处公开记录断开（公开栏哈希链、签名栏头或跨栏账本）") % {"n": broken})
