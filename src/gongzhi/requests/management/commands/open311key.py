"""`gongzhi open311key NAME [--organisation ID]`: create an Open311 API key for a third party
and print it once (only its hash is stored, so it cannot be shown again)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Organisation
from gongzhi.core.audit import acting
from gongzhi.requests import services


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("创建 Open311 接口密钥（只显示一次）")

    def add_arguments(self, parser):
        parser.add_argument("name", help=_("密钥名称，如对接方名称"))
        parser.add_argument("--organisation", type=int, help=_("所属单位编号（可选）"))

    def handle(self, *args, name, organisation=None, **options):
        org = None
        if organisation is not None:
            org = Organisation.objects.filter(pk=organisation).first()
            if org is None:
                raise CommandError(_("单位 %(organisation)s 不存在。") % {"organisation": organisation})
        try:
            with acting(user=None, source="cli", new_action=True):
                key, raw = services.create_open311_key(name, organisation=org, reason="命令行创建 Open311 密钥")
        except ValidationError as e:
            raise CommandError(_("；").join(e.messages)) from None
        self.stdout.write(_("已创建密钥“%(name)s”。请立即保存，它不会再次显示：") % {"name": key.name})
        self.stdout.write(raw)
