"""`gongzhi reindex_search`: rebuild the resident search structures (name parts and, on
SQLite, the FTS5 digit index) from the residents table — a repair after residents were
written by a path that did not index them. Derived data only: nothing is audited."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.registry.search import DIGITS_TABLE, ensure_digit_index, has_digit_index, reindex_all_names


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("重建居民检索索引（姓名片段；SQLite 上另有证件号/电话索引）")

    def handle(self, *args, **options):
        with transaction.atomic():
            reindex_all_names(out=self.stdout.write if options["verbosity"] > 1 else None)
            if has_digit_index():
                from django.db import connection

                with connection.cursor() as cursor:  # an unequal count makes ensure refill it
                    cursor.execute(f"DELETE FROM {DIGITS_TABLE}")
                ensure_digit_index()
        if options["verbosity"]:
            self.stdout.write(_("检索索引已重建"))
