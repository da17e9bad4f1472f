"""The columns of the resident import file: Chinese header, Resident field, whether required,
the allowed values, and an explanation. The import, its template download and the error
workbook all read this one table, so they cannot drift apart."""

import functools
from dataclasses import dataclass, field

from django.db import models
from django.utils import translation

from gongzhi.core.choices import Gender

from . import choices as c


@dataclass(frozen=True)
class Column:
    """One column of the import sheet."""

    header: str
    field: str
    required: bool = False
    choices: type[models.TextChoices] | None = None
    help: str = ""
    example: str = ""
    # Other words accepted for a choice, as (word, code): a town's own name for a value.
    aliases: tuple[tuple[str, str], ...] = field(default=())


COLUMNS = (
    Column("姓名", "name", True, help="居民姓名", example="张三"),
    Column(
        "性别", "gender", choices=Gender, help="男/女；可不填，按身份证号第 17 位确定，填写时须与号码一致", example="男"
    ),
    Column(
        "身份证号",
        "id_number",
        True,
        help="18 位（末位可为 X/x）或旧版 15 位，自动升级为 18 位；请把本列设为文本格式",
        example="11010519491231002X",
    ),
    Column("出生日期", "birth_date", help="YYYY-MM-DD；可不填，按身份证号确定，填写时须一致", example="1949-12-31"),
    Column("民族", "ethnicity", help="如 汉族；不填为汉族", example="汉族"),
    Column("联系电话", "phone", help="11 位手机号，或 区号-号码 的固定电话", example="13800001234"),
    Column("网格代码", "grid", True, help="居民所在网格的代码（如 320582100001001）", example=""),
    Column("户号", "household", help="已有住户的户号；不存在时在该网格新建住户"),
    Column("住址", "address", help="新建住户时的地址；户号已存在时不使用"),
    Column("与户主关系", "relation", choices=c.Relation, help="本人是户主填“户主”", example="户主"),
    Column("就业情况", "employment", choices=c.Employment, example="离退休"),
    Column("工作单位", "employer", help="可不填"),
    Column("社会关系", "social_relations", help="紧急联系人、监护人等"),
    Column("生育情况", "fertility", choices=c.Fertility, example="不适用"),
    Column("劳动保障", "labour_security", choices=c.LabourSecurity, example="领取养老金"),
    Column(
        "人口类型",
        "residence_type",
        choices=c.ResidenceType,
        help="不填为户籍人口；“新市民”按流动人口登记",
        example="户籍人口",
        aliases=(("新市民", c.ResidenceType.MIGRANT.value),),
    ),
    Column("人户分离", "separation", choices=c.Separation, help="不填为人户一致", example="人户一致"),
    Column("户籍地", "hukou_place", help="户口所在地，如 安徽省阜阳市临泉县"),
    Column("来本地日期", "arrived_on", help="流动人口来本地居住的日期，YYYY-MM-DD"),
    Column("居住证签发日期", "permit_issued_on", help="仅流动人口；须在来本地满半年后"),
    Column("居住证有效期至", "permit_valid_until", help="仅流动人口；每年签注后更新"),
    Column("标签", "tags", help="已有标签名称，多个用顿号、逗号或分号分隔（如 独居老人、党员）"),
    Column("备注", "notes"),
)
BY_HEADER = {col.header: col for col in COLUMNS}
BY_FIELD = {col.field: col for col in COLUMNS}
HEADERS = [col.header for col in COLUMNS]
# Filled in from the row; the rest are read by the import directly.
PERSON_FIELDS = ("name", "gender", "id_number", "birth_date", "phone")
CHOICE_FIELDS = tuple(col.field for col in COLUMNS if col.choices is not None)
TEXT_FIELDS = ("ethnicity", "employer", "social_relations", "hukou_place", "notes")
DATE_FIELDS = ("arrived_on", "permit_issued_on", "permit_valid_until")
# Columns the template formats as text so Excel keeps every digit.
TEXT_FORMAT_HEADERS = ("身份证号", "联系电话", "网格代码", "户号")


def choice_lookup(choices) -> dict[str, str]:
    """{label or code: code} for a TextChoices class; labels are matched as written."""
    table = {}
    for value, label in choices.choices:
        table[str(label)] = value
        table[value] = value
    return table


@functools.lru_cache(maxsize=1)
def choice_tables() -> dict[str, dict[str, str]]:
    """{field: {label or code: code}}, with the Chinese labels whatever language the current
    request uses: the file format is Chinese, so an English UI must not change it."""
    with translation.override("zh-hans"):
        return {
            col.field: {**choice_lookup(col.choices), **dict(col.aliases)} for col in COLUMNS if col.choices is not None
        }


def allowed_labels(field_name: str) -> str:
    with translation.override("zh-hans"):
        return "、".join(str(label) for _, label in BY_FIELD[field_name].choices.choices)


def label_of(field_name: str, code: str) -> str:
    """The Chinese label of a stored choice code ('' for empty)."""
    if not code:
        return ""
    return _labels(field_name).get(code, code)


@functools.cache
def _labels(field_name: str) -> dict[str, str]:
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in BY_FIELD[field_name].choices.choices}
