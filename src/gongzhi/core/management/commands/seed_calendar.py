"""`gongzhi seed_calendar [--from 2004] [--to 2026]`: load the official holiday arrangements
from the installed `chinesecalendar` package. Idempotent; never overwrites a manual row."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core import audit
from gongzhi.core.calendar_seed import package_years, seed_year


class Command(BaseCommand):
    help = "从 chinesecalendar 导入法定节假日和调休安排（可重复运行，不覆盖手工维护的记录）"

    def add_arguments(self, parser):
        first, last = package_years()
        parser.add_argument("--from", dest="first", type=int, default=first, help=f"起始年份（默认 {first}）")
        parser.add_argument(
            "--to", dest="last", type=int, default=last, help=f"截止年份（默认 {last}，即已安装版本支持的最后一年）"
        )

    def handle(self, *args, first, last, **opts):
        lo, hi = package_years()
        if first > last:
            raise CommandError(f"起始年份 {first} 晚于截止年份 {last}")
        if first < lo or last > hi:
            raise CommandError(
                f"已安装的 chinesecalendar 只包含 {lo}–{hi} 年；{hi + 1} 年及以后请在后台“节假日与调休”中手工录入，"
                "或升级 chinesecalendar 后重新运行本命令"
            )
        changed = 0
        with audit.acting(source="cli", new_action=True):
            for year in range(first, last + 1):
                r = seed_year(year)
                changed += r.changed
                if r.changed or opts["verbosity"] > 1:
                    self.stdout.write(
                        f"{year} 年：新增 {r.added}，更新 {r.updated}，删除 {r.removed}，保留手工记录 {r.kept_manual}"
                    )
        self.stdout.write(f"工作日历 {first}–{last} 年已导入；有变化的年份 {changed} 个")
