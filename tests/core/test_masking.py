"""Masking of identifiers in lists and exports: 3201**********123X and 138****5678."""
from gongzhi.core.masking import mask_id, mask_name, mask_phone


def test_id_number_keeps_four_and_four():
    assert mask_id("32010219900101123X") == "3201**********123X"
    assert mask_id("11010519491231002X") == "1101**********002X"
    assert len(mask_id("32010219900101123X")) == 18


def test_legacy_and_short_values():
    assert mask_id("110105491231002") == "1101*******1002"
    assert mask_id("12345678") == "********"
    assert mask_id("") == ""


def test_mobile():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""


def test_landline_keeps_area_code_and_last_four():
    masked = mask_phone("0512-58881234")
    assert masked.startswith("0512") and masked.endswith("1234") and "****" in masked
    assert "5888" not in masked


def test_short_landline_fully_hidden_but_last_four():
    assert mask_phone("1234") == "****"
    assert mask_phone("58881234") == "****1234"


def test_name_for_public_pages():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("王") == "王"
