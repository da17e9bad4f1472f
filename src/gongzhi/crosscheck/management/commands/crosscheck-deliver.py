import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ... import delivery
from ...snapshot import SnapshotError, province_key
from .crosscheck import deliver_all


class Command(BaseCommand):
    """`gongzhi crosscheck-deliver WORKBOOK... --url URL`: deliver towns' findings workbooks
    (written by `gongzhi crosscheck`) to the installation at URL, for towns kept on different
    installations (each with its own URL and token); reads no database."""

    requires_system_checks = []

    @property
    def help(self):
        return _("把比对结果工作簿投递到街道/乡镇的共治系统，作为待核实任务（按编号去重，可重复投递）")

    def add_arguments(self, parser):
        parser.add_argument("workbooks", nargs="+", help=_("比对结果工作簿（街道代码-跨镇比对-日期.xlsx）"))
        parser.add_argument("--url", required=True, help=_("接收方共治系统的地址"))
        parser.add_argument(
            "--token-env",
            default=delivery.TOKEN_ENV,
            help=_("存放接收方接口令牌的环境变量名（默认 GONGZHI_DELIVER_TOKEN）"),
        )

    def handle(self, *args, workbooks, url, token_env, **opts):
        token = os.environ.get(token_env, "").strip()
        if not token:
            raise CommandError(_("请在环境变量 %(env)s 中提供接收方的接口令牌") % {"env": token_env})
        try:
            key = province_key()
        except SnapshotError as e:
            raise CommandError(str(e)) from None
        failed = []
        for path in workbooks:
            try:
                town, run_on, findings = delivery.read_workbook(path)
            except (delivery.DeliveryError, OSError, ValueError) as e:
                raise CommandError(_("无法读取比对结果工作簿 %(p)s：%(e)s") % {"p": path, "e": e}) from None
            failed += deliver_all(self.stdout, url, token, key, run_on, {town: findings} if findings else {})
            if not findings:
                self.stdout.write(_("%(t)s：没有比对结果，未投递") % {"t": town})
        if failed:
            raise CommandError(_("以下街道/乡镇投递失败：%(t)s") % {"t": "、".join(failed)})
