"""The month's care figures (item 9): households visited, difficulties solved, 代办 (needs the
visitor filed as requests) and the coverage of each care group — for the town per community and
the community per grid, in scope, never counting special groups, with its Excel export and the
workbench figure; each figure compared with a recount of the visits made."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.care import figures, plans, services
from gongzhi.cases.models import Case
from gongzhi.core import manifest
from gongzhi.core.models import AuditEntry
from gongzhi.requests import services as requests

from .conftest import MARCH

SECRET = ("低保", "社区矫正", "钱矫正", "重点关爱")


def at(month, day, hour=10):
    return timezone.make_aware(dt.datetime(2026, month, day, hour))


def web(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def visited(care):
    """March: 刘大爷 visited twice (one household), 邱梅敏 once with a need filed as a request
    that was closed in March, 钱矫正 by his carer (special: never counted), 周远方 on g21 once;
    one February visit that must not count."""
    plans.generate_month(MARCH)
    u, p = care.users, care.people
    light = requests.create_category(name="路灯损坏", kind="help", deadline_days=3, service_code="light")
    services.record_visit(u.wangfang, resident=p.liu, visited_at=at(2, 20))
    services.record_visit(u.wangfang, resident=p.liu, visited_at=at(3, 5))
    services.record_visit(u.wangfang, resident=p.liu, visited_at=at(3, 20))
    poor = services.record_visit(u.wangfang, resident=p.poor, visited_at=at(3, 6), needs="楼道灯坏了")
    filed = services.request_from_visit(u.wangfang, poor, category=light, description="楼道灯坏了")
    Case.objects.filter(pk=filed.pk).update(closed_at=at(3, 9))  # 办结 in March
    services.record_visit(u.carer, resident=p.corrected, visited_at=at(3, 7))
    services.record_visit(u.far_grid, resident=p.far, visited_at=at(3, 8))
    return care


def test_the_community_sees_its_grids(visited):
    found = figures.month_figures(visited.users.community, MARCH)
    assert found["by_grid"] is True
    assert [(r["name"], r["households"], r["visits"], r["solved"], r["proxy"]) for r in found["rows"]] == [
        (visited.town["g11"].name, 2, 3, 1, 1)
    ]
    assert found["total"] == {"households": 2, "visits": 3, "solved": 1, "proxy": 1}


def test_the_town_sees_its_communities(visited):
    found = figures.month_figures(visited.users.town, MARCH)
    assert found["by_grid"] is False
    rows = {r["name"]: (r["households"], r["visits"], r["solved"], r["proxy"]) for r in found["rows"]}
    assert rows == {visited.town["c1"].name: (2, 3, 1, 1), visited.town["c2"].name: (1, 1, 0, 0)}
    assert found["total"]["households"] == 3


def test_coverage_of_each_group_in_scope(visited):
    town = {g["label"]: (g["people"], g["visited"], g["rate"]) for g in figures.coverage(visited.users.town, MARCH)}
    assert town == {"独居老人": (2, 2, 100), "困难群众": (1, 1, 100)}  # the special group is not listed
    c2 = {g["label"]: g["people"] for g in figures.coverage(visited.users.community2, MARCH)}
    assert c2 == {"独居老人": 1, "困难群众": 0}


def test_a_person_in_two_groups_counts_once_in_each(visited):
    p = visited.people
    p.far.tags.add(visited.tags.dibao)
    plans.generate_month(dt.date(2026, 4, 1))
    found = {g["label"]: g["people"] for g in figures.coverage(visited.users.town, dt.date(2026, 4, 1))}
    assert found == {"独居老人": 2, "困难群众": 2}


def test_february_counts_only_its_own_visit(visited):
    assert figures.month_figures(visited.users.community, dt.date(2026, 2, 1))["total"] == {
        "households": 1,
        "visits": 1,
        "solved": 0,
        "proxy": 0,
    }


@pytest.mark.parametrize(
    ("who", "status"), [("community", 200), ("town", 200), ("supervisor", 200), ("wangfang", 403), ("carer", 403)]
)
def test_figures_page_per_role(visited, who, status):
    response = web(getattr(visited.users, who)).get(reverse("care:figures"), {"month": "2026-03"})
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "独居老人" in body and not any(word in body for word in SECRET)


@pytest.mark.parametrize(("who", "status"), [("community", 200), ("town", 200), ("supervisor", 403)])
def test_figures_export_per_role(visited, who, status):
    response = web(getattr(visited.users, who)).get(reverse("care:figures"), {"month": "2026-03", "export": "xlsx"})
    assert response.status_code == status


def test_export_holds_the_page_tables_and_is_logged(visited):
    response = web(visited.users.town).get(reverse("care:figures"), {"month": "2026-03", "export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    first, second = (list(ws.values) for ws in wb.worksheets)
    assert first[0] == ("社区", "走访户数", "走访次数", "解决困难", "代办服务")
    assert first[-1] == ("合计", 3, 4, 1, 1)
    assert ("独居老人", 2, 2, 100) in second
    cells = " ".join(str(c) for ws in wb.worksheets for row in ws.values for c in row)
    assert not any(word in cells for word in SECRET)
    assert AuditEntry.objects.filter(action="export", object_repr__contains="走访统计").count() == 1


def test_the_page_costs_the_same_queries_for_more_visits(visited, django_assert_max_num_queries):
    client = web(visited.users.town)
    client.get(reverse("care:figures"), {"month": "2026-03"})
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("care:figures"), {"month": "2026-03"})
    for day in range(10, 20):
        services.record_visit(visited.users.far_grid, resident=visited.people.far, visited_at=at(3, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("care:figures"), {"month": "2026-03"})


def test_the_figures_page_is_in_the_menu_of_who_may_read_it(care):
    entries = [e for _label, m in manifest.apps() for e in m.menu if e.url == "care:figures"]
    assert [e.perms for e in entries] == [("care.view_completion",)]
    assert reverse("care:figures") in web(care.users.community).get(reverse("care:completion")).content.decode()
    assert reverse("care:figures") not in web(care.users.wangfang).get(reverse("care:my_list")).content.decode()


def test_the_completion_page_lists_the_first_overdue_and_says_how_many_in_all(care, monkeypatch):
    from gongzhi.care import views

    plans.generate_month(MARCH)  # March is past: 刘大爷's and 邱梅敏's items are overdue
    monkeypatch.setattr(views, "OVERDUE_SHOWN", 1)
    body = web(care.users.community).get(reverse("care:completion"), {"month": "2026-03"}).content.decode()
    assert "共 2 条，此处显示最早到期的 1 条" in body
    monkeypatch.setattr(views, "OVERDUE_SHOWN", 100)
    body = web(care.users.community).get(reverse("care:completion"), {"month": "2026-03"}).content.decode()
    assert "此处显示最早到期" not in body and "刘大爷" in body and "邱梅敏" in body
