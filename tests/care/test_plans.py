"""Plan generation: periods by frequency, month and quarter boundaries, seasons, idempotence,
who gets which item, and the tick hook."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.care import plans
from gongzhi.care.choices import Frequency
from gongzhi.care.models import PlanItem
from gongzhi.core.models import AuditEntry
from gongzhi.registry import services as registry

from .conftest import MARCH


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (dt.date(2026, 3, 1), [(dt.date(2026, 3, 1), dt.date(2026, 3, 31))]),
        (dt.date(2026, 4, 1), [(dt.date(2026, 4, 1), dt.date(2026, 4, 30))]),
        (dt.date(2028, 2, 1), [(dt.date(2028, 2, 1), dt.date(2028, 2, 29))]),  # leap year
        (dt.date(2026, 12, 1), [(dt.date(2026, 12, 1), dt.date(2026, 12, 31))]),
    ],
)
def test_monthly_is_due_on_the_last_day_of_the_month(month, expected):
    assert plans.periods(month, Frequency.MONTHLY) == expected


def test_quarterly_only_in_the_first_month_of_a_quarter_due_at_its_end():
    owed = {m: plans.periods(dt.date(2026, m, 1), Frequency.QUARTERLY) for m in range(1, 13)}
    assert [m for m, p in owed.items() if p] == [1, 4, 7, 10]
    assert owed[1] == [(dt.date(2026, 1, 1), dt.date(2026, 3, 31))]
    assert owed[10] == [(dt.date(2026, 10, 1), dt.date(2026, 12, 31))]  # across no year end


def test_weekly_is_four_periods_the_last_to_the_month_end():
    feb = plans.periods(dt.date(2026, 2, 1), Frequency.WEEKLY)
    assert [(s.day, e.day) for s, e in feb] == [(1, 7), (8, 14), (15, 21), (22, 28)]
    jan = plans.periods(dt.date(2026, 1, 1), Frequency.WEEKLY)
    assert jan[-1] == (dt.date(2026, 1, 22), dt.date(2026, 1, 31))


def test_generation_is_idempotent_and_audited_once(care):
    first = plans.generate_month(MARCH)
    # 刘大爷, the 低保 person and the one far away (grid workers' items), 钱矫正 (carer's item).
    assert first == 4
    assert plans.generate_month(MARCH) == 0
    assert PlanItem.objects.filter(month=MARCH).count() == 4
    entries = AuditEntry.objects.filter(reason="生成月度走访计划")
    assert entries.count() == 1 and entries.get().after == {"month": "2026-03-01", "added": 4}


def test_a_person_joining_a_group_mid_month_is_added_by_the_next_run(care):
    plans.generate_month(MARCH)
    registry.update_resident(care.people.plain, {}, tags=[care.tags.alone])
    assert plans.generate_month(MARCH) == 1
    assert PlanItem.objects.filter(resident=care.people.plain, month=MARCH).count() == 1


def test_items_go_to_the_grid_worker_and_special_ones_to_the_carer(care):
    plans.generate_month(MARCH)
    item = {i.resident_id: i for i in PlanItem.objects.filter(month=MARCH)}
    p, u = care.people, care.users
    assert item[p.liu.pk].worker == u.wangfang and item[p.liu.pk].reason == "独居老人"
    assert item[p.poor.pk].worker == u.wangfang and item[p.poor.pk].reason == "困难群众"
    assert item[p.corrected.pk].worker == u.carer and item[p.corrected.pk].special
    assert item[p.far.pk].worker == u.far_grid
    assert p.plain.pk not in item
    assert (item[p.liu.pk].due, item[p.liu.pk].status) == (dt.date(2026, 3, 31), "planned")


def test_winter_months_follow_the_season_frequency(care):
    plans.generate_month(dt.date(2026, 12, 1))
    dec = PlanItem.objects.filter(resident=care.people.liu, month=dt.date(2026, 12, 1)).order_by("due")
    assert [i.due.day for i in dec] == [7, 14, 21, 31]
    hardship = PlanItem.objects.filter(resident=care.people.poor, month=dt.date(2026, 12, 1))
    assert hardship.count() == 1  # not a seasonal group


def test_the_most_frequent_group_sets_the_schedule(care):
    care.groups.hardship.frequency = Frequency.QUARTERLY
    care.groups.hardship.save()
    registry.update_resident(care.people.liu, {}, tags=[care.tags.alone, care.tags.dibao])
    plans.generate_month(dt.date(2026, 2, 1))  # winter: 独居 weekly beats quarterly
    items = PlanItem.objects.filter(resident=care.people.liu, month=dt.date(2026, 2, 1))
    assert items.count() == 4 and {i.reason for i in items} == {"独居老人、困难群众"}
    plans.generate_month(dt.date(2026, 5, 1))  # May: monthly beats quarterly (not owed in May)
    assert PlanItem.objects.filter(resident=care.people.liu, month=dt.date(2026, 5, 1)).count() == 1


def test_people_moved_out_or_deceased_are_not_planned(care):
    registry.update_resident(care.people.liu, {"status": "deceased"})
    plans.generate_month(MARCH)
    assert not PlanItem.objects.filter(resident=care.people.liu).exists()


def test_tick_makes_the_current_month_once(care):
    call_command("tick")
    month = timezone.localdate().replace(day=1)
    n = PlanItem.objects.filter(month=month).count()
    assert n >= 4
    call_command("tick")
    assert PlanItem.objects.filter(month=month).count() == n
    assert AuditEntry.objects.filter(reason="生成月度走访计划", source="cli").count() == 1


def test_a_large_run_refreshes_the_plan_tables_statistics(care, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(plans, "ANALYZE_AFTER", 2)
    with CaptureQueriesContext(connection) as ctx:
        added = plans.generate_month(MARCH)
    assert added == 4 and any(q["sql"].startswith("ANALYZE") for q in ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        assert plans.generate_month(MARCH) == 0
    assert not any(q["sql"].startswith("ANALYZE") for q in ctx.captured_queries)


def test_the_month_turns_at_midnight_beijing_time_not_utc(care):
    """The tick's month is the local one: 28 Feb 23:59 in Beijing is still February although it
    is 15:59 UTC; a minute later (16:00 UTC, 1 March in Beijing) March's plans are made and
    February's stay as they were."""
    utc = dt.UTC
    plans.tick(dt.datetime(2026, 2, 28, 15, 59, tzinfo=utc))
    feb = set(PlanItem.objects.filter(month=dt.date(2026, 2, 1)).values_list("id", "due"))
    assert feb and not PlanItem.objects.filter(month=dt.date(2026, 3, 1)).exists()
    plans.tick(dt.datetime(2026, 2, 28, 16, 0, tzinfo=utc))
    assert PlanItem.objects.filter(month=dt.date(2026, 3, 1)).exists()
    assert set(PlanItem.objects.filter(month=dt.date(2026, 2, 1)).values_list("id", "due")) == feb
