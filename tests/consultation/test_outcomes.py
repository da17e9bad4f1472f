"""民事民办 and 民事民评: tasks move the matter to 实施中 and, when all are done, to 已办结;
residents then rate it once each."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.consultation import selectors, services
from gongzhi.consultation.models import Matter, Rating

from .conftest import adults, born


@pytest.fixture
def handled(town):
    """A matter the committee handles directly."""
    return services.triage(services.raise_matter(node=town["c1"], title="修复楼道灯", source="committee"), "direct")


def test_tasks_carry_the_matter_to_done(handled):
    matter = handled
    first = services.add_task(matter, title="采购灯具", owner_name="陈书记", due=dt.date(2026, 7, 1))
    second = services.add_task(matter, title="安装", owner_name="物业王经理")
    assert Matter.objects.get(pk=matter.pk).status == "carrying_out"
    services.update_progress(first, 50, note="已询价")
    first = services.update_progress(first, 100, note="已到货")
    assert first.status == "done" and first.done_at is not None
    assert Matter.objects.get(pk=matter.pk).status == "carrying_out"
    services.update_progress(second, 100)
    assert Matter.objects.get(pk=matter.pk).status == "done"
    with pytest.raises(ValidationError, match="任务已完成"):
        services.update_progress(second, 90)


def test_bad_progress_and_premature_tasks_are_refused(town, handled):
    task = services.add_task(handled, title="安装", owner_name="王经理")
    for bad in (101, -1, "50"):
        with pytest.raises(ValidationError, match="0–100"):
            services.update_progress(task, bad)
    pending = services.raise_matter(node=town["c1"], title="未研判", source="committee")
    with pytest.raises(ValidationError, match="尚不能安排实施"):
        services.add_task(pending, title="x", owner_name="y")


def test_residents_rate_a_done_matter_once(town, handled):
    task = services.add_task(handled, title="安装", owner_name="王经理")
    raters = adults(town["g11"], 3)
    with pytest.raises(ValidationError, match="办结后才能评议"):
        services.rate(handled, raters[0], 5)
    services.update_progress(task, 100)
    matter = Matter.objects.get(pk=handled.pk)
    for person, score in zip(raters, (5, 4, 4)):
        services.rate(matter, person, score, comment="好")
    with pytest.raises(ValidationError, match="已评议过"):
        services.rate(matter, raters[0], 1)
    with pytest.raises(ValidationError, match="不是南庄社区的居民"):
        services.rate(matter, born(town["g21"], dt.date(1970, 1, 1)), 3)
    with pytest.raises(ValidationError, match="未满18周岁"):
        services.rate(matter, born(town["g11"], dt.date(2015, 1, 1)), 3)
    with pytest.raises(ValidationError, match="1–5"):
        services.rate(matter, born(town["g11"], dt.date(1970, 1, 1)), 6)
    assert Rating.objects.filter(matter=matter).count() == 3
    summary = selectors.rating_summary(matter)
    assert summary == {"count": 3, "average": "4.3", "by_score": {5: 1, 4: 2, 3: 0, 2: 0, 1: 0}}


def test_average_rounds_half_up_in_integers(town, handled):
    task = services.add_task(handled, title="安装", owner_name="王经理")
    services.update_progress(task, 100)
    matter = Matter.objects.get(pk=handled.pk)
    for person, score in zip(adults(town["g11"], 4), (5, 5, 4, 4)):  # 4.5
        services.rate(matter, person, score)
    assert selectors.rating_summary(matter)["average"] == "4.5"
    assert selectors.rating_summary(services.raise_matter(node=town["c1"], title="新", source="committee")) == {
        "count": 0,
        "average": "—",
        "by_score": {5: 0, 4: 0, 3: 0, 2: 0, 1: 0},
    }


def test_result_is_published_only_once_carried_out(town, handled):
    with pytest.raises(ValidationError, match="尚未实施"):
        services.publish_result(handled, body="—")
    services.add_task(handled, title="安装", owner_name="王经理")
    entry = services.publish_result(Matter.objects.get(pk=handled.pk), body="灯已修复")
    assert entry.kind == "result" and entry.title == "实施结果公开：修复楼道灯"
