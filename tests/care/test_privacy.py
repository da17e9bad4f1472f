"""Care is not the same as sensitive: a grid worker sees the people on her visit list with the
plain reason (困难群众), never the sensitive category behind it (低保), and nobody but the
carer and holders of registry.view_sensitive sees a special group's subject — in every
channel: the web list and forms, search, counts, exports and the API (docs/permissions.md,
关爱走访)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.accounts import services as accounts
from gongzhi.care import plans, selectors, services
from gongzhi.care.models import PlanItem, Visit
from gongzhi.core.models import AuditEntry
from tests.api_client import ApiClient
from tests.factories import make_user

from .conftest import MARCH

# Words that must never reach a reader of the visit pages without the sensitive right.
CATEGORIES = ("低保", "社区矫正")


def web(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def planned(care):
    plans.generate_month(MARCH)
    care.items = {i.resident_id: i for i in PlanItem.objects.filter(month=MARCH)}
    return care


# Which residents' March items each user sees through the one selector (every channel uses it).
SEES = {
    "wangfang": {"liu", "poor"},
    "other_grid": set(),  # same community, another grid
    "far_grid": {"far"},
    "carer": {"corrected"},  # her own subject only: the carer role holds no plan scope
    "community": {"liu", "poor"},
    "community2": {"far"},
    "supervisor": {"liu", "poor"},
    "town": {"liu", "poor", "far"},
}


@pytest.mark.parametrize("who", list(SEES))
def test_selector_matrix(planned, who):
    user = getattr(planned.users, who)
    people = {k: v.pk for k, v in vars(planned.people).items()}
    seen = set(selectors.plan_items_for(user).filter(month=MARCH).values_list("resident_id", flat=True))
    assert seen == {people[k] for k in SEES[who]}


def test_a_holder_of_the_sensitive_right_at_the_grid_sees_the_special_item(planned):
    both = make_user("grid", planned.town["g11"])
    accounts.grant(both, role="sensitive", node=planned.town["g11"])
    seen = set(selectors.plan_items_for(both).filter(month=MARCH).values_list("resident_id", flat=True))
    assert planned.people.corrected.pk in seen


def test_web_list_shows_the_plain_reason_and_never_the_category(planned):
    body = web(planned.users.wangfang).get(reverse("care:my_list"), {"month": "2026-03"}).content.decode()
    assert "刘大爷" in body and "邱梅敏" in body and "困难群众" in body and "独居老人" in body
    assert "钱矫正" not in body and "重点关爱" not in body
    for word in CATEGORIES:
        assert word not in body
    assert planned.people.poor.phone == "" or planned.people.poor.phone not in body


def test_the_registry_still_hides_the_sensitive_person_from_her(planned):
    # The rule is unchanged: the visit list is where she sees her subject, not the registry.
    client = web(planned.users.wangfang)
    assert client.get(reverse("registry:resident_detail", args=[planned.people.poor.pk])).status_code == 404
    listed = client.get(reverse("registry:resident_list"), {"q": "邱梅敏"})
    assert planned.people.poor not in listed.context["page"].object_list  # the search box echoes the name
    assert reverse("registry:resident_detail", args=[planned.people.poor.pk]) not in listed.content.decode()


def test_web_record_form_only_for_items_she_may_see(planned):
    items, users = planned.items, planned.users
    url = lambda r: reverse("care:record", args=[items[r.pk].pk])  # noqa: E731
    assert web(users.wangfang).get(url(planned.people.poor)).status_code == 200
    body = web(users.wangfang).get(url(planned.people.poor)).content.decode()
    assert "困难群众" in body and "低保" not in body
    assert web(users.wangfang).get(url(planned.people.corrected)).status_code == 404
    assert web(users.other_grid).get(url(planned.people.liu)).status_code == 404
    assert web(users.far_grid).get(url(planned.people.liu)).status_code == 404
    assert web(users.carer).get(url(planned.people.corrected)).status_code == 200


def test_search_within_the_visit_list_finds_no_special_subject(planned):
    body = web(planned.users.wangfang).get(reverse("care:my_list"), {"month": "2026-03", "q": "钱"}).content.decode()
    assert "钱矫正" not in body


def test_the_carer_sees_her_subject_and_each_showing_is_logged(planned):
    before = AuditEntry.objects.filter(action="view", object_id=str(planned.people.corrected.pk)).count()
    body = web(planned.users.carer).get(reverse("care:my_list"), {"month": "2026-03"}).content.decode()
    assert "钱矫正" in body and "重点关爱" in body and "社区矫正" not in body
    after = AuditEntry.objects.filter(action="view", object_id=str(planned.people.corrected.pk)).count()
    assert after == before + 1


def test_counts_leave_special_groups_out(planned):
    rows = selectors.completion(planned.users.community, MARCH)
    assert sum(r["total"] for r in rows) == 2  # 刘大爷 and 邱梅敏, not 钱矫正
    body = web(planned.users.community).get(reverse("care:completion"), {"month": "2026-03"}).content.decode()
    assert "钱矫正" not in body
    for word in CATEGORIES:
        assert word not in body
    assert sum(r["total"] for r in selectors.completion(planned.users.community2, MARCH)) == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [("community", 200), ("town", 200), ("supervisor", 200), ("wangfang", 403), ("carer", 403)],
)
def test_completion_page_per_role(planned, who, status):
    assert web(getattr(planned.users, who)).get(reverse("care:completion")).status_code == status


@pytest.mark.parametrize(("who", "status"), [("community", 200), ("town", 200), ("supervisor", 403)])
def test_completion_export_per_role(planned, who, status):
    response = web(getattr(planned.users, who)).get(reverse("care:completion"), {"month": "2026-03", "export": "xlsx"})
    assert response.status_code == status


def test_export_holds_plain_reasons_only_and_is_logged(planned):
    response = web(planned.users.community).get(reverse("care:completion"), {"month": "2026-03", "export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    cells = [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    text = " ".join(cells)
    assert "钱矫正" not in text
    for word in CATEGORIES:
        assert word not in text
    assert AuditEntry.objects.filter(action="export", content_type__model="planitem").count() == 1


def test_registry_export_still_leaves_her_sensitive_subject_out(planned):
    response = web(planned.users.wangfang).get(reverse("registry:resident_list"), {"export": "xlsx"})
    wb = load_workbook(io.BytesIO(response.content))
    names = {row[0] for row in wb.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert "刘大爷" in names and "邱梅敏" not in names


def test_api_plan_is_scoped_and_plain(planned):
    response = ApiClient(planned.users.wangfang).get("/care/plan", month="2026-03")
    assert response.status_code == 200
    body = response.content.decode()
    assert {r["name"] for r in response.json()} == {"刘大爷", "邱梅敏"}
    assert {r["reason"] for r in response.json()} == {"独居老人", "困难群众"}
    for word in (*CATEGORIES, "钱矫正"):
        assert word not in body
    assert all("*" in r["phone"] or not r["phone"] for r in response.json())


def test_api_plan_refuses_a_bad_month_as_a_field_error(planned):
    response = ApiClient(planned.users.wangfang).get("/care/plan", month="2026/3")
    assert response.status_code == 422
    assert response.json()["detail"] == [{"field": "month", "message": "month 须为 YYYY-MM"}]


def test_api_refuses_what_she_may_not_see(planned):
    api = ApiClient(planned.users.wangfang)
    special = planned.items[planned.people.corrected.pk]
    assert api.post("/care/visits", {"item_id": special.pk, "client_key": "k1"}).status_code == 404
    assert api.get("/residents", q="邱梅敏").json()["count"] == 0
    assert ApiClient(planned.users.community).get("/care/plan").status_code == 403


def test_a_care_group_may_not_be_labelled_with_a_sensitive_category(care):
    with pytest.raises(ValidationError) as e:
        services.create_care_group(slug="x", label="低保", tags=[care.tags.dibao])
    assert "label" in e.value.message_dict


def test_audit_entries_about_special_subjects_are_restricted(planned):
    from gongzhi.core.history import Reader

    march = timezone.make_aware(dt.datetime(2026, 3, 5, 10))
    services.record_visit(planned.users.carer, resident=planned.people.corrected, visited_at=march)
    services.record_visit(planned.users.wangfang, resident=planned.people.liu, visited_at=march)
    entries = list(AuditEntry.objects.filter(content_type__app_label="care").exclude(object_id=""))
    kinds = {e.content_type.model for e in entries}
    assert {"carer", "visit", "planitem"} <= kinds

    def restricted(user):
        reader = Reader(user)
        reader.load(entries)
        return {(e.content_type.model, e.object_id) for e in entries if reader.restricted(e)}

    special_visit = Visit.objects.get(special=True)
    hidden = restricted(planned.users.community)
    assert ("visit", str(special_visit.pk)) in hidden and any(k == "carer" for k, _ in hidden)
    assert ("visit", str(Visit.objects.get(special=False).pk)) not in hidden
    assert restricted(planned.users.carer) == set()  # she holds the sensitive right in c1


def test_every_page_showing_a_special_subject_logs_the_view(planned):
    corrected = planned.people.corrected
    client = web(planned.users.carer)

    def views():
        return AuditEntry.objects.filter(action="view", object_id=str(corrected.pk)).count()

    item = planned.items[corrected.pk]
    before = views()
    assert client.get(reverse("care:record", args=[item.pk])).status_code == 200
    assert views() == before + 1
    visit = services.record_visit(
        planned.users.carer, resident=corrected, visited_at=timezone.make_aware(dt.datetime(2026, 3, 5, 10))
    )
    assert client.get(reverse("care:visit", args=[visit.pk])).status_code == 200
    assert views() == before + 2
    assert web(planned.users.wangfang).get(reverse("care:visit", args=[visit.pk])).status_code == 404
