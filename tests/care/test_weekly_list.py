"""The visit list grouped by week when the plan is weekly (独居老人 in winter): one heading per
week in order, then the month's items; no headings in a month with one period; the rows keep
what the offline list needs."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from gongzhi.care import plans, selectors

DECEMBER = dt.date(2026, 12, 1)


def page(user, month):
    client = Client()
    client.force_login(user)
    return client.get(reverse("care:my_list"), {"month": month}).content.decode()


def test_a_winter_list_is_grouped_by_week_then_the_month(care):
    plans.generate_month(DECEMBER)
    rows = selectors.visit_list(care.users.wangfang, DECEMBER, today=DECEMBER)
    groups = selectors.by_period(rows)
    assert [(s.day, d.day) for s, d, _rows in groups] == [(1, 7), (8, 14), (15, 21), (22, 31), (1, 31)]
    assert [[r["resident__name"] for r in found] for _s, _d, found in groups] == [["刘大爷"]] * 4 + [["邱梅敏"]]
    body = page(care.users.wangfang, "2026-12")
    headings = ["第1周（12-01–12-07）", "第2周（12-08–12-14）", "第3周（12-15–12-21）", "第4周（12-22–12-31）"]
    positions = [body.index(h) for h in [*headings, "本月（应访 12-31 前）"]]
    assert positions == sorted(positions)
    assert body.count('data-name="刘大爷"') == 4 and body.count('data-name="邱梅敏"') == 1


def test_a_month_with_one_period_has_no_headings(care):
    plans.generate_month(dt.date(2026, 3, 1))
    body = page(care.users.wangfang, "2026-03")
    assert "第1周" not in body and "本月（应访" not in body
    assert 'data-name="刘大爷"' in body and 'data-due="2026-03-31"' in body


def test_period_labels():
    assert selectors.period_label(dt.date(2026, 12, 8), dt.date(2026, 12, 14)) == "第2周（12-08–12-14）"
    assert selectors.period_label(dt.date(2026, 1, 1), dt.date(2026, 1, 31)) == "本月（应访 01-31 前）"
    assert selectors.period_label(dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == "本季度（应访 03-31 前）"


def test_every_value_of_a_row_is_escaped(care):
    from gongzhi.registry.models import Resident

    Resident.objects.filter(pk=care.people.liu.pk).update(name='<b>"刘</b>')
    plans.generate_month(dt.date(2026, 3, 1))
    body = page(care.users.wangfang, "2026-03")
    assert "<b>" not in body and "&lt;b&gt;&quot;刘&lt;/b&gt;" in body
