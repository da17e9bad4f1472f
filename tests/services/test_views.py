"""The hall's pages: the permission matrix on the web (role × page, in and out of scope),
forms with bad input, sortable lists with their Excel exports and bounded queries, the public
catalogue and progress check, and a linked resident's 我的代办."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.services.models import Enquiry, Errand
from tests.workbench_checks import figures_match_lists

from .conftest import errand, log, resident_account

# role → expected status of: enquiry list, errand list, items, figures, new enquiry, new errand
MATRIX = {
    "community": (200, 200, 200, 200, 200, 200),
    "town": (200, 200, 200, 200, 200, 200),
    "grid": (200, 200, 200, 200, 200, 403),
    "supervisor": (200, 200, 200, 200, 403, 403),
    "department": (403, 403, 403, 403, 403, 403),
}
PAGES = ["enquiries", "errands", "items", "figures", "enquiry_new", "errand_new"]


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_of_the_pages(client, hall, role):
    client.force_login(getattr(hall.users, role))
    got = tuple(client.get(reverse(f"services:{name}")).status_code for name in PAGES)
    assert got == MATRIX[role]


@pytest.mark.parametrize(
    ("role", "sees"),
    [("community", True), ("town", True), ("supervisor", True), ("community2", False), ("grid", False)],
)
def test_records_out_of_scope_are_not_found(client, hall, role, sees):
    e = log(hall)
    x = errand(hall, enquiry=e)
    client.force_login(getattr(hall.users, role))
    for url in (reverse("services:enquiry", args=[e.pk]), reverse("services:errand", args=[x.pk])):
        assert client.get(url).status_code == (200 if sees else 404)


def test_log_visit_hand_over_and_close_on_the_web(client, hall):
    client.force_login(hall.users.community)
    url = reverse("services:enquiry_new")
    bad = client.post(url, {"node": hall.town["c1"].pk, "channel": "visit", "question": "", "visitor_name": ""})
    assert bad.status_code == 400 and "请填写咨询或办理的内容" in bad.content.decode()
    bad = client.post(url, {"node": hall.town["c1"].pk, "channel": "visit", "question": "问问", "visitor_phone": "1"})
    assert bad.status_code == 400 and "请从人口库选择居民" in bad.content.decode()
    done = client.post(
        url,
        {
            "node": hall.town["c1"].pk,
            "channel": "phone",
            "question": "居住证续签",
            "resident": hall.people.mei.pk,
            "item": hall.permit.pk,
        },
    )
    e = Enquiry.objects.get()
    assert done.status_code == 302 and e.resident == hall.people.mei and e.responsible == hall.users.community
    page = client.get(reverse("services:enquiry", args=[e.pk])).content.decode()
    assert "138****5678" in page and "13800005678" not in page and "受理代办" in page
    handover = reverse("services:enquiry_handover", args=[e.pk])
    bad = client.post(handover, {"to_user": hall.users.colleague.pk, "note": "", "version": e.version})
    assert bad.status_code == 400 and "请填写移交说明" in bad.content.decode()
    ok = client.post(handover, {"to_user": hall.users.colleague.pk, "note": "请接手", "version": e.version})
    assert ok.status_code == 302
    e.refresh_from_db()
    assert e.responsible == hall.users.colleague
    refused = client.post(reverse("services:enquiry_close", args=[e.pk]), {"reply": "已答复"})
    assert refused.status_code == 403 and "只有当前责任人" in refused.content.decode()


def test_open_an_errand_and_record_steps_on_the_web(client, hall):
    e = log(hall)
    client.force_login(hall.users.community)
    form = client.get(reverse("services:errand_new") + f"?enquiry={e.pk}")
    assert form.status_code == 200 and "王小梅" in form.content.decode()
    today = timezone.localdate()
    bad = client.post(
        reverse("services:errand_new"),
        {"node": hall.town["c1"].pk, "item": hall.proof.pk, "received_on": today.isoformat(), "enquiry": e.pk},
    )
    assert bad.status_code == 400 and "所选事项不存在或不可代办" in bad.content.decode()
    done = client.post(
        reverse("services:errand_new"),
        {
            "node": hall.town["c1"].pk,
            "item": hall.permit.pk,
            "received_on": today.isoformat(),
            "enquiry": e.pk,
            "resident": hall.people.mei.pk,
            "materials_note": "身份证",
        },
    )
    x = Errand.objects.get()
    assert done.status_code == 302 and x.enquiry == e
    step = reverse("services:errand_step", args=[x.pk, "send"])
    bad = client.post(step, {"on": (today + dt.timedelta(days=1)).isoformat(), "version": x.version})
    assert bad.status_code == 400 and "日期不能晚于今天" in bad.content.decode()
    stale = client.post(step, {"on": today.isoformat(), "version": x.version + 5})
    assert stale.status_code == 400 and "记录已被他人修改" in stale.content.decode()
    assert client.post(step, {"on": today.isoformat(), "version": x.version}).status_code == 302
    x.refresh_from_db()
    assert x.status == "sent" and x.sent_on == today
    wrong = client.post(reverse("services:errand_step", args=[x.pk, "deliver"]), {"on": today.isoformat()})
    assert wrong.status_code == 400 and "不能交付居民" in wrong.content.decode()


def test_lists_sort_export_and_keep_their_queries_bounded(client, hall, django_assert_max_num_queries):
    for n in range(3):
        e = log(hall, question=f"问题{n}")
        errand(hall, enquiry=e, received_on=timezone.localdate() - dt.timedelta(days=n * 10))
    client.force_login(hall.users.community)
    for name in ("enquiries", "errands", "items"):
        client.get(reverse(f"services:{name}"))
        with django_assert_max_num_queries(14):
            page = client.get(reverse(f"services:{name}") + "?state=all")
        assert page.status_code == 200
    for _n in range(5):
        e = log(hall)
        errand(hall, enquiry=e)
    for name in ("enquiries", "errands"):
        with django_assert_max_num_queries(14):
            client.get(reverse(f"services:{name}") + "?state=all")
    desc = client.get(reverse("services:errands") + "?state=all&sort=-received_on")
    dates = [x.received_on for x in desc.context["page"]]
    assert dates == sorted(dates, reverse=True)
    sheet = client.get(reverse("services:errands") + "?state=all&export=xlsx")
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][0] == "回执编号" and len(rows) == 9 and rows[1][4] == "138****5678"
    assert "13800005678" not in str(rows)
    enq = load_workbook(io.BytesIO(client.get(reverse("services:enquiries") + "?export=xlsx").content)).active
    assert list(enq.values)[1][5] == "138****5678"
    items = load_workbook(io.BytesIO(client.get(reverse("services:items") + "?export=xlsx").content)).active
    assert list(items.values)[0][0] == "事项名称"
    client.force_login(hall.users.grid)
    assert client.get(reverse("services:errands") + "?export=xlsx").status_code == 403


def test_figures_by_item_and_month_with_export(client, hall):
    today = timezone.localdate()
    log(hall)
    errand(hall)
    client.force_login(hall.users.community)
    page = client.get(reverse("services:figures") + f"?year={today.year}&month={today.month}")
    row = [r for r in page.context["by_item"] if r["name"] == "居住证签注"][0]
    assert row["enquiries"] == 1 and row["errands"] == 1 and row["delivered"] == 0
    assert page.context["by_month"][today.month - 1] == {"month": today.month, "enquiries": 1, "errands": 1}
    other = client.get(reverse("services:figures") + f"?year={today.year - 1}").context["by_item"]
    assert other == []
    assert client.get(reverse("services:figures") + "?year=abc&month=13").status_code == 200
    sheet = client.get(reverse("services:figures") + f"?year={today.year}&export=xlsx")
    wb = load_workbook(io.BytesIO(sheet.content))
    assert wb.sheetnames == ["按事项", "按月"]


def test_public_pages(hall):
    log(hall)
    x = errand(hall)
    anon = Client()
    index = anon.get("/public/").content.decode()
    assert reverse("services_public:catalogue") in index and reverse("services_public:track") in index
    page = anon.get(reverse("services_public:catalogue")).content.decode()
    assert "居住证签注" in page and "原居住证" in page and "7 个工作日" in page and "王小梅" not in page
    track = reverse("services_public:track")
    assert anon.get(track).status_code == 200
    wrong = anon.post(track, {"code": x.code, "last4": "0000"}).content.decode()
    assert "未找到该代办" in wrong
    bad = anon.post(track, {"code": x.code, "last4": "12"}).content.decode()
    assert "请填写 4 位数字" in bad
    right = anon.post(track, {"code": x.code, "last4": "5678"}).content.decode()
    assert (
        "已收材料" in right
        and "居住证签注" in right
        and "王小梅" not in right
        and "5678" not in right.split("form")[-1]
    )


def test_track_is_rate_limited(hall, settings):
    settings.GONGZHI_RATE_TRACK_NUMBER = "2/15m"
    x = errand(hall)
    anon = Client()
    for _n in range(2):
        anon.post(reverse("services_public:track"), {"code": x.code, "last4": "0000"})
    assert anon.post(reverse("services_public:track"), {"code": x.code, "last4": "5678"}).status_code == 429


def test_resident_sees_her_own_errands(client, hall):
    x = errand(hall)
    errand(hall, resident=hall.people.far, by=hall.users.community2, node=hall.town["c2"])
    user = resident_account(hall.people.mei)
    client.force_login(user)
    home = client.get(reverse("home")).content.decode()
    assert reverse("services:mine") in home
    mine = client.get(reverse("services:mine")).content.decode()
    assert x.code in mine and "已收材料" in mine and "孙梁丰" not in mine and mine.count("mine-DB") == 1
    assert client.get(reverse("services:errand", args=[x.pk])).status_code == 403


def test_workbench_counter_equals_its_list(client, hall):
    today = timezone.localdate()
    errand(hall, received_on=today - dt.timedelta(days=30))  # overdue
    errand(hall)  # seven working days left: not counted
    figures = figures_match_lists(client, hall.users.community)
    assert figures["hall_due"] == 1
