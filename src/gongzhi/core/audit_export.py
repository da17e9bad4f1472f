"""The audit list as an .xlsx: what the reader sees on the page, no more. Values of people in
sensitive groups stay hidden, identifiers stay masked, and the export itself is logged."""

import itertools

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core.scoping import scope_path

from . import services as core
from . import xlsx
from .choices import AuditAction
from .history import Reader
from .models import AuditEntry

# An audit export is for an inquiry, not a copy of the log: past this many rows the user is
# asked to narrow the filters (the whole log stays in the database and the admin).
MAX_ROWS = 50_000
CHUNK = 2_000
HEADERS = ["时间", "操作人", "渠道", "动作", "记录类型", "记录", "修改内容（修改前 → 修改后）", "原因", "关联编号"]


def _changes_text(changes) -> str:
    lines = []
    for label, before, after in changes:
        if before is not None and before != "":
            lines.append(f"{label}：{before} → {after if after not in (None, '') else '（空）'}")
        else:
            lines.append(f"{label}：{after if after not in (None, '') else '（空）'}")
    return "\n".join(lines)


def _rows(user, queryset, stats):
    reader = Reader(user)
    entries = queryset.iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(entries, CHUNK)):
        reader.load(chunk)
        for e in chunk:
            stats["rows"] += 1
            restricted = reader.restricted(e)
            model = e.content_type.model_class() if e.content_type_id else None
            yield [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor_name,
                e.get_source_display(),
                e.get_action_display(),
                str(model._meta.verbose_name) if model else "",
                reader.object_label(e),
                "" if restricted else _changes_text(reader.changes(e, model)),
                e.reason,
                e.correlation_id,  # entries one action wrote share it
            ]


def export_audit(request, queryset, perm, fallback_url):
    """Answer `?export=xlsx` on the audit list with the filtered entries, or send the user back
    with a message when there are more than MAX_ROWS of them."""
    total = queryset.count()
    if total > MAX_ROWS:
        messages.error(
            request,
            _("共 %(n)s 条记录，超过单次导出上限 %(max)s 条，请缩小日期或筛选范围后再导出")
            % {"n": f"{total:,}", "max": f"{MAX_ROWS:,}"},
        )
        return redirect(fallback_url)
    stats = {"rows": 0}
    with translation.override("zh-hans"):
        response = xlsx.xlsx_response(
            f"审计日志_{timezone.localdate():%Y%m%d}.xlsx", "审计日志", HEADERS, _rows(request.user, queryset, stats)
        )
    core.record(
        AuditAction.EXPORT,
        None,
        model=AuditEntry,
        object_repr=f"审计日志（{stats['rows']} 条）",
        after={"rows": stats["rows"], "masked": True},
        node_path=scope_path(request.user, perm),
    )
    return response
