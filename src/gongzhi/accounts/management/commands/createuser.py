"""`gongzhi createuser NAME --role ROLE --node CODE --password P`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.accounts import services
from gongzhi.accounts.models import Role
from gongzhi.core import audit
from gongzhi.territory.models import Node


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("创建用户并授予某区域（含下级）的角色")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            help=_("角色代码：")
            + "、".join(["admin", "town", "community", "grid", "department", "supervisor", "resident", "sensitive"]),
        )
        parser.add_argument("--node", required=True, help=_("区划/网格代码，如 320582100001"))
        parser.add_argument(
            "--password", required=True, help=_("至少 10 个字符，不能全是数字、不能是常见密码、不能与用户名或姓名相似")
        )
        parser.add_argument("--name", default="", help=_("显示姓名"))

    def handle(self, *args, username, role, node, password, name, **opts):
        if not Role.objects.filter(slug=role).exists():
            raise CommandError(
                _("没有代码为 %(role)s 的角色；可用：%(roles)s")
                % {"role": role, "roles": ", ".join(Role.objects.values_list("slug", flat=True))}
            )
        target = Node.objects.filter(code=node).first()
        if target is None:
            raise CommandError(_("没有代码为 %(node)s 的区划或网格") % {"node": node})
        try:
            with audit.acting(source="cli", new_action=True):
                user = services.create_user(
                    username=username, password=password, display_name=name, role=role, node=target
                )
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(
            _("已创建用户 %(username)s：%(role)s @ %(name)s（%(code)s）")
            % {"username": user.username, "role": role, "name": target.name, "code": target.code}
        )
