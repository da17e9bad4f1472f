"""`gongzhi disclosure-reminders [--node CODE] [--all]`: which communities' disclosures are
overdue (村委法 Art. 30: affairs quarterly, finances monthly). Prints one line per overdue
kind (with --all, every kind); meant for a daily cron that mails the output."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.consultation import reminders
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("列出逾期未公开的村务、财务公开")

    def add_arguments(self, parser):
        parser.add_argument("--node", help=_("只看该社区/村（区划代码）"))
        parser.add_argument("--all", action="store_true", help=_("也列出未逾期的"))

    def handle(self, *args, node=None, all=False, **opts):
        nodes = Node.objects.filter(level=Level.COMMUNITY).order_by("code")
        if node:
            nodes = nodes.filter(code=node)
            if not nodes.exists():
                raise CommandError(_("没有代码为 %(node)s 的社区或村") % {"node": node})
        shown = 0
        nodes = list(nodes)
        due = reminders.due_many(nodes)
        for n in nodes:
            for item in due[n.pk]:
                if all or item.overdue:
                    shown += 1
                    self.stdout.write(f"{n.name}（{n.code}）{item.text}")
        if not shown:
            self.stdout.write(_("没有逾期的公开"))
