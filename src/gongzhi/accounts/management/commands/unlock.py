"""`gongzhi unlock [--user NAME] [--ip ADDRESS]`: lift a login lock before it runs out (after
too many failed logins, see docs/admin.md), e.g. once the person has been reached by phone."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.accounts import lockout
from gongzhi.core.audit import acting


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("解除登录锁定（按用户名和/或网络地址）")

    def add_arguments(self, parser):
        parser.add_argument("--user", help=_("被锁定的用户名"))
        parser.add_argument("--ip", help=_("被锁定的网络地址"))

    def handle(self, *args, user=None, ip=None, **options):
        if not user and not ip:
            raise CommandError(_("请用 --user 或 --ip 指明要解除锁定的用户名或网络地址。"))
        with acting(user=None, source="cli", new_action=True):
            lockout.unlock(username=user, ip=ip)
        parts = [_("用户 %(user)s") % {"user": user}] if user else []
        if ip:
            parts.append(_("地址 %(ip)s") % {"ip": ip})
        self.stdout.write(_("已解除锁定：%(what)s。") % {"what": _("，").join(parts)})
