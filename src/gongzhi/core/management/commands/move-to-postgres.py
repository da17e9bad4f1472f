"""`gongzhi move-to-postgres --from FILE --to postgres://…`: move a site from its SQLite file into
a new, empty PostgreSQL database — migrated, every table copied, counts checked, all or nothing.
How and why: core/move_postgres.py, docs/decisions/0031-move-to-postgres.md."""

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from gongzhi.core import move_postgres


class Command(BaseCommand):
    # The checks would open the configured database, which may be the very file being moved.
    requires_system_checks = []

    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("把 SQLite 数据库文件整体迁入新建的空 PostgreSQL 数据库：建表、复制各表、核对行数，全部成功或全部撤销")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help=_("SQLite 数据库文件"))
        parser.add_argument(
            "--to", dest="target", required=True, help=_("目标 PostgreSQL 地址 postgres://…（须为空库）")
        )

    def handle(self, *args, source, target, **opts):
        settings = dj_database_url.parse(target)
        if settings.get("ENGINE") != "django.db.backends.postgresql":
            raise CommandError(_("目标必须是 PostgreSQL 数据库（postgres://…）"))
        # The target becomes this process's default database, so everything the migrations and
        # their post_migrate handlers write goes there, whatever DATABASE_URL says.
        connections["default"].close()
        connections.settings["default"] = connections.configure_settings({"default": settings})["default"]
        del connections["default"]
        try:
            report = move_postgres.move(source, "default", stdout=self.stdout.write if opts["verbosity"] > 1 else None)
        except move_postgres.MoveError as e:
            raise CommandError(str(e)) from None
        if report.skipped and opts["verbosity"] > 1:
            self.stdout.write(
                _("未复制（派生的搜索索引或缓存，目标不需要或自行重建）：%(t)s") % {"t": "、".join(report.skipped)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已从 %(p)s 迁入：%(t)s 张表，共 %(r)s 行，用时 %(s).1f 秒（其中建表 %(m).1f 秒）；各表行数与源数据库一致"
                )
                % {
                    "p": report.source,
                    "t": len(report.counts),
                    "r": report.rows,
                    "s": report.seconds,
                    "m": report.migrate_seconds,
                }
            )
        )
