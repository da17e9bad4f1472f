"""`gongzhi verify-disclosure [--node CODE] [--database ALIAS]`: check every community's
disclosure hash chain against its signed head, every board that has a head but no entries left,
and the ledger across all boards; name the first break. Exits with status 1 when anything is
broken, so it can run from cron or CI. `--resign` re-signs the heads after the signing key was
changed (docs/admin.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.consultation import chain, services
from gongzhi.consultation.models import DisclosureEntry
from gongzhi.core.audit import acting


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("校验村务/居务公开栏的哈希链、签名栏头和跨栏账本，指出第一条断开的条目")

    def add_arguments(self, parser):
        parser.add_argument("--node", help=_("只校验该社区/村（区划代码）"))
        parser.add_argument("--database", default="default", help=_("数据库别名（默认 default）"))
        parser.add_argument(
            "--resign",
            action="store_true",
            help=_("按现存条目重新签署全部栏头（仅在更换签名密钥、且此前校验完整之后使用）"),
        )

    def handle(self, *args, node=None, database="default", resign=False, **opts):
        if resign:
            with acting(user=None, source="cli", new_action=True):
                written = services.resign_heads(reason=_("更换签名密钥后重新签署"), using=database)
            self.stdout.write(_("已按现存条目重新签署 %(n)s 个栏头") % {"n": written})
        results = chain.check_all(database, node)
        if results is None:
            raise CommandError(_("没有代码为 %(code)s 的社区或村") % {"code": node})
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
