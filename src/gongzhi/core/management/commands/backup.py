"""`gongzhi backup PATH`: a checked copy of the whole database, taken while the site runs
(SQLite: one online-backup step in a snapshot; PostgreSQL: `pg_dump -Fc`), with its manifest
PATH.json. How and why: core/backup.py; restoring: `gongzhi restore`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.core import audit, backup
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("备份整个数据库到 PATH（运行中亦可），并校验副本：完整性、各表行数、公开栏哈希链")

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("备份文件路径（不得已存在）"))
        parser.add_argument("--database", default="default", help=_("数据库别名（默认 default）"))

    def handle(self, *args, path, database, **opts):
        try:
            report = backup.backup(path, using=database)
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        with audit.acting(source="cli", new_action=True):
            core.record(
                AuditAction.EXPORT,
                object_repr=_("数据库备份"),
                reason=_("备份到 %(p)s（%(t)s 张表，%(r)s 行）")
                % {"p": report.path, "t": len(report.counts), "r": report.rows},
            )
        for _ok, line in report.checks:
            self.stdout.write(line)
        if opts["verbosity"] > 1:
            for table, rows in report.counts.items():
                self.stdout.write(f"  {table}: {rows}")
        self.stdout.write(
            self.style.SUCCESS(
                _("已备份到 %(p)s：%(t)s 张表，共 %(r)s 行，用时 %(s).1f 秒；副本完整性、行数与公开栏哈希链均已校验")
                % {"p": report.path, "t": len(report.counts), "r": report.rows, "s": report.seconds}
            )
        )
