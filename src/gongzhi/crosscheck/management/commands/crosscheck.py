import datetime as dt
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ... import checks, report
from ... import payments as payment_files
from ...snapshot import SnapshotError, key_check, province_key, verify


class Command(BaseCommand):
    """`gongzhi crosscheck --snapshots DIR... [--payments FILE] --master local[2]|spark://…`: the
    cross-checks (crosscheck/checks.py) over many towns' snapshots on Apache Spark, one workbook
    per town in --out. Reads no database: it runs where the snapshots are (the province's
    machine or cluster), not inside a town's installation."""

    requires_system_checks = []

    @property
    def help(self):
        return _("在 Apache Spark 上对多个街道/乡镇的快照做跨镇比对，按街道/乡镇输出比对结果工作簿")

    def add_arguments(self, parser):
        parser.add_argument("--snapshots", nargs="+", required=True, help=_("快照目录（可多个）"))
        parser.add_argument("--payments", help=_("待遇发放记录（CSV 或 Parquet），用于死亡后仍领取待遇的比对"))
        parser.add_argument("--master", default="local[2]", help=_("Spark 主节点，如 local[2] 或 spark://主机:7077"))
        parser.add_argument("--out", default="", help=_("结果目录（默认 crosscheck-日期）"))

    def handle(self, *args, snapshots, payments: str | None, master, out, **opts):
        started = time.monotonic()
        today = dt.date.today()
        try:
            key = province_key()
            manifests = [verify(d) for d in snapshots]
        except SnapshotError as e:
            raise CommandError(str(e)) from None
        mine = key_check(key)
        for d, m in zip(snapshots, manifests, strict=True):
            if m["key_check"] != mine:
                raise CommandError(_("%(d)s 使用了另一把比对密钥，不能与其他快照比对") % {"d": d})
        towns = sorted({t for m in manifests for t in m["towns"]})
        rows = sum(m["files"]["residents.parquet"]["rows"] for m in manifests)
        with tempfile.TemporaryDirectory(prefix="gongzhi-crosscheck-") as tmp:
            paid = None
            if payments:
                paid = Path(tmp) / "payments.parquet"
                try:
                    payment_files.prepare(payments, paid, key)
                except SnapshotError as e:
                    raise CommandError(str(e)) from None
            spark = checks.session(master)
            try:
                found = checks.run(spark, snapshots, paid)
            finally:
                spark.stop()
        written = report.write(found, out or f"crosscheck-{today:%Y%m%d}", today, towns)
        for check in checks.CHECKS:
            if check.key in found:
                self.stdout.write(f"{check.title}: {len(found[check.key])}")
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "已比对 %(s)s 个快照（%(t)s 个街道/乡镇，%(r)s 条记录），用时 %(sec).1f 秒；结果工作簿 %(w)s 个，在 %(o)s"
                )
                % {
                    "s": len(snapshots),
                    "t": len(towns),
                    "r": rows,
                    "sec": seconds,
                    "w": len(written),
                    "o": written[0].parent if written else "—",
                }
            )
        )
