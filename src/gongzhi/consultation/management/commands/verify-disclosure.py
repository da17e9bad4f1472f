"""`gongzhi verify-disclosure [--node CODE]`: check every community's disclosure hash chain
and name the first broken entry. Exits with status 1 when any chain is broken, so it can
run from cron or CI."""
from django.core.management.base import BaseCommand, CommandError

from gongzhi.consultation import chain
from gongzhi.consultation.models import DisclosureEntry
from gongzhi.territory.models import Node


class Command(BaseCommand):
    help = "校验村务/居务公开栏的哈希链，指出第一条断开的条目"

    def add_arguments(self, parser):
        parser.add_argument("--node", help="只校验该社区/村（区划代码）")

    def handle(self, *args, node=None, **opts):
        if node:
            nodes = list(Node.objects.filter(code=node))
            if not nodes:
                raise CommandError(f"没有代码为 {node} 的社区或村")
        else:
            ids = DisclosureEntry.objects.values_list("node_id", flat=True).distinct()
            nodes = list(Node.objects.filter(pk__in=ids).order_by("code"))
        broken = 0
        for n in nodes:
            result = chain.verify(n)
            seq, digest = chain.head(n)
            line = f"{n.name}（{n.code}）：{result.text}"
            if result.ok:
                self.stdout.write(f"{line}；最新第 {seq} 条哈希 {digest[:16]}…")
            else:
                broken += 1
                self.stdout.write(self.style.ERROR(line))
        if not nodes:
            self.stdout.write("没有公开条目")
        if broken:
            raise CommandError(f"{broken} 个公开栏的哈希链断开")
