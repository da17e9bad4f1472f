"""Issue 11 item 3: convening thresholds come from the law and the registry; a staff override
needs a reason and stays beside the legal figure; reaching the legal threshold of a 村民会议 /
居民会议 obliges convening (no decline, a tracked deadline, reminded by the tick); a matter short
of signatures expires, and its proposer may withdraw it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from gongzhi.consultation import rules, services
from gongzhi.consultation.apps import _tick
from gongzhi.consultation.choices import MatterStatus as S
from gongzhi.consultation.models import Matter
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import adults, born


@pytest.fixture
def village(town):
    """梁丰村 with 21 adult villagers and its 村民会议 (1/10 → 3 co-signatures, Art. 21)."""
    body = services.create_body(node=town["c2"], kind="villager_assembly", name="梁丰村民会议", constituency="adults")
    return body, adults(town["g21"], 21)


def _raise(body, raiser, **kw):
    return services.raise_matter(node=body.node, title="修建村道", resident=raiser, body=body, **kw)


@pytest.mark.parametrize("population", [0, 1, 9, 10, 11, 29, 30, 31, 829, 830, 831])
def test_legal_threshold_is_the_smallest_whole_number_reaching_the_fraction(population):
    rule = rules.rule_for("villager_assembly_adults")
    got = rules.convening_threshold(rule, population, counted="十八周岁以上村民")
    expected = 0 if population == 0 else -(-population // 10)
    assert got.needed == expected
    assert (got.needed * 10 >= population) and (got.needed == 0 or (got.needed - 1) * 10 < population)
    if expected:
        assert f"{population} 人的 1/10，需 ≥ {expected} 人联署" in got.text and "第二十一条" in got.text


def test_threshold_is_computed_from_the_rule_and_the_registry(village):
    body, people = village
    matter = _raise(body, people[0])
    assert (matter.legal_threshold, matter.support_threshold) == (3, 3)
    assert matter.threshold_basis == (
        "十八周岁以上村民 21 人的 1/10，需 ≥ 3 人联署（中华人民共和国村民委员会组织法第二十一条、第二十二条）"
    )
    assert not matter.threshold_overridden and matter.status == S.COLLECTING
    assert matter.collect_until == timezone.localdate() + dt.timedelta(days=90)


def test_resident_assembly_uses_one_fifth_of_adults_whatever_the_constituency(town):
    body = services.create_body(
        node=town["c1"], kind="resident_assembly", name="南庄居民会议", constituency="households"
    )
    people = adults(town["g11"], 11)
    matter = services.raise_matter(node=town["c1"], title="加装电梯", resident=people[0], body=body)
    assert matter.legal_threshold == 3  # 1/5 of 11 adults, rounded up (居组法 Art. 9)
    assert "十八周岁以上居民 11 人的 1/5" in matter.threshold_basis


def test_an_override_needs_a_reason_and_keeps_the_legal_figure(village):
    body, people = village
    with pytest.raises(ValidationError, match="与法定人数（3 人）不同，须说明理由"):
        _raise(body, people[0], support_threshold=2)
    with pytest.raises(ValidationError, match="不能高于法定提议人数 3 人"):
        _raise(body, people[0], support_threshold=30, threshold_reason="多一些更稳妥")
    matter = _raise(body, people[0], support_threshold=2, threshold_reason="村规民约：两人联署即提交研判")
    assert (matter.support_threshold, matter.legal_threshold) == (2, 3)
    assert matter.threshold_overridden
    assert AuditEntry.objects.filter(reason="村规民约：两人联署即提交研判").exists()


def test_override_is_shown_beside_the_legal_figure(client, village, town):
    body, people = village
    matter = _raise(body, people[0], support_threshold=2, threshold_reason="村规民约：两人联署即提交研判")
    client.force_login(factories.make_user("community", town["c2"]))
    html = client.get(f"/consultation/matters/{matter.pk}/").content.decode()
    assert "法定联署人数" in html and "需 ≥ 3 人联署" in html
    assert "工作人员调整的门槛" in html and "村规民约：两人联署即提交研判" in html


def test_reaching_the_legal_threshold_obliges_convening(village):
    body, people = village
    matter = _raise(body, people[0])
    for p in people[1:4]:
        services.co_sign(matter, p)
    assert matter.status == S.PENDING and matter.obliged_at is not None
    assert matter.convene_by == timezone.localdate() + dt.timedelta(days=30)
    matter = Matter.objects.get(pk=matter.pk)
    with pytest.raises(ValidationError, match="应当召集梁丰村民会议.*不能不予立项"):
        services.triage(matter, "decline", reason="资金不足")
    with pytest.raises(ValidationError, match="应当召集"):
        services.triage(matter, "direct")
    with pytest.raises(ValidationError, match="应当召集"):
        services.withdraw_matter(matter)
    assert services.triage(matter, "assembly", body=body).status == S.TO_ASSEMBLY


def test_a_lowered_threshold_moves_to_triage_but_only_the_legal_one_obliges(village):
    body, people = village
    matter = _raise(body, people[0], support_threshold=2, threshold_reason="村规民约")
    for p in people[1:3]:
        services.co_sign(matter, p)
    assert matter.status == S.PENDING and matter.obliged_at is None
    services.co_sign(matter, people[3])  # still collecting while pending: the third reaches the law
    assert matter.obliged_at is not None


def test_a_council_matter_never_obliges(town):
    council = services.create_body(node=town["c1"], kind="council", name="议事会", constituency="members")
    people = adults(town["g11"], 4)
    matter = services.raise_matter(
        node=town["c1"], title="绿化", resident=people[0], body=council, support_threshold=2, threshold_reason="章程"
    )
    assert matter.legal_threshold == 0
    for p in people[1:3]:
        services.co_sign(matter, p)
    assert matter.obliged_at is None
    assert services.triage(Matter.objects.get(pk=matter.pk), "decline", reason="不属于议事范围").status == S.DECLINED


@override_settings(GONGZHI_CONVENE_DEADLINE_DAYS=10)
def test_deadline_is_a_setting_and_the_tick_reminds_when_it_is_near(village):
    body, people = village
    matter = _raise(body, people[0])
    for p in people[1:4]:
        services.co_sign(matter, p)
    assert matter.convene_by == timezone.localdate() + dt.timedelta(days=10)
    lines = []
    assert _tick(timezone.now(), lines.append) == 0 and lines == []
    later = timezone.now() + dt.timedelta(days=11)
    assert _tick(later, lines.append) == 1
    assert "应于" in lines[0] and "前召集梁丰村民会议（已逾期）" in lines[0]
    assert Matter.objects.get(pk=matter.pk).convene_overdue_on(timezone.localdate() + dt.timedelta(days=11))


@override_settings(GONGZHI_SIGNATURE_PERIOD_DAYS=7)
def test_a_matter_short_of_signatures_expires_by_the_tick(village):
    body, people = village
    matter = _raise(body, people[0])
    services.co_sign(matter, people[1])
    assert matter.collect_until == timezone.localdate() + dt.timedelta(days=7)
    lines = []
    _tick(timezone.now() + dt.timedelta(days=7), lines.append)
    assert Matter.objects.get(pk=matter.pk).status == S.COLLECTING
    _tick(timezone.now() + dt.timedelta(days=8), lines.append)
    expired = Matter.objects.get(pk=matter.pk)
    assert expired.status == S.EXPIRED and "联署期满未达门槛" in lines[0]
    with pytest.raises(ValidationError, match="不再征集联署"):
        services.co_sign(expired, people[2])
    assert AuditEntry.objects.filter(reason__contains="联署 1/3 人，未达门槛").exists()


def test_the_proposer_withdraws_from_the_matter_page(client, village, town):
    body, people = village
    raiser_user = factories.make_user("resident", town["c2"], resident=people[0])
    with audit.acting(user=raiser_user, source="web"):
        matter = _raise(body, people[0])
    other = factories.make_user("resident", town["c2"], resident=born(town["g21"], dt.date(1970, 1, 1)))
    url = f"/consultation/matters/{matter.pk}/withdraw/"
    client.force_login(other)
    assert 'id="withdraw"' not in client.get(f"/consultation/matters/{matter.pk}/").content.decode()
    assert client.post(url).status_code == 404
    client.force_login(raiser_user)
    assert 'id="withdraw"' in client.get(f"/consultation/matters/{matter.pk}/").content.decode()
    assert client.post(url).status_code == 302
    assert Matter.objects.get(pk=matter.pk).status == S.WITHDRAWN
