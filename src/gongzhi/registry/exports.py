"""Excel exports of the resident and household lists (the list pages call these for
`?export=xlsx`, passing the list's filtered queryset).

What the file holds is what the user may see, no more: rows outside the user's export scope
are dropped, records carrying sensitive tags (and the tags themselves) appear only where the
user holds registry.view_sensitive, and ID and phone numbers are masked (3201**********123X,
138****5678). Full numbers only when the export asks for them (`unmask=True`, the list page's
"导出完整号码" option) with a stated purpose, and then only on rows whose grid the user holds
registry.unmask_pii on (PIPL Art. 6). Each export writes one audit entry with its size, how many
rows showed full numbers and the purpose; each exported record carrying a sensitive tag is
logged as a view, like on every other channel (disclosure.py).

The resident sheet uses the import's column names, so an unmasked export can be corrected
and imported again.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core import xlsx
from gongzhi.core.masking import mask_id, mask_phone
from gongzhi.core.scoping import has_perm_anywhere, paths_for, scope_path, scope_q

from . import import_columns as cols
from . import permissions as perms
from .disclosure import clean_purpose, log_sensitive_reads
from .models import Household, Resident
from .services import log_export

EXPORT_PERM = perms.EXPORT_RESIDENT
UNMASK_PERM = perms.UNMASK_PII
SENSITIVE_PERM = perms.VIEW_SENSITIVE

RESIDENT_HEADERS = [
    "姓名",
    "性别",
    "身份证号",
    "出生日期",
    "民族",
    "联系电话",
    "网格代码",
    "网格",
    "户号",
    "与户主关系",
    "就业情况",
    "工作单位",
    "社会关系",
    "生育情况",
    "劳动保障",
    "人口类型",
    "人户分离",
    "状态",
    "户籍地",
    "来本地日期",
    "居住证签发日期",
    "居住证有效期至",
    "标签",
    "备注",
]
HOUSEHOLD_HEADERS = [
    "户号",
    "网格代码",
    "网格",
    "楼栋",
    "房号",
    "地址",
    "居住方式",
    "出租人",
    "户主",
    "户主身份证号",
    "户主电话",
    "人数",
]


class PathTest:
    """Does the user hold a permission at a path? Answers from the user's granted paths in
    memory (one query for all rows, none per row)."""

    def __init__(self, user, perm):
        self.paths = paths_for(user, perm)

    def __call__(self, path: str) -> bool:
        return self.paths is None or any((path or "").startswith(p) for p in self.paths)


def _require(user, perm):
    if not has_perm_anywhere(user, perm):
        raise PermissionDenied(_("没有导出权限"))


def _filename(what: str) -> str:
    return f"{what}_{timezone.localdate():%Y%m%d}.xlsx"


def _unmask_option(user, unmask: bool, purpose: str) -> str:
    """The cleaned purpose of an export asking for full numbers, or "" for a masked export."""
    if not unmask:
        return ""
    if not has_perm_anywhere(user, UNMASK_PERM):
        raise PermissionDenied(_("没有查看完整号码的权限"))
    return clean_purpose(purpose)


def export_residents(user, queryset, *, unmask=False, purpose=""):
    """An .xlsx of the residents in `queryset` the user may export; numbers in full only with
    `unmask` and a `purpose`, where the user holds the unmask permission."""
    _require(user, EXPORT_PERM)
    purpose = _unmask_option(user, unmask, purpose)
    qs = (
        queryset.filter(scope_q(user, EXPORT_PERM, "grid__path"))
        .filter(Q(has_sensitive=False) | scope_q(user, SENSITIVE_PERM, "grid__path"))
        .select_related("grid", "household")
        .prefetch_related("tags")
    )
    unmask, sensitive = PathTest(user, UNMASK_PERM), PathTest(user, SENSITIVE_PERM)
    stats = {"rows": 0, "masked": 0}
    shown_sensitive = []

    def rows():
        for r in qs.iterator(chunk_size=2000):
            path = r.grid.path
            full = bool(purpose) and unmask(path)
            stats["rows"] += 1
            stats["masked"] += not full
            if r.has_sensitive:
                shown_sensitive.append({"id": r.pk, "name": r.name, "grid__path": path, "has_sensitive": True})
            show_sensitive = sensitive(path)
            tags = "、".join(t.name for t in r.tags.all() if show_sensitive or not t.sensitive)
            yield [
                r.name,
                r.get_gender_display(),
                r.id_number if full else mask_id(r.id_number),
                r.birth_date,
                r.ethnicity,
                r.phone if full else mask_phone(r.phone),
                r.grid.code,
                r.grid.name,
                r.household.number if r.household_id else "",
                cols.label_of("relation", r.relation),
                cols.label_of("employment", r.employment),
                r.employer,
                r.social_relations,
                cols.label_of("fertility", r.fertility),
                cols.label_of("labour_security", r.labour_security),
                cols.label_of("residence_type", r.residence_type),
                cols.label_of("separation", r.separation),
                r.get_status_display(),
                r.hukou_place,
                r.arrived_on,
                r.permit_issued_on,
                r.permit_valid_until,
                tags,
                r.notes,
            ]

    with translation.override("zh-hans"):  # the sheet is the Chinese import format, whatever the UI language
        response = xlsx.xlsx_response(_filename("居民"), "居民", RESIDENT_HEADERS, rows(), text_columns=(2, 5, 6, 8))
    log_export(
        Resident,
        count=stats["rows"],
        what=f"居民名单（{stats['rows']} 人）",
        masked=stats["masked"] > 0,
        node_path=scope_path(user, EXPORT_PERM),
        unmasked=stats["rows"] - stats["masked"],
        purpose=purpose,
    )
    log_sensitive_reads(shown_sensitive)
    return response


def export_households(user, queryset, *, unmask=False, purpose=""):
    """An .xlsx of the households in `queryset` the user may export. A head carrying a
    sensitive tag is named only to users who may see that record (and that is logged); the
    heads' numbers are masked unless asked for as in `export_residents`."""
    _require(user, EXPORT_PERM)
    purpose = _unmask_option(user, unmask, purpose)
    qs = (
        queryset.filter(scope_q(user, EXPORT_PERM, "grid__path"))
        .select_related("grid", "building", "head")
        .annotate(member_count=Count("members"))
    )
    unmask, sensitive = PathTest(user, UNMASK_PERM), PathTest(user, SENSITIVE_PERM)
    stats = {"rows": 0, "masked": 0}
    shown_sensitive = []

    def rows():
        for h in qs.iterator(chunk_size=2000):
            path = h.grid.path
            full = bool(purpose) and unmask(path)
            stats["rows"] += 1
            stats["masked"] += not full
            head = h.head if h.head_id and (not h.head.has_sensitive or sensitive(path)) else None
            if head is not None and head.has_sensitive:
                shown_sensitive.append({"id": head.pk, "name": head.name, "grid__path": path, "has_sensitive": True})
            yield [
                h.number,
                h.grid.code,
                h.grid.name,
                h.building.name if h.building_id else "",
                h.room,
                h.address,
                h.get_tenure_display(),
                h.landlord_name,
                head.name if head else "",
                (head.id_number if full else mask_id(head.id_number)) if head else "",
                (head.phone if full else mask_phone(head.phone)) if head else "",
                h.member_count,
            ]

    with translation.override("zh-hans"):
        response = xlsx.xlsx_response(_filename("住户"), "住户", HOUSEHOLD_HEADERS, rows(), text_columns=(0, 1, 9, 10))
    log_export(
        Household,
        count=stats["rows"],
        what=f"住户名单（{stats['rows']} 户）",
        masked=stats["masked"] > 0,
        node_path=scope_path(user, EXPORT_PERM),
        unmasked=stats["rows"] - stats["masked"],
        purpose=purpose,
    )
    log_sensitive_reads(shown_sensitive)
    return response
