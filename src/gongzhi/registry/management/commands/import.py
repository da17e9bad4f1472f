"""`gongzhi import residents FILE [--batch-size N] [--grid CODE]`: import residents from an
.xlsx or .csv file with a progress bar on stderr, ending with the line
`imported N, updated M, rejected K` (and the error workbook's path when rows were rejected)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from gongzhi.core import audit
from gongzhi.registry.import_reader import ImportFileError, estimate_rows
from gongzhi.registry.imports import import_residents


class Command(BaseCommand):
    @property
    def help(self):  # translated when asked: argparse needs a plain string, not a lazy one
        return _("从 Excel（.xlsx）或 CSV 文件导入数据：gongzhi import residents 文件")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["residents"], help=_("导入的数据种类（目前支持 residents：居民）"))
        parser.add_argument("file", help=_(".xlsx 或 .csv 文件，第一行为表头（列名见导入模板）"))
        parser.add_argument(
            "--batch-size", type=int, default=None, help=_("每批提交的行数（默认 GONGZHI_IMPORT_BATCH）")
        )
        parser.add_argument("--grid", default=None, help=_("未填写“网格代码”的行使用的网格代码"))
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args, kind, file, batch_size, grid, no_progress, **opts):
        if batch_size is not None and batch_size < 1:
            raise CommandError(_("--batch-size 须为正整数"))
        bar = None

        def progress(count):
            # Created on the first batch, so a file refused up front shows no empty bar, and
            # after the import has forked its worker: tqdm's monitor is a thread, and the
            # worker is forked only from a single-threaded process (import_pipeline).
            nonlocal bar
            if no_progress:
                return
            if bar is None:
                bar = tqdm(total=estimate_rows(file), unit="行", file=self.stderr._out, desc="导入居民")
            bar.update(count)

        try:
            with audit.acting(source="cli", new_action=True):
                result = import_residents(file, batch_size=batch_size, default_grid=grid, progress=progress)
        except ImportFileError as e:
            raise CommandError(str(e)) from None
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(result.summary())
        if result.error_path:
            self.stdout.write(_("未导入的行及原因见：%(error_path)s") % {"error_path": result.error_path})
