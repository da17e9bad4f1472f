"""Turning one row of an import file into clean Resident values, or a Chinese reason why not.

Person fields go through `registry.validation.clean_person_fields`, the same rules as the
forms and the API (GB 11643 check character, 15 → 18 digit upgrade, lower-case x, gender and
birth date agreeing with the number, phone numbers). Choice columns take the Chinese label
(户籍人口) or the stored code (registered).
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_at

from . import import_columns as cols
from . import permissions as perms
from .import_pinyin import import_search_keys
from .migrants import clean_migrant_fields
from .models import Resident
from .validation import clean_person_fields

_TAG_SPLIT = re.compile(r"[、,，;；\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
IMPORT_PERM = perms.IMPORT_RESIDENT
SENSITIVE_PERM = perms.VIEW_SENSITIVE


# The database limits the fast path must check itself (it does not run Model.full_clean).
_MAX_LENGTHS = {
    f: Resident._meta.get_field(f).max_length
    for f in ("name", "ethnicity", "employer", "social_relations", "hukou_place")
}


class RowError(Exception):
    """A row that cannot be imported; the message (Chinese) goes to the error workbook."""


def parse_date(value, header="出生日期"):
    """A date from an Excel date cell or the usual written forms; None for empty."""
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(_("%(header)s“%(text)s”不是有效日期，请按 YYYY-MM-DD 填写") % {"header": header, "text": text})


def _messages(error: ValidationError) -> list[str]:
    out = []
    for field, messages in error.message_dict.items():
        label = cols.BY_FIELD[field].header if field in cols.BY_FIELD else field
        out.extend(_("%(label)s：%(message)s") % {"label": label, "message": m} for m in messages)
    return out


class RowCleaner:
    """Cleans rows against the file's header layout and the reference data of the run (grids,
    tags) and, for an import by a user, that user's scope."""

    def __init__(self, layout: dict[str, int], grids: dict, tags: dict, *, user=None, default_grid=None):
        self.layout = layout
        self.grids = grids  # code → (id, path, name)
        self.tags = tags  # name or slug → (id, name, sensitive)
        self.user = user
        self.default_grid = default_grid
        self._items = list(layout.items())
        # The user's rights per grid, decided once here: cleaning then needs no database, so it
        # can run in the import's worker process (import_pipeline), and costs a lookup per row.
        if user is not None:
            self._may_import = {code: has_perm_at(user, IMPORT_PERM, g[1]) for code, g in grids.items()}
            self._may_sensitive = {code: has_perm_at(user, SENSITIVE_PERM, g[1]) for code, g in grids.items()}
        cols.choice_tables()  # filled here, not in a worker process

    def raw(self, values: list) -> dict:
        """{field: cell value} for the columns present, '' for short rows."""
        n = len(values)
        return {f: (values[i] if i < n else "") for f, i in self._items}

    def clean(self, values: list) -> dict:
        """Clean Resident values plus "_household", "_address", "_tags" (ids), "_tag_names",
        "_path". Raises RowError listing every problem of the row."""
        raw = self.raw(values)
        errors: list[str] = []
        out: dict = {}
        person = self._person(raw, errors)
        out.update(person)
        self._choices(raw, out, errors)
        for name in cols.TEXT_FIELDS:
            text = str(raw.get(name) or "").strip()
            if text:
                out[name] = text
        self._migrant(raw, out, errors)
        for name, limit in _MAX_LENGTHS.items():
            if len(out.get(name) or "") > limit:
                errors.append(
                    _("%(header)s：最多 %(limit)s 个字") % {"header": cols.BY_FIELD[name].header, "limit": limit}
                )
        grid = self._grid(raw, errors)
        if grid is not None:
            out["grid_id"], out["_path"], out["_grid_name"], _level = grid
        out["_household"] = str(raw.get("household") or "").strip()
        if len(out["_household"]) > 30:
            errors.append(_("户号：最多 30 个字符"))
        out["_address"] = str(raw.get("address") or "").strip()
        self._tags(raw, out, errors, grid)
        if errors:
            raise RowError("；".join(errors))
        return out

    def _person(self, raw, errors) -> dict:
        data = {"id_number": _id_text(raw.get("id_number"), errors)}
        gender = str(raw.get("gender") or "").strip()
        if gender:
            code = cols.choice_tables()["gender"].get(gender)
            if code is None:
                errors.append(_("性别“%(gender)s”应为 男 或 女") % {"gender": gender})
            data["gender"] = code or ""
        try:
            data["birth_date"] = parse_date(raw.get("birth_date"))
        except RowError as e:
            errors.append(str(e))
        phone = raw.get("phone")
        if phone not in ("", None):
            data["phone"] = str(phone)
        try:
            cleaned = clean_person_fields(data) if data["id_number"] is not None else {}
        except ValidationError as e:
            messages = _messages(e)
            if "id_number" in e.message_dict:
                messages[0] += _excel_number_hint(data["id_number"])
            errors.extend(messages)
            cleaned = {}
        # The name rule of clean_person_fields, with the search keys of import_pinyin (same values).
        name = str(raw.get("name") or "").strip()
        if not name:
            errors.append(_("姓名：姓名不能为空"))
        else:
            cleaned["name"] = name
            cleaned.update(import_search_keys(name))
        return cleaned

    def _migrant(self, raw, out, errors):
        """The migrant dates, then the rules every channel shares (registry/migrants.py)."""
        for name in cols.DATE_FIELDS:
            try:
                day = parse_date(raw.get(name), cols.BY_FIELD[name].header)
            except RowError as e:
                errors.append(str(e))
                continue
            if day is not None:
                out[name] = day
        try:
            out.update(clean_migrant_fields({k: out[k] for k in (*cols.DATE_FIELDS, "residence_type") if k in out}))
        except ValidationError as e:
            errors.extend(_messages(e))

    def _choices(self, raw, out, errors):
        for name in cols.CHOICE_FIELDS:
            if name == "gender":
                continue
            text = str(raw.get(name) or "").strip()
            if not text:
                continue
            code = cols.choice_tables()[name].get(text)
            if code is None:
                errors.append(
                    _("%(header)s“%(text)s”不是可选值，可选：%(allowed_labels)s")
                    % {"header": cols.BY_FIELD[name].header, "text": text, "allowed_labels": cols.allowed_labels(name)}
                )
            else:
                out[name] = code

    def _grid(self, raw, errors):
        code = str(raw.get("grid") or "").strip() or self.default_grid
        if not code:
            errors.append(_("网格代码：不能为空"))
            return None
        grid = self.grids.get(code)
        if grid is None:
            errors.append(_("网格代码 %(code)s 不存在（须为网格一级的代码）") % {"code": code})
            return None
        if self.user is not None and not self._may_import[code]:
            errors.append(_("无权向网格 %(code)s 导入居民") % {"code": code})
            return None
        return grid + (code,)

    def _tags(self, raw, out, errors, grid):
        text = str(raw.get("tags") or "").strip()
        if not text:
            return
        ids, names, sensitive = [], [], False
        for part in _TAG_SPLIT.split(text):
            if not part:
                continue
            tag = self.tags.get(part)
            if tag is None:
                errors.append(_("标签“%(part)s”不存在") % {"part": part})
                continue
            if tag[0] not in ids:
                ids.append(tag[0])
                names.append(tag[1])
                sensitive = sensitive or tag[2]
        if sensitive and self.user is not None and grid is not None and not self._may_sensitive[grid[3]]:
            errors.append(_("无权为居民设置敏感标签"))
        out["_tags"], out["_tag_names"] = ids, sorted(names)
        out["has_sensitive"] = sensitive


def _id_text(value, errors):
    """The ID cell as text, or None (with the reason) when it is empty."""
    text = str(value or "").strip()
    if not text:
        errors.append(_("身份证号：身份证号不能为空"))
        return None
    return text


def _excel_number_hint(id_text) -> str:
    """Excel keeps 15 significant digits: an 18-digit number typed into a General column comes
    back ending in zeros. Say so instead of only reporting a wrong check character."""
    if id_text and len(id_text) == 18 and id_text.isdigit() and id_text.endswith("000"):
        return _("（该号码疑似被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”后重新填写）")
    return ""
