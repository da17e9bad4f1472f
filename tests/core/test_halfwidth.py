"""Full-width digits, `Ｘ` and full-width phone punctuation are read as ASCII by the one ID and
phone validation every channel uses; other scripts' digits are refused, never stored."""

import pytest

from gongzhi.core import idnumber, phone
from gongzhi.core.halfwidth import ascii_form

FULL = str.maketrans("0123456789Xx-+ ", "０１２３４５６７８９Ｘｘ－＋\u3000")


def test_ascii_form_maps_the_full_width_block_and_leaves_chinese_alone():
    assert ascii_form("３２０５８２ｘ－＋\u3000張三") == "320582x-+ 張三"
    assert ascii_form("138\u20141234\u22125678") == "138-1234-5678"
    plain = "11010519491231002X"
    assert ascii_form(plain) is plain


@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x", "440524188001010014", "110105491231002"])
def test_full_width_id_numbers_are_stored_in_ascii(value):
    typed = value.translate(FULL)
    assert typed != value
    assert idnumber.normalise(typed) == idnumber.normalise(value)
    assert idnumber.normalise(typed).isascii()


def test_full_width_id_with_a_wrong_check_character_names_ascii_digits():
    with pytest.raises(idnumber.IdNumberError) as e:
        idnumber.parse("110105194912310021".translate(FULL))
    assert "最后一位应为 X，填写的是 1" in str(e.value)


@pytest.mark.parametrize("raw", ["١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "11010519491231002²", "1101054912310０²"])
def test_other_scripts_digits_are_refused(raw):
    with pytest.raises(idnumber.IdNumberError):
        idnumber.parse(raw)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("１３８１２３４５６７８", "13812345678"),
        ("１３８－１２３４－５６７８", "13812345678"),
        ("１３８\u3000１２３４\u3000５６７８", "13812345678"),
        ("＋８６１３８１２３４５６７８", "13812345678"),
        ("０５１２－５８８８１２３４", "0512-58881234"),
    ],
)
def test_full_width_phone_numbers_are_stored_in_ascii(raw, value):
    assert phone.normalise(raw) == value


@pytest.mark.parametrize("raw", ["١٣٨١٢٣٤٥٦٧٨", "0512-٥٨٨٨١٢٣٤"])
def test_phone_in_other_digits_is_refused(raw):
    with pytest.raises(phone.PhoneError):
        phone.normalise(raw)
