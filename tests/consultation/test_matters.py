"""Matters: raising, co-signing up to the threshold, triage, and the transition table."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.consultation import services, transitions
from gongzhi.consultation.choices import MatterStatus as S
from gongzhi.consultation.models import Matter, Support
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import adults, born, open_meeting_with


@pytest.fixture
def parking(town):
    """乱停车, raised by a resident, needing 3 co-signatures."""
    raiser = born(town["g11"], dt.date(1960, 3, 3), name="刘大爷")
    matter = services.raise_matter(
        node=town["c1"], title="乱停车", resident=raiser, support_threshold=3, threshold_reason="本社区议事规则"
    )
    return matter, raiser


def test_co_signatures_move_the_matter_to_triage_at_the_threshold(parking, town):
    matter, _ = parking
    neighbours = adults(town["g12"], 4)
    assert matter.status == S.COLLECTING
    services.co_sign(matter, neighbours[0])
    services.co_sign(matter, neighbours[1])
    assert Matter.objects.get(pk=matter.pk).status == S.COLLECTING
    services.co_sign(matter, neighbours[2])
    matter.refresh_from_db()
    assert (matter.status, matter.support_count) == (S.PENDING, 3)
    moved = AuditEntry.objects.filter(content_type__model="matter", after__status=S.PENDING).get()
    assert moved.reason == "联署 3 人，达到门槛 3 人，转入研判"
    services.co_sign(matter, neighbours[3])  # support may still grow while it awaits triage
    assert Matter.objects.get(pk=matter.pk).support_count == 4


def test_co_sign_refusals(parking, town):
    matter, raiser = parking
    neighbour = adults(town["g12"], 1)[0]
    services.co_sign(matter, neighbour)
    cases = [
        (neighbour, "已联署过"),
        (raiser, "提出人不能联署"),
        (born(town["g21"], dt.date(1970, 1, 1)), "不是南庄社区的居民"),
        (born(town["g11"], dt.date(2015, 1, 1)), "未满18周岁"),
    ]
    for resident, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.co_sign(matter, resident)
    assert Support.objects.filter(matter=matter).count() == 1
    assert Matter.objects.get(pk=matter.pk).support_count == 1


def test_threshold_from_the_bodys_convening_rule(town):
    body = services.create_body(node=town["c2"], kind="villager_assembly", name="梁丰村民会议", constituency="adults")
    adults(town["g21"], 21)
    matter = services.raise_matter(node=town["c2"], title="修路", source="committee", body=body)
    assert matter.support_threshold == 3  # 1/10 of 21 adults, rounded up (Art. 21)
    assert matter.status == S.COLLECTING


def test_resident_raises_in_their_own_name(town):
    person = born(town["g11"], dt.date(1980, 1, 1))
    user = factories.make_user("resident", town["c1"], resident=person)
    with audit.acting(user=user, source="web"):
        matter = services.raise_matter(node=town["c1"], title="楼道灯不亮")
    assert (matter.raised_by, matter.raised_by_resident, matter.status) == (user, person, S.PENDING)
    with pytest.raises(ValidationError, match="关联本人的居民登记"):
        services.raise_matter(node=town["c1"], title="无名")


@pytest.mark.parametrize(
    "route,status", [("direct", S.HANDLING), ("council", S.IN_COUNCIL), ("assembly", S.TO_ASSEMBLY)]
)
def test_triage_routes(town, route, status):
    matter = services.raise_matter(node=town["c1"], title="议题", source="committee")
    assert services.triage(matter, route).status == status


def test_decline_needs_a_published_reason(town):
    matter = services.raise_matter(node=town["c1"], title="议题", source="committee")
    with pytest.raises(ValidationError, match="不予立项须说明理由"):
        services.triage(matter, "decline")
    matter = services.triage(matter, "decline", reason="属于物业合同事项，已转业委会")
    assert (matter.status, matter.route_reason) == (S.DECLINED, "属于物业合同事项，已转业委会")


def test_art24_matter_cannot_be_handled_directly_nor_decided_by_the_council(town, council):
    body, people = council
    matter = services.raise_matter(node=town["c1"], title="集体收益分配方案", source="committee", art24=True)
    with pytest.raises(ValidationError, match="第二十四条"):
        services.triage(matter, "direct")
    matter = services.triage(matter, "council", body=body)
    meeting = open_meeting_with(body, people, 25)
    item = services.add_agenda_item(meeting, matter=matter)
    motion = services.open_motion(services.propose_motion(meeting, text="同意提交村民会议", agenda_item=item))
    for p in people[:25]:
        services.cast_ballot(motion, p, "for")
    services.close_motion(motion)
    services.record_decision(motion)
    # The council agreed; the decision itself belongs to the assembly.
    assert Matter.objects.get(pk=matter.pk).status == S.TO_ASSEMBLY


def test_council_decides_an_ordinary_matter_and_rejects_another(town, council):
    body, people = council
    meeting = open_meeting_with(body, people, 20)
    outcomes = {}
    for title, ayes in (("错时停车", 11), ("拆除车棚", 10)):
        matter = services.triage(
            services.raise_matter(node=town["c1"], title=title, source="committee"), "council", body=body
        )
        item = services.add_agenda_item(meeting, matter=matter)
        motion = services.open_motion(services.propose_motion(meeting, text=title, agenda_item=item))
        for i, p in enumerate(people[:20]):
            services.cast_ballot(motion, p, "for" if i < ayes else "against")
        services.close_motion(motion)
        decision = services.record_decision(motion)
        outcomes[title] = (decision.outcome, Matter.objects.get(pk=matter.pk).status)
        with pytest.raises(ValidationError, match="已形成决议"):
            services.record_decision(motion)
    assert outcomes == {"错时停车": ("adopted", S.DECIDED), "拆除车棚": ("rejected", S.REJECTED)}


def test_transition_table_allows_and_refuses():
    assert transitions.allowed("matter", S.PENDING, S.IN_COUNCIL)
    assert transitions.allowed("matter", S.IN_COUNCIL, S.TO_ASSEMBLY)
    assert not transitions.allowed("matter", S.DECLINED, S.IN_COUNCIL)
    assert not transitions.allowed("matter", S.COLLECTING, S.DECIDED)
    with pytest.raises(ValidationError, match="当前状态“不予立项”不能转为“议事会协商”"):
        transitions.check("matter", S.DECLINED, S.IN_COUNCIL)
    # Every status appears in the table, and every target is a known status.
    for workflow, (table, labels) in transitions.TABLES.items():
        assert set(table) == set(labels.values), workflow
        assert all(t in labels.values for targets in table.values() for t in targets)


def test_refused_transition_changes_nothing(town):
    matter = services.triage(
        services.raise_matter(node=town["c1"], title="议题", source="committee"), "decline", reason="重复"
    )
    with pytest.raises(ValidationError, match="不能转为"):
        services.triage(matter, "council")
    assert Matter.objects.get(pk=matter.pk).status == S.DECLINED
    with pytest.raises(ValidationError, match="不能转为"):
        services.withdraw_matter(matter)


def test_agenda_takes_only_matters_sent_to_a_meeting(town, council):
    body, people = council
    meeting = open_meeting_with(body, people, 20)
    pending = services.raise_matter(node=town["c1"], title="未研判", source="committee")
    with pytest.raises(ValidationError, match="不能列入会议议程"):
        services.add_agenda_item(meeting, matter=pending)
