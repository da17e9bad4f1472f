"""Phone numbers: mainland mobiles (11 digits starting with 1) and landlines."""

import pytest

from gongzhi.core.phone import PhoneError, normalise


@pytest.mark.parametrize(
    "raw, value",
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0512-58881234", "0512-58881234"),
        ("051258881234", "051258881234"),
        ("010-12345678", "010-12345678"),
        ("", ""),
        (None, ""),
    ],
)
def test_accepted(raw, value):
    assert normalise(raw) == value


@pytest.mark.parametrize(
    "raw, fragment",
    [
        ("1381234567", "11 位"),  # 10 digits
        ("138123456789", "11 位"),
        ("12812345678", "第二位为 3–9"),
        ("1381234567a", "11 位"),
        ("5551234", "格式不正确"),
        ("0512-123", "格式不正确"),
        ("abc", "格式不正确"),
    ],
)
def test_refused_with_a_chinese_message(raw, fragment):
    with pytest.raises(PhoneError) as e:
        normalise(raw)
    assert fragment in str(e.value)
