"""GB 11643 citizen ID numbers: check character, birth date, gender, legacy 15-digit numbers,
and the Chinese messages users see."""

import datetime as dt

import pytest

from gongzhi.core import idnumber
from gongzhi.core.idnumber import IdNumberError, check_char, parse


@pytest.mark.parametrize(
    "value, born, gender",
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F"),  # DOMAIN.md; sequence 002 → female
        ("440524188001010014", dt.date(1880, 1, 1), "M"),  # DOMAIN.md; 001 → male
    ],
)
def test_documented_examples_are_valid(value, born, gender):
    parsed = parse(value)
    assert parsed.value == value
    assert parsed.birth_date == born
    assert parsed.gender == gender
    assert parsed.region == value[:6]


def test_check_char_by_the_formula():
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for first17 in ("11010519491231002", "44052418800101001", "32058219900101123"):
        total = sum(int(d) * w for d, w in zip(first17, weights))
        assert check_char(first17) == "10X98765432"[total % 11]
    assert check_char("11010519491231002") == "X"


def test_lower_case_x_accepted_and_upper_cased():
    assert parse("11010519491231002x").value == "11010519491231002X"
    assert parse("  110105 19491231002x ").value == "11010519491231002X"


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(IdNumberError) as e:
        parse("110105194912310021")
    assert "校验位" in str(e.value) and "X" in str(e.value)


def test_legacy_15_digits_upgraded():
    # 15-digit 110105491231002 → insert "19" → 11010519491231002 + check char
    parsed = parse("110105491231002")
    assert parsed.value == "11010519491231002X"
    assert parsed.upgraded_from == "110105491231002"
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"
    assert idnumber.normalise("110105491231002") == "11010519491231002X"


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("", "不能为空"),
        (None, "不能为空"),
        ("1101051949123100", "18 位"),  # 16 characters
        ("1101051949123100211", "18 位"),
        ("11010519491231002Y", "最后一位为数字或 X"),
        ("1101051949X231002X", "前 17 位须为数字"),
        ("11010519490231002X", "不是有效日期"),  # 31 February... the date text is kept
        ("110105194913010020", "不是有效日期"),  # month 13
        ("110105491331002", "不是有效日期"),  # legacy number with month 13
        ("11010549123100A", "只能由数字组成"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(raw, fragment):
    with pytest.raises(IdNumberError) as e:
        parse(raw)
    assert fragment in str(e.value)


def test_future_birth_date_refused():
    future = dt.date.today() + dt.timedelta(days=400)
    first17 = f"110105{future:%Y%m%d}002"
    with pytest.raises(IdNumberError) as e:
        parse(first17 + check_char(first17))
    assert "合理范围" in str(e.value)


def test_gender_from_the_17th_digit():
    for seq, gender in (("001", "M"), ("002", "F"), ("123", "M"), ("998", "F")):
        first17 = "32058219900101" + seq
        assert parse(first17 + check_char(first17)).gender == gender
