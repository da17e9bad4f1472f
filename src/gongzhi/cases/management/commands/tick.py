"""`gongzhi tick`: send the deadline reminders that are due, remove import files past their
time (an upload a killed import left behind after a day, error workbooks after a week), and run
the periodic work apps declare in their manifests (`tick`, e.g. care's monthly visit plans).
Safe to run from cron as often as you like (every 10 minutes is plenty): a reminder already sent
is never sent again, and every hook is idempotent."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import inbox
from gongzhi.core import audit, manifest
from gongzhi.registry import import_files


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _(
            "发送到期提醒（到期前一个工作日、超期），并删除过期的导入文件；可由 cron 定时运行，重复运行不会重复发送"
        )

    def handle(self, *args, **opts):
        with audit.acting(source="cli", new_action=True):
            sent = inbox.tick()
        self.stdout.write(
            _("即将到期提醒 %(due_soon)s 条，超期提醒 %(overdue)s 条")
            % {"due_soon": sent["due_soon"], "overdue": sent["overdue"]}
        )
        removed = import_files.remove_stale()
        if removed:
            self.stdout.write(_("已删除过期的导入文件 %(removed)s 个") % {"removed": removed})
        now = timezone.now()
        for _label, hook in manifest.tick_hooks():
            # One action and one transaction per app: a hook that fails leaves nothing half-done.
            with audit.acting(source="cli", new_action=True), transaction.atomic():
                hook(now, self.stdout.write)
