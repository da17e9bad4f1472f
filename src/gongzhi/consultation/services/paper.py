"""Paper lists entered in bulk by a clerk — co-signatures (纸质联署) here, and evaluation forms
(纸质评议, services/evaluation.py) through the same parsing, checking and all-or-nothing saving:
a list of names and ID numbers (with a score and a comment for evaluations) — typed or pasted,
one person a line, or an Excel sheet — each line checked against the registry and against who
may take part, with the scan of the paper attached.

All or nothing: `check_lines` only reads and says, line by line, who would be accepted and why
anyone is refused (a malformed ID number, not in the registry of this community, a name that
does not match, moved away or deceased, under 18, the raiser, already co-signed, twice in the
list); `record_paper_signatures` re-checks inside its transaction and saves nothing — no
signature, no file — unless every line passes. Each accepted line is an ordinary co-signature
(`co_sign`: same checks, same counter, same audit entry, the threshold moves the matter on),
marked as coming from the sheet, and the sheet itself is audited with its scan."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit, uploads
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.idnumber import IdNumberError, normalise
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from ..choices import MatterStatus
from ..models import PaperSignatureSheet, Support
from .matters import _check_supporter, co_sign

MAX_LINES = 2000
_SEPARATORS = re.compile(r"[\s,，、;；|]+")
_ID_LIKE = re.compile(r"^[0-9０-９]{6,}[0-9０-９xX×]*$")
_SCORE = re.compile(r"^([0-9０-９])分?$")


@dataclass
class Line:
    """One line of a paper list: where it was, what was written, and the verdict."""

    number: int
    name: str
    id_number: str
    resident: Resident | None = None
    reason: str = ""
    # Evaluation lists only: the score written on the form (None when missing) and the comment.
    score: int | None = None
    comment: str = ""

    @property
    def ok(self) -> bool:
        return self.resident is not None and not self.reason


class PaperListRefused(ValidationError):
    """Some lines failed: nothing was saved. `lines` holds every line with its verdict."""

    def __init__(self, lines):
        refused = sum(1 for line in lines if not line.ok)
        super().__init__(_("有 %(n)s 行未通过核对，整张名单均未录入；请改正或删去这些行后重新提交") % {"n": refused})
        self.lines = lines


def _score(text) -> int | None:
    match = _SCORE.match(str(text or "").strip())
    return int(match.group(1).translate(str.maketrans("０１２３４５６７８９", "0123456789"))) if match else None


def parse_text(text: str, *, scored=False) -> list[Line]:
    """One person a line: a name and an ID number in either order, separated by spaces, tabs,
    commas or 、. With `scored` (evaluation forms) a score (a digit, "4" or "4分") follows, and
    whatever follows the score is the comment. Blank lines are skipped; line numbers are those
    of the text."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        parts = [p for p in _SEPARATORS.split(raw.strip()) if p]
        if not parts:
            continue
        ids = [p for p in parts if _ID_LIKE.match(p)]
        comment, score = "", None
        if scored:
            at = next((i for i, p in enumerate(parts) if p not in ids and _score(p) is not None), None)
            if at is not None:
                score, comment = _score(parts[at]), " ".join(parts[at + 1 :])
                parts = parts[:at]
        name = "".join(p for p in parts if p not in ids)
        lines.append(Line(number, name, ids[0] if len(ids) == 1 else " ".join(ids), score=score, comment=comment))
    return lines


def parse_workbook(upload, *, scored=False) -> list[Line]:
    """The first sheet of an .xlsx: the columns headed 姓名 and 身份证号 (or, without such a
    header, the first two columns); with `scored`, also 评分 and 意见 (or the third and fourth
    columns). Line numbers are the sheet's row numbers."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError({"workbook": _("无法读取该 Excel 文件，请上传 .xlsx 格式的名单")}) from None
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    name_col, id_col, score_col, comment_col, start = 0, 1, 2, 3, 0
    for i, row in enumerate(rows[:5]):
        cells = [str(c or "").strip() for c in row]
        names = [j for j, c in enumerate(cells) if c == "姓名"]
        ids = [j for j, c in enumerate(cells) if c.startswith("身份证")]
        if names and ids:
            name_col, id_col, start = names[0], ids[0], i + 1
            score_col = next((j for j, c in enumerate(cells) if c.startswith("评分")), score_col)
            comment_col = next((j for j, c in enumerate(cells) if c.startswith("意见")), comment_col)
            break
    lines = []
    for number, row in enumerate(rows[start:], start=start + 1):
        cells = list(row) + [None] * 4
        name, number_cell = cells[name_col], cells[id_col]
        if isinstance(number_cell, float):  # a long number typed into a number cell
            number_cell = int(number_cell)
        name, id_number = str(name or "").strip(), str(number_cell or "").strip()
        if not (name or id_number):
            continue
        line = Line(number, name, id_number)
        if scored:
            raw = cells[score_col]
            line.score = _score(int(raw) if isinstance(raw, float) and raw.is_integer() else raw)
            line.comment = str(cells[comment_col] or "").strip()
        lines.append(line)
    return lines


def as_text(lines) -> str:
    """The lines back as text (one "name ID [score comment]" a line), e.g. to confirm what a
    workbook held."""
    out = []
    for line in lines:
        extra = f" {line.score if line.score is not None else ''} {line.comment}" if line.score or line.comment else ""
        out.append(f"{line.name} {line.id_number}{extra}".strip())
    return "\n".join(out)


def _check_open(matter):
    if matter.status not in (MatterStatus.COLLECTING, MatterStatus.PENDING):
        raise ValidationError(_("议题处于“%(status)s”状态，不再征集联署") % {"status": matter.get_status_display()})


def check_lines(matter, lines) -> list[Line]:
    """Judge every line of a co-signature list (nothing is written); each refused line gets its
    reason in Chinese."""
    _check_open(matter)
    if not lines:
        raise ValidationError({"lines": _("请填写联署名单：每行一人，姓名和身份证号")})
    signed = set(Support.objects.filter(matter=matter).values_list("resident_id", flat=True))

    def judge(line, resident):
        if resident.status != Status.ACTIVE:
            return _("%(name)s 不在册（%(status)s），不能联署") % {
                "name": resident.name,
                "status": resident.get_status_display(),
            }
        if resident.pk in signed:
            return _("%(name)s 已联署过该议题") % {"name": resident.name}
        try:
            _check_supporter(matter, resident)
        except ValidationError as exc:
            return "；".join(exc.messages)
        return ""

    return check_people(matter.node, lines, judge)


def check_people(node, lines, judge) -> list[Line]:
    """The checks every paper list shares: the ID number's form, a resident of `node` with that
    number, the name as registered, the same person twice; then `judge(line, resident)` says
    what else refuses the line (empty: accepted). Two queries, whatever the number of lines."""
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": _("一次最多录入 %(n)s 行") % {"n": MAX_LINES}})
    numbers = {}
    for line in lines:
        try:
            numbers[line.number] = normalise(line.id_number)
        except IdNumberError as exc:
            line.reason = _("身份证号有误：%(e)s") % {"e": exc}
    found = {
        r.id_number: r
        for r in Resident.objects.filter(
            id_number__in=set(numbers.values()), grid__path__startswith=node.path
        ).select_related("grid")
    }
    first_line = {}
    for line in lines:
        if line.reason:
            continue
        number = numbers[line.number]
        if number in first_line:
            line.reason = _("与第 %(n)s 行重复") % {"n": first_line[number]}
            continue
        first_line[number] = line.number
        resident = found.get(number)
        line.reason = _identity_reason(line, resident) or judge(line, resident)
        if not line.reason:
            line.resident = resident
    return lines


def _identity_reason(line, resident) -> str:
    if resident is None:
        return _("本社区/村居民登记中没有身份证号 %(id)s") % {"id": line.id_number}
    if not line.name:
        return _("缺少姓名")
    if line.name != resident.name:
        return _("姓名“%(typed)s”与登记的“%(name)s”不符") % {"typed": line.name, "name": resident.name}
    return ""


def record_sheet(*, check, sheet, scan, scan_missing, save_lines, after, reason=""):
    """Save a checked paper list with its scan, every line or none: `check()` re-judges the
    lines inside the transaction (PaperListRefused if any fails), the scan is stored on `sheet`
    (an unsaved Scan row), `save_lines(sheet, lines)` writes one row per line and returns their
    ids, and the sheet is audited with `after(lines)`. A stored scan is removed on failure."""
    uploads.check_files([scan] if scan else [], field="scan", max_files=1, types=uploads.SCAN_TYPES)
    if not scan:
        raise ValidationError({"scan": scan_missing})
    user = audit.current().user
    stored = []
    try:
        with transaction.atomic():
            checked = check()
            if not all(line.ok for line in checked):
                raise PaperListRefused(checked)
            sheet.count = len(checked)
            sheet = uploads.attach(sheet, scan, user, stored, by_field="entered_by")
            save_lines(sheet, checked)
            core.record(
                AuditAction.CREATE,
                sheet,
                after={**after(checked), "count": len(checked), "scan": sheet.original_name},
                reason=reason,
                node_path=sheet.scope_path(),
            )
            return sheet
    except Exception:
        uploads.discard(stored)
        raise


def record_paper_signatures(matter, lines, *, scan, reason="") -> PaperSignatureSheet:
    """Enter a paper list of co-signatures with its scan — every line or none (PaperListRefused
    carries the verdict of each line)."""

    def save_lines(sheet, checked):
        why = reason or _("纸质联署（扫描件：%(name)s）") % {"name": sheet.original_name}
        ids = [co_sign(matter, line.resident, reason=why).pk for line in checked]
        Support.objects.filter(pk__in=ids).update(sheet=sheet)

    return record_sheet(
        check=lambda: check_lines(matter, lines),
        sheet=PaperSignatureSheet(matter=matter),
        scan=scan,
        scan_missing=_("请上传纸质联署名单的扫描件或照片"),
        save_lines=save_lines,
        after=lambda checked: {"matter": matter.pk, "residents": [line.resident.pk for line in checked]},
        reason=reason,
    )
