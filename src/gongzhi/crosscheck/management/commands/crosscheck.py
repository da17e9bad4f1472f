import datetime as dt
import os
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ... import checks, delivery, report
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
        parser.add_argument(
            "--deliver",
            default="",
            metavar="URL",
            help=_("把各街道/乡镇的比对结果投递到该地址的共治系统（其接口令牌在 --token-env 指定的环境变量中）"),
        )
        parser.add_argument(
            "--token-env",
            default=delivery.TOKEN_ENV,
            help=_("存放接收方接口令牌的环境变量名（默认 GONGZHI_DELIVER_TOKEN）"),
        )

    def handle(self, *args, snapshots, payments: str | None, master, out, deliver, token_env, **opts):
        started = time.monotonic()
        today = dt.date.today()
        token = os.environ.get(token_env, "").strip()
        if deliver and not token:
            raise CommandError(_("请在环境变量 %(env)s 中提供接收方的接口令牌") % {"env": token_env})
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
        if deliver:
            failed = deliver_all(self.stdout, deliver, token, key, today, delivery.by_town(found, today))
            if failed:
                raise CommandError(_("以下街道/乡镇投递失败：%(t)s") % {"t": "、".join(failed)})


def deliver_all(stdout, url, token, key, run_on, towns: dict) -> list[str]:
    """Deliver every town's findings; print each town's answer; the towns that failed."""
    failed = []
    for town, findings in sorted(towns.items()):
        try:
            got = delivery.deliver_town(url, token, key, town, run_on, findings)
        except delivery.DeliveryError as e:
            stdout.write(_("%(t)s：投递失败，%(e)s") % {"t": town, "e": e})
            failed.append(town)
            continue
        stdout.write(
            _("%(t)s：投递 %(n)s 条，新登记 %(c)s 条（对应到居民 %(m)s 条），已投递过 %(a)s 条")
            % {"t": town, "n": got["received"], "c": got["created"], "m": got["matched"], "a": got["already"]}
        )
    return failed
