"""Masking of identifiers in lists and exports: 3201************** and 138****5678."""

from gongzhi.core.masking import mask_id, mask_name, mask_phone


def test_id_number_keeps_only_province_and_prefecture():
    """The birth date and gender are shown in clear beside the mask: the mask must not show the
    sequence number or the check character, or little but the county would stay hidden."""
    assert mask_id("32010219900101123X") == "3201**************"
    assert mask_id("11010519491231002X") == "1101**************"
    assert len(mask_id("32010219900101123X")) == 18


def test_legacy_and_short_values():
    assert mask_id("110105491231002") == "1101***********"
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


def _candidates(masked: str) -> int:
    """How many ID numbers fit a masked one for someone who also reads the birth date (digits
    7–14) and the gender (the parity of digit 17) off the page and guesses the county (digits
    5–6, the town's own for most residents): the check character follows from the rest."""
    count = 1
    for i in range(17):
        if masked[i] != "*" or i < 14:
            continue
        count *= 5 if i == 16 else 10
    return count


def test_id_mask_hides_more_than_two_digits_beyond_the_birth_date():
    for number in ("32058219850304123X", "440524188001010014", "11010519491231002X"):
        assert _candidates(mask_id(number)) > 100, mask_id(number)


def test_phone_mask_hides_four_digits():
    assert mask_phone("18912340034").count("*") == 4
