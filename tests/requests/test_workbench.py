"""The workbench (工作台) and the request queues it links to: every figure equals the length of
the list its link opens, per role; roles without a grid are not told about grids; the page and
the badges cost a bounded number of queries; the 待回访 queue; countdowns only while open and
amber in their last day; the export's 办结时限 is the screen's; a returned request leaves the
department on its queue."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.requests import services
from gongzhi.requests.choices import Status
from gongzhi.requests.countdown import countdown_tone

from .conftest import cn

NO_GRID = "您还没有可查看的网格"
ROLES = (
    "dispatcher",
    "town",
    "dept",
    "community",
    "grid",
    "supervisor",
    "visitor",
    "hotline",
    "resident",
)


@pytest.fixture
def busy(world, flow):
    """Requests in every stage: received (待派单), dispatched (待签收), overdue in handling,
    due within a working day, closed (待回访), rated, with a pending extension."""
    soon_cat = services.create_category(
        name="井盖缺失", kind="help", default_assignee=world.orgs.cg, deadline_days=1, service_code="manhole"
    )
    now = timezone.now()
    made = {
        "received": flow.to(Status.RECEIVED),
        "dispatched": flow.to(Status.DISPATCHED),
        "handling": flow.to(Status.HANDLING),
        "closed": flow.to(Status.CLOSED),
        "completed": flow.to(Status.COMPLETED),
    }
    soon = flow.file(received_at=now, category=soon_cat)
    soon = services.dispatch(soon, world.users.dispatcher, assignee=world.orgs.cg, now=now)
    made["soon"] = services.accept(soon, world.users.dept, now=now)
    ext = flow.to(Status.HANDLING)
    made["extension"] = services.request_extension(ext, world.users.dept, days=3, reason="需协调施工单位")
    return made


def _list_count(response) -> int:
    """The number of rows of the list a figure opened (all pages)."""
    ctx = response.context
    if "page" in ctx:
        return ctx["page"].paginator.count
    return ctx["total"] - ctx["done"]  # the care visit list: the items not visited yet


def _figures(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response, response.context["figures"]


@pytest.mark.parametrize("role", ROLES)
def test_every_figure_equals_its_list(client, world, busy, role):
    response, figures = _figures(client, getattr(world.users, role))
    page = response.content.decode()
    assert NO_GRID not in page
    for f in figures:
        assert f'id="fig-{f["key"]}"' in page
        listed = client.get(f["url"])
        assert listed.status_code == 200, (role, f["key"], f["url"])
        assert _list_count(listed) == f["count"], (role, f["key"])


def test_each_role_sees_its_own_figures(client, world, busy):
    def keys(role):
        return {f["key"]: f["count"] for f in _figures(client, getattr(world.users, role))[1]}

    dispatcher = keys("dispatcher")
    assert dispatcher["dispatch"] == 1 and dispatcher["extension"] == 1 and "accept" not in dispatcher
    dept = keys("dept")
    assert dept["accept"] == 1 and dept["soon"] == 1 and dept["overdue"] >= 2 and "dispatch" not in dept
    assert keys("visitor")["visit"] == 1  # the closed one; the rated one is done
    assert "visit" not in dept and "dispatch" not in keys("hotline")
    assert keys("supervisor")["overdue"] >= 2
    assert "unread" in keys("grid")


def test_figures_are_links_and_urgent_items_show(client, world, busy):
    response, figures = _figures(client, world.users.dept)
    page = response.content.decode()
    accept = next(f for f in figures if f["key"] == "accept")
    assert f'href="{accept["url"]}"' in page
    assert 'id="urgent"' in page and busy["dispatched"].tracking_number in page
    assert 'class="figure alert" id="fig-overdue"' in page


@pytest.mark.parametrize("role", ("dispatcher", "hotline", "visitor", "dept"))
def test_roles_without_a_grid_see_no_grid_message(client, world, role):
    page = _figures(client, getattr(world.users, role))[0].content.decode()
    assert NO_GRID not in page and "请联系社区或系统管理员" not in page
    assert "工作台" in page


def test_workbench_query_count_is_bounded(client, world, busy, django_assert_max_num_queries):
    """Each figure is one COUNT; the page's cost does not grow with the data."""
    for role in ("dispatcher", "dept", "town"):
        client.force_login(getattr(world.users, role))
        client.get(reverse("home"))  # warm the per-process caches (content types, calendar)
        with django_assert_max_num_queries(40):
            client.get(reverse("home"))
        with django_assert_max_num_queries(14):
            client.get(reverse("badges"))
    for _ in range(20):
        services.file_request(channel="web", category=world.noise, description="路灯不亮了" * 3, grid=world.town["g11"])
    client.force_login(world.users.dispatcher)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("home")).context["figures"]


def test_badges_fragment(client, world, busy):
    client.force_login(world.users.dept)
    page = client.get(reverse("requests_staff:list")).content.decode()
    assert reverse("badges") in page and 'id="mb-requests_staffmy_queue"' in page
    badges = client.get(reverse("badges")).content.decode()
    assert 'id="header-overdue"' in badges and "超期" in badges
    assert re.search(r'id="mb-requests_staffmy_queue" hx-swap-oob="true">\d+<', badges)
    client.force_login(world.users.resident)
    badges = client.get(reverse("badges")).content.decode()
    assert 'id="header-overdue"' not in badges
    client.logout()
    assert client.get(reverse("badges")).status_code == 302


def test_visit_queue(client, world, busy):
    client.force_login(world.users.visitor)
    response = client.get(reverse("requests_staff:visit_queue"))
    numbers = [r["tracking_number"] for r in response.context["rows"]]
    assert numbers == [busy["closed"].tracking_number]
    client.force_login(world.users.dept)
    assert client.get(reverse("requests_staff:visit_queue")).status_code == 403


def test_closed_requests_stop_counting_down(client, world, busy):
    client.force_login(world.users.dispatcher)
    page = client.get(reverse("requests_staff:list") + "?state=all")
    rows = {r["tracking_number"]: r for r in page.context["rows"]}
    for key in ("closed", "completed"):
        row = rows[busy[key].tracking_number]
        assert row["countdown"] == "" and not row["late"]
    assert rows[busy["handling"].tracking_number]["late"]


def test_countdown_tones():
    now = cn(2026, 12, 3, 9, 0)
    assert countdown_tone(now + dt.timedelta(hours=7), now) == "warn"
    assert countdown_tone(now + dt.timedelta(days=13), now) == "info"
    assert countdown_tone(now - dt.timedelta(minutes=1), now) == "bad"
    assert countdown_tone(None, now) == ""


def test_last_day_countdown_is_amber_in_the_list(client, world, flow):
    r = flow.file(received_at=timezone.now())
    r = services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg)
    # Move the deadline to seven hours from now, as on the last day of the period.
    r.deadline = timezone.now() + dt.timedelta(hours=7, minutes=30)
    r.save(update_fields=["deadline"])
    client.force_login(world.users.dept)
    page = client.get(reverse("requests_staff:my_queue")).content.decode()
    assert 'class="tag warn countdown">还剩 7 小时<' in page


def test_export_deadline_equals_the_screen(client, world, busy):
    client.force_login(world.users.dispatcher)
    url = reverse("requests_staff:list") + "?state=all"
    screen = {r["tracking_number"]: r["deadline_text"] for r in client.get(url).context["rows"]}
    html = client.get(url).content.decode()
    wb = load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][10] == "办结时限"
    exported = {r[0]: r[10] for r in rows[1:]}
    assert exported == {k: v or None for k, v in screen.items()}
    # Nov 2, 09:00 + 5 working days: Monday 9 November, on screen and in the file alike.
    assert exported[busy["handling"].tracking_number] == "2026-11-09"
    assert "2026-11-09" in html


def test_returned_request_lands_on_the_department_queue(client, world, flow):
    r = flow.file(received_at=timezone.now())
    r = services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg)  # inside the window to return
    client.force_login(world.users.dept)
    response = client.post(
        reverse("requests_staff:act", args=[r.pk, "return"]),
        {"return-note": "不属于本单位职责", "return-expected_version": r.version},
    )
    assert response.status_code == 302 and response["Location"] == reverse("requests_staff:my_queue")
    landed = client.get(response["Location"])
    assert landed.status_code == 200 and "已退回" in landed.content.decode()
