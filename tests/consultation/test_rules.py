"""Every legal threshold at its boundary, with the arithmetic as shown to people."""

import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from gongzhi.consultation import rules, services
from gongzhi.consultation.models import BodyRule
from gongzhi.core.models import AuditEntry


def test_representatives_quorum_20_of_30_met_19_not():
    assert rules.villager_representatives(eligible=30, present=20).quorum.met
    no = rules.villager_representatives(eligible=30, present=19).quorum
    assert not no.met
    assert no.text == "出席 19/30，需 ≥ 20，未达法定人数"
    assert rules.villager_representatives(eligible=30, present=20).quorum.text == "出席 20/30，需 ≥ 20，达到法定人数"


def test_ten_for_ten_against_of_twenty_present_fails():
    result = rules.villager_representatives(eligible=30, present=20, ayes=10, nays=10)
    assert result.quorum.met and not result.passage.met and not result.passed
    assert result.passage.text == "赞成 10/20，需 > 10，未通过"
    assert rules.villager_representatives(eligible=30, present=20, ayes=11, nays=9).passed


def test_abstentions_count_against_passing():
    result = rules.villager_representatives(eligible=30, present=20, ayes=10, nays=2, abstentions=8)
    assert not result.passed


def test_villager_assembly_more_than_half_of_adults():
    assert not rules.villager_assembly(eligible=100, present=50).quorum.met
    assert rules.villager_assembly(eligible=100, present=51).quorum.met
    assert rules.villager_assembly(eligible=99, present=50).quorum.met
    assert not rules.villager_assembly(eligible=99, present=49).quorum.met
    assert rules.villager_assembly(eligible=100, present=50).quorum.text == "出席 50/100，需 > 50，未达法定人数"
    assert rules.villager_assembly(eligible=99, present=49).quorum.text == "出席 49/99，需 ≥ 50，未达法定人数"


def test_villager_assembly_two_thirds_of_household_representatives():
    assert rules.villager_assembly(eligible=99, present=66, households=True).quorum.met
    assert not rules.villager_assembly(eligible=99, present=65, households=True).quorum.met
    assert rules.villager_assembly(eligible=100, present=67, households=True).quorum.met
    assert not rules.villager_assembly(eligible=100, present=66, households=True).quorum.met
    # 60 of 100: more than half of adults would do, but not two thirds of households.
    assert rules.villager_assembly(eligible=100, present=60).quorum.met
    assert not rules.villager_assembly(eligible=100, present=60, households=True).quorum.met


def test_villager_group_two_thirds():
    assert rules.villager_group(eligible=30, present=20).quorum.met
    assert not rules.villager_group(eligible=30, present=19, households=True).quorum.met


def test_resident_assembly_more_than_half():
    assert not rules.resident_assembly(eligible=40, present=20).quorum.met
    assert rules.resident_assembly(eligible=40, present=21, ayes=11).passed
    assert not rules.resident_assembly(eligible=40, present=21, ayes=10).passed


def test_resident_representatives_two_thirds_marked_verify():
    assert rules.resident_representatives(eligible=30, present=20, ayes=11).passed
    assert BodyRule.objects.get(code="resident_representatives").verify


def test_party_meeting_two_thirds_present_and_more_than_half_of_present():
    assert rules.party_members_review(eligible=30, present=20, ayes=11).passed
    assert not rules.party_members_review(eligible=30, present=20, ayes=10).passed
    r = rules.party_members_review(eligible=30, present=19, ayes=19)
    assert not r.quorum.met and r.passage.met and not r.passed
    assert r.text == "出席 19/30，需 ≥ 20，未达法定人数；表决无效（赞成 19/19）"


def test_recall_counts_ballots_cast():
    assert not rules.recall(registered=100, ayes=30, nays=20).quorum.met  # 50 voted: not more than half
    result = rules.recall(registered=100, ayes=26, nays=25)
    assert result.quorum.met and result.passed
    assert result.quorum.text == "投票 51/100，需 > 50，投票人数达到法定要求"
    assert not rules.recall(registered=100, ayes=25, nays=25, abstentions=1).passed


def test_zero_constituency_is_never_quorate():
    r = rules.villager_representatives(eligible=0, present=0).quorum
    assert not r.met and "应到人数为 0" in r.text


@pytest.mark.parametrize("num,den,strict", [(1, 2, True), (2, 3, False), (1, 10, False), (4, 5, False), (1, 3, True)])
def test_integer_arithmetic_agrees_with_exact_fractions(num, den, strict):
    for total in range(1, 121):
        needed, _ = rules.requirement(total, num, den, strict)
        for count in range(total + 1):
            exact = (
                Fraction(count, total) > Fraction(num, den) if strict else Fraction(count, total) >= Fraction(num, den)
            )
            assert rules.meets(count, total, num, den, strict) == exact, (count, total)
            assert (count >= needed) == exact, (count, total)


def test_notice_period_ten_days_for_villager_assembly():
    rule = BodyRule.objects.get(code="villager_assembly_adults")
    assert rules.notice(rule, notice_date=dt.date(2026, 6, 1), meeting_date=dt.date(2026, 6, 11)).met
    short = rules.notice(rule, notice_date=dt.date(2026, 6, 2), meeting_date=dt.date(2026, 6, 11))
    assert not short.met and short.text == "提前 9 天通知，需 ≥ 10 天，通知期限不足"


def test_convening_support_is_a_ceiling():
    rule = BodyRule.objects.get(code="villager_assembly_adults")  # 1/10 of villagers (Art. 21)
    assert [rules.convening_support(rule, n) for n in (95, 100, 101)] == [10, 10, 11]
    assert rules.convening_support(BodyRule.objects.get(code="council"), 100) == 0


def test_rules_are_data_with_articles_and_a_correction_is_audited():
    rule = BodyRule.objects.get(code="villager_representatives")
    assert rule.article == "第二十五条、第二十六条" and "村民委员会组织法" in rule.law
    with pytest.raises(ValidationError):
        services.update_rule(rule, {"quorum_num": 3, "quorum_den": 4}, reason="")
    services.update_rule(rule, {"quorum_num": 3, "quorum_den": 4}, reason="本地规则调整（测试）")
    assert not rules.villager_representatives(eligible=40, present=29).quorum.met
    assert rules.villager_representatives(eligible=40, present=30).quorum.met
    entry = AuditEntry.objects.filter(content_type__model="bodyrule").latest("id")
    assert entry.after == {"quorum_num": 3, "quorum_den": 4} and entry.reason == "本地规则调整（测试）"


def test_every_seeded_rule_is_sane():
    codes = set(BodyRule.objects.values_list("code", flat=True))
    assert set(rules.DEFAULT_RULE.values()) | {"recall"} <= codes
    for rule in BodyRule.objects.all():
        rule.full_clean()
