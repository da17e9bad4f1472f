"""`gongzhi tick`: send the deadline reminders that are due, and remove import files past their
time (an upload a killed import left behind after a day, error workbooks after a week). Safe to
run from cron as often as you like (every 10 minutes is plenty): a reminder already sent is
never sent again."""

from django.core.management.base import BaseCommand

from gongzhi.cases import inbox
from gongzhi.core import audit
from gongzhi.registry import import_files


class Command(BaseCommand):
    help = "发送到期提醒（到期前一个工作日、超期），并删除过期的导入文件；可由 cron 定时运行，重复运行不会重复发送"

    def handle(self, *args, **opts):
        with audit.acting(source="cli"):
            sent = inbox.tick()
            sent.update(inbox.tick_case_types())
        self.stdout.write(f"即将到期提醒 {sent.pop('due_soon')} 条，超期提醒 {sent.pop('overdue')} 条")
        for name, count in sent.items():  # the case types' own reminders (inbox.on_tick)
            if count:
                self.stdout.write(f"{name} {count} 条")
        removed = import_files.remove_stale()
        if removed:
            self.stdout.write(f"已删除过期的导入文件 {removed} 个")
