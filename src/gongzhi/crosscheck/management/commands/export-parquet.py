from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from ...export import export_registry
from ...snapshot import SnapshotError, province_key


class Command(BaseCommand):
    """`gongzhi export-parquet DIR`: the registry as a pseudonymous Parquet snapshot for the
    province's cross-checks (crosscheck/snapshot.py), with its manifest; one audit entry."""

    @property
    def help(self):
        return _("把居民登记导出为去标识的 Parquet 快照（身份证号以全省密钥加密散列），供跨镇比对")

    def add_arguments(self, parser):
        parser.add_argument("directory", help=_("快照目录（新建；不得已有快照）"))
        parser.add_argument("--source", default="", help=_("快照来源的名称，如某街道"))

    def handle(self, *args, directory, source, **opts):
        try:
            key = province_key()
            manifest = export_registry(directory, key, source)
        except SnapshotError as e:
            raise CommandError(str(e)) from None
        rows = manifest["files"]["residents.parquet"]["rows"]
        with audit.acting(source="cli", new_action=True):
            core.record(
                AuditAction.EXPORT,
                object_repr=_("跨镇比对快照"),
                reason=_("导出到 %(d)s（%(n)s 条居民记录，已去标识）") % {"d": directory, "n": rows},
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("已导出 %(n)s 条居民记录到 %(d)s（街道/乡镇：%(t)s）")
                % {"n": rows, "d": directory, "t": "、".join(manifest["towns"]) or "—"}
            )
        )
