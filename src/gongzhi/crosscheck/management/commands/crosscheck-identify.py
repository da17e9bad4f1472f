from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction

from ...identify import identify
from ...snapshot import SnapshotError, province_key


class Command(BaseCommand):
    """`gongzhi crosscheck-identify WORKBOOK OUT`: a town's findings workbook from the province,
    each person matched to this installation's resident (crosscheck/identify.py); audited."""

    @property
    def help(self):
        return _("把省里下发的跨镇比对结果对应到本镇居民（只在本镇系统内进行），写成工作簿")

    def add_arguments(self, parser):
        parser.add_argument("workbook", help=_("比对结果工作簿"))
        parser.add_argument("out", help=_("输出的工作簿路径"))

    def handle(self, *args, workbook, out, **opts):
        try:
            total, matched = identify(workbook, province_key(), out)
        except SnapshotError as e:
            raise CommandError(str(e)) from None
        except (OSError, KeyError, ValueError) as e:
            raise CommandError(_("无法读取比对结果工作簿：%(e)s") % {"e": e}) from None
        with audit.acting(source="cli", new_action=True):
            core.record(
                AuditAction.EXPORT,
                object_repr=_("跨镇比对结果"),
                reason=_("对应本镇居民 %(m)s / %(n)s 条，写入 %(o)s") % {"m": matched, "n": total, "o": out},
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("比对结果 %(n)s 条，对应到本镇居民 %(m)s 条，已写入 %(o)s") % {"n": total, "m": matched, "o": out}
            )
        )
