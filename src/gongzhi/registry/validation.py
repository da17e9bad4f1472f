"""Field rules for residents shared by forms, the API and the import: ID number (GB 11643),
gender and birth date agreeing with it, phone numbers, and pinyin search keys."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from gongzhi.core import idnumber, phone

from .models import Resident


def pinyin_keys(name: str) -> tuple[str, str]:
    """("zhangsan", "zs") for 张三; non-Chinese characters are kept lower-cased."""
    full = "".join(lazy_pinyin(name or "", errors=lambda s: s.lower())).lower().replace(" ", "")
    initials = "".join(
        p[:1] for p in lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors=lambda s: list(s.lower()))
    )
    return full[:200], initials.lower()[:50]


def name_suffixes(name: str) -> dict:
    """The name from its second and third character on (欧阳娜娜 → 阳娜娜, 娜娜): with the name
    itself, any part of a name of up to four characters is a prefix of one of them."""
    return {"name_s1": name[1:51], "name_s2": name[2:52]}


def search_keys(name: str) -> dict:
    """The derived search columns of a resident with this (already stripped) name, as a dict of
    Resident field values. Services and the import fast path both call this, so every row gets
    the same keys however it was written."""
    full, initials = pinyin_keys(name)
    return {"name_pinyin": full, "name_initials": initials, **name_suffixes(name)}


def clean_person_fields(data: dict) -> dict:
    """Normalise and cross-check ID number, gender, birth date and phone in `data` (a dict of
    Resident fields). Returns the cleaned dict; raises ValidationError keyed by field.

    Gender and birth date may be left empty: they are taken from the ID number. When they are
    given and disagree with it, the user is told which one.
    """
    out = dict(data)
    errors = {}
    if "id_number" in data:
        try:
            parsed = idnumber.parse(data.get("id_number") or "")
        except idnumber.IdNumberError as e:
            errors["id_number"] = str(e)
        else:
            out["id_number"] = parsed.value
            gender = data.get("gender") or ""
            if gender and gender != parsed.gender:
                errors["gender"] = (
                    _("性别与身份证号不符：号码第 17 位表示男")
                    if parsed.gender == "M"
                    else _("性别与身份证号不符：号码第 17 位表示女")
                )
            out["gender"] = parsed.gender
            birth = data.get("birth_date")
            if isinstance(birth, str) and birth:
                try:
                    birth = dt.date.fromisoformat(birth)
                except ValueError:
                    errors["birth_date"] = _("出生日期格式应为 YYYY-MM-DD")
                    birth = None
            if birth and birth != parsed.birth_date:
                errors["birth_date"] = _("出生日期与身份证号不符：号码中为 %(birth_date)s") % {
                    "birth_date": format(parsed.birth_date, "%Y-%m-%d")
                }
            out["birth_date"] = parsed.birth_date
    if "phone" in data:
        try:
            out["phone"] = phone.normalise(data.get("phone") or "")
        except phone.PhoneError as e:
            errors["phone"] = str(e)
    if "name" in data:
        name = (data.get("name") or "").strip()
        if not name:
            errors["name"] = _("姓名不能为空")
        out["name"] = name
        out.update(search_keys(name))
    if errors:
        raise ValidationError(errors)
    return out


class DuplicateIdNumber(ValidationError):
    """The ID number is already registered; `existing` is that record, so a caller that may see
    it can point the user to it."""

    def __init__(self, existing: Resident):
        self.existing = existing
        # The message names no record: whether the user may see it is for the caller to decide.
        super().__init__({"id_number": _("该身份证号已登记")})
