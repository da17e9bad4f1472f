"""统一社会信用代码 (GB 32100-2015): alphabet, check character, messages."""

import random

import pytest

from gongzhi.core import uscc
from gongzhi.core.uscc import ALPHABET, UsccError, check_char, normalise


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the sample code printed in explanations of GB 32100-2015
        "914403001922038216",  # 华为技术有限公司, as published in the national enterprise credit system
    ],
)
def test_documented_real_world_codes_are_valid(code):
    assert normalise(code) == code
    assert normalise(code.lower()) == code


def test_generated_codes_round_trip():
    rng = random.Random(32100)
    for _ in range(200):
        first17 = "".join(rng.choice(ALPHABET) for _ in range(17))
        code = first17 + check_char(first17)
        assert normalise(code) == code


def test_check_char_by_the_formula():
    first17 = "91350100M000100Y4"
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, uscc.WEIGHTS))
    assert check_char(first17) == ALPHABET[(31 - total % 31) % 31] == "3"


def test_every_wrong_check_character_refused():
    first17 = "91350100M000100Y4"
    for c in ALPHABET:
        if c != "3":
            with pytest.raises(UsccError) as e:
                normalise(first17 + c)
            assert "校验位错误" in str(e.value) and "3" in str(e.value)


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", "中"])
def test_letters_outside_the_alphabet_refused(bad):
    with pytest.raises(UsccError) as e:
        normalise("91350100M000100Y4"[:16] + bad + "3")
    assert "不允许的字符" in str(e.value)


@pytest.mark.parametrize("raw", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_wrong_length(raw):
    with pytest.raises(UsccError) as e:
        normalise(raw)
    assert "18 位" in str(e.value)


def test_spaces_around_are_ignored():
    assert normalise("  91350100m000100y43 ") == "91350100M000100Y43"
