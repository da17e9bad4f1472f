"""The consultation demo builds on a town through the services: bodies with members, a
meeting that missed quorum, a decision being carried out, 四议两公开 in a village, a draft with
comments, and a valid disclosure board in every community."""

import datetime as dt

from gongzhi.consultation import chain
from gongzhi.consultation.demo import build_demo_consultation
from gongzhi.consultation.models import Comment, Decision, Matter, Meeting, StepCompletion
from gongzhi.territory import services as territory

from .conftest import adults


def test_demo_consultation(town):
    village = territory.create_node(parent=town["t"], kind="village", code="320582100201", name="横河村")
    vgrid = territory.create_node(parent=village, kind="grid", code="320582100201001", name="横河村第01网格")
    adults(town["g11"], 80, birth=dt.date(1975, 1, 1))
    adults(town["g21"], 3)
    adults(vgrid, 40, birth=dt.date(1970, 1, 1))
    nodes = {"c001": town["c1"], "c002": town["c2"], "c201": village, "g001001": town["g11"]}

    build_demo_consultation(nodes, seed=3)

    missed = Meeting.objects.filter(node=town["c1"], minutes__contains="未达法定人数").get()
    assert missed.motions.get().status == "draft"
    parking = Matter.objects.get(title__startswith="小区乱停车")
    assert (parking.status, parking.support_count) == ("carrying_out", 43)
    marking = parking.tasks.get(progress=60)
    assert [(m.title, m.done_at is not None, m.overdue) for m in marking.milestones.order_by("order")] == [
        ("南区划线", True, False),
        ("张贴错时停车告示", False, True),
        ("北区划线", False, False),
    ]
    dividend = Matter.objects.get(title="集体资产收益分红方案")
    assert dividend.status == "decided"
    assert StepCompletion.objects.filter(workflow__matter=dividend).count() == 5
    assert Comment.objects.filter(paragraph__draft__node=town["c2"]).count() == 3
    assert Decision.objects.filter(outcome="adopted").count() == 4
    for node in (town["c1"], town["c2"], village):
        result = chain.verify(node)
        assert result.ok and result.checked >= 4, (node, result.text)
