"""`gongzhi restore PATH`: restore a `gongzhi backup` into an empty database (a new SQLite
file, or a newly created PostgreSQL database) and say what was restored. A database that has
any table is refused, so a restore can never overwrite live data. How: core/backup.py."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.core import audit, backup
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("把 gongzhi backup 的备份恢复到空数据库，并报告恢复的表和行数")

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("备份文件路径"))
        parser.add_argument("--database", default="default", help=_("数据库别名（默认 default）"))

    def handle(self, *args, path, database, **opts):
        try:
            report = backup.restore(path, using=database)
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        for _ok, line in report.checks:
            self.stdout.write(line)
        for table, rows in report.counts.items():
            if rows or opts["verbosity"] > 1:
                self.stdout.write(f"  {table}: {rows}")
        # Logged in the restored database, after its counts were compared with the manifest.
        with audit.acting(source="cli", new_action=True):
            core.record(
                AuditAction.IMPORT,
                object_repr=_("数据库恢复"),
                reason=_("从 %(p)s 恢复（%(t)s 张表，%(r)s 行）")
                % {"p": report.path, "t": len(report.counts), "r": report.rows},
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("已从 %(p)s 恢复：%(t)s 张表，共 %(r)s 行，用时 %(s).1f 秒；行数与备份清单一致，公开栏哈希链完整")
                % {"p": report.path, "t": len(report.counts), "r": report.rows, "s": report.seconds}
            )
        )
