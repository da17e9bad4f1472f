"""The arithmetic of points: entry values, caps (positive and negative rules) and ranks."""

import pytest

from gongzhi.care.points import rules


def test_entry_points_multiply_and_keep_the_sign():
    assert rules.entry_points(2) == 2
    assert rules.entry_points(1, 8) == 8
    assert rules.entry_points(-5, 2) == -10
    with pytest.raises(ValueError):
        rules.entry_points(0)
    with pytest.raises(ValueError):
        rules.entry_points(3, 0)
    with pytest.raises(ValueError):
        rules.entry_points(3, rules.MAX_QUANTITY + 1)


def test_cap_on_a_gain():
    assert rules.check_cap(None, 500, 500).allowed
    assert rules.check_cap(20, 15, 5) == rules.CapCheck(True, 15, 5)
    refused = rules.check_cap(20, 16, 5)
    assert not refused.allowed and refused.room == 4


def test_cap_on_a_deduction_bounds_its_size():
    assert rules.check_cap(10, -5, -5).allowed
    refused = rules.check_cap(10, -10, -5)
    assert not refused.allowed and refused.room == 0
    assert rules.check_cap(10, 0, -15).allowed is False


def test_competition_ranking_shares_ranks_and_skips():
    rows = [{"n": "a", "total": 5}, {"n": "b", "total": 9}, {"n": "c", "total": 5}, {"n": "d", "total": -2}]
    ranked = rules.ranked(rows)
    assert [(r["n"], r["rank"]) for r in ranked] == [("b", 1), ("a", 2), ("c", 2), ("d", 4)]
    assert rules.ranked([]) == []
