"""The legal services' pages: the permission matrix on the web (role × page, in and out of
scope), forms with bad input, the consultation → referral → answer path, sortable lists with
their Excel exports and bounded queries, the figures, the public adviser page and the
workbench figure."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.legal import services
from gongzhi.legal.models import Consultation, Referral
from tests.workbench_checks import figures_match_lists

from .conftest import consult, refer

PAGES = [
    "consultations",
    "referrals",
    "activities",
    "advisers",
    "figures",
    "consultation_new",
    "referral_new",
    "activity_new",
    "adviser_new",
]
# role → expected status of each page above
MATRIX = {
    "community": (200,) * 9,
    "town": (200,) * 9,
    "grid": (200, 200, 200, 200, 200, 403, 403, 403, 403),
    "supervisor": (200, 200, 200, 200, 200, 403, 403, 403, 403),
    "department": (403,) * 9,
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_of_the_pages(client, legal, role):
    client.force_login(getattr(legal.users, role))
    got = tuple(client.get(reverse(f"legal:{name}")).status_code for name in PAGES)
    assert got == MATRIX[role]


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("community", True),
        ("town", True),
        ("supervisor", True),
        ("grid", True),
        ("grid2", False),
        ("community2", False),
        ("department", False),
    ],
)
def test_records_out_of_scope_are_not_found(client, legal, role, sees):
    c = consult(legal)
    r = refer(legal, c)
    a = services.record_activity(
        legal.users.community,
        node=legal.town["c1"],
        title="讲座",
        held_on=timezone.localdate(),
        place="活动室",
        topic="民法典",
        attendance=10,
    )
    client.force_login(getattr(legal.users, role))
    for url in (
        reverse("legal:consultation", args=[c.pk]),
        reverse("legal:referral", args=[r.pk]),
        reverse("legal:activity", args=[a.pk]),
    ):
        assert client.get(url).status_code in ((200,) if sees else (403, 404)), url
        if role != "department":
            assert client.get(url).status_code == (200 if sees else 404)


def test_log_refer_and_answer_on_the_web(client, legal):
    client.force_login(legal.users.community)
    url = reverse("legal:consultation_new")
    base = {
        "node": legal.town["c1"].pk,
        "adviser": legal.adviser.pk,
        "consulted_on": timezone.localdate().isoformat(),
        "category": "labour",
        "question": "拖欠工资",
        "advice": "可申请仲裁",
        "follow_up": "none",
    }
    bad = client.post(url, {**base, "question": ""})
    assert bad.status_code == 400 and "请填写咨询问题" in bad.content.decode()
    bad = client.post(url, base)
    assert bad.status_code == 400 and "请从人口库选择居民" in bad.content.decode()
    bad = client.post(url, {**base, "resident": legal.people.far.pk})  # another community's resident
    assert bad.status_code == 400 and "请从人口库选择居民" in bad.content.decode()
    assert not Consultation.objects.exists()
    done = client.post(url, {**base, "resident": legal.people.mei.pk})
    c = Consultation.objects.get()
    assert done.status_code == 302 and c.resident == legal.people.mei
    page = client.get(reverse("legal:consultation", args=[c.pk])).content.decode()
    assert "138****5678" in page and "13800005678" not in page and "转介法律援助" in page
    new = reverse("legal:referral_new") + f"?consultation={c.pk}"
    bad = client.post(new, {"reason": "", "hardship": "dibao", "sent_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400 and "转介事由" in bad.content.decode()
    ok = client.post(
        new,
        {
            "reason": "追索劳动报酬",
            "hardship": "not_required",
            "centre": "法律援助中心",
            "sent_on": timezone.localdate(),
        },
    )
    r = Referral.objects.get()
    assert ok.status_code == 302 and r.consultation == c
    decide = reverse("legal:referral_decide", args=[r.pk, "reject"])
    bad = client.post(decide, {"decided_on": timezone.localdate(), "decision_note": "", "version": r.version})
    assert bad.status_code == 400 and "不予受理时请填写" in bad.content.decode()
    client.force_login(legal.users.grid)
    denied = client.post(reverse("legal:referral_decide", args=[r.pk, "accept"]), {"decided_on": timezone.localdate()})
    assert denied.status_code == 403
    client.force_login(legal.users.community)
    ok = client.post(
        reverse("legal:referral_decide", args=[r.pk, "accept"]),
        {"decided_on": timezone.localdate(), "decision_note": "已指派律师", "version": r.version},
    )
    r.refresh_from_db()
    assert ok.status_code == 302 and r.status == "accepted"


def test_adviser_and_activity_forms(client, legal):
    client.force_login(legal.users.community)
    today = timezone.localdate()
    bad = client.post(
        reverse("legal:adviser_new"),
        {
            "node": legal.town["c1"].pk,
            "name": "李律师",
            "firm": "律所",
            "phone": "123",
            "term_from": today,
            "term_to": today,
            "schedule": "每周一",
        },
    )
    assert bad.status_code == 400 and "手机号应为以 1 开头" in bad.content.decode()
    edit = reverse("legal:adviser_edit", args=[legal.adviser.pk])
    assert client.get(edit).status_code == 200
    ok = client.post(
        edit,
        {
            "name": "周律师",
            "firm": "港城律师事务所",
            "phone": "13962211234",
            "office_phone": "",
            "term_from": legal.adviser.term_from,
            "term_to": legal.adviser.term_to,
            "schedule": "每周三上午",
            "served": [legal.town["g11"].pk],
            "active": "on",
            "version": legal.adviser.version,
        },
    )
    legal.adviser.refresh_from_db()
    assert ok.status_code == 302 and legal.adviser.schedule == "每周三上午"
    assert list(legal.adviser.served.all()) == [legal.town["g11"]]
    assert client.get(reverse("legal:adviser_edit", args=[legal.adviser2.pk])).status_code == 404
    act = reverse("legal:activity_new")
    base = {"node": legal.town["c1"].pk, "title": "讲座", "held_on": today, "place": "活动室", "topic": "民法典"}
    bad = client.post(act, {**base, "attendance": "0", "attendee": [legal.people.mei.pk]})
    assert bad.status_code == 400 and "参加人数不能少于登记的参加居民数" in bad.content.decode()
    ok = client.post(act, {**base, "attendance": "25", "attendee": [legal.people.mei.pk]})
    assert ok.status_code == 302
    listed = client.get(reverse("legal:activities"))
    a = listed.context["page"][0]
    detail = client.get(reverse("legal:activity", args=[a.pk])).content.decode()
    assert "王小梅" in detail


def test_sensitive_resident_masked_on_lists_for_readers_without_the_right(client, legal):
    consult(legal, by=legal.users.carer, resident=legal.people.secret)
    client.force_login(legal.users.community)
    page = client.get(reverse("legal:consultations")).content.decode()
    assert "钱矫正" not in page and "13700001111" not in page and "（敏感人员）" in page
    client.force_login(legal.users.carer)
    assert "钱矫正" in client.get(reverse("legal:consultations")).content.decode()


def test_lists_sort_export_and_keep_their_queries_bounded(client, legal, django_assert_max_num_queries):
    for n in range(3):
        c = consult(legal, question=f"问题{n}", consulted_on=timezone.localdate() - dt.timedelta(days=n))
        refer(legal, c)
    client.force_login(legal.users.community)
    names = ("consultations", "referrals", "activities", "advisers")
    counts = {}
    for name in names:
        client.get(reverse(f"legal:{name}"))
        with django_assert_max_num_queries(14) as ctx:
            assert client.get(reverse(f"legal:{name}")).status_code == 200
        counts[name] = len(ctx.captured_queries)
    for n in range(6):
        c = consult(legal, question=f"更多{n}", resident=None, person_name=f"来访{n}", person_phone="13512345678")
        refer(legal, c)
    for name in names:
        with django_assert_max_num_queries(counts[name]):
            client.get(reverse(f"legal:{name}"))
    desc = client.get(reverse("legal:consultations") + "?sort=-on")
    dates = [x.consulted_on for x in desc.context["page"]]
    assert dates == sorted(dates, reverse=True)
    sheet = client.get(reverse("legal:consultations") + "?export=xlsx")
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][0] == "编号" and len(rows) == 10
    assert "13800005678" not in str(rows) and "138****5678" in str(rows)
    for name, first in (("referrals", "编号"), ("activities", "活动日期"), ("advisers", "服务社区")):
        got = load_workbook(io.BytesIO(client.get(reverse(f"legal:{name}") + "?export=xlsx").content)).active
        assert list(got.values)[0][0] == first
    advisers = load_workbook(io.BytesIO(client.get(reverse("legal:advisers") + "?export=xlsx").content)).active
    assert "13962211234" not in str(list(advisers.values))
    client.force_login(legal.users.grid)
    assert client.get(reverse("legal:consultations") + "?export=xlsx").status_code == 403


def test_figures_page_and_export(client, legal):
    today = timezone.localdate()
    consult(legal, category="family")
    refer(legal)
    client.force_login(legal.users.town)
    page = client.get(reverse("legal:figures") + f"?year={today.year}&node={legal.town['c1'].pk}")
    row = page.context["f"]["months"][today.month - 1]
    assert row["categories"]["family"] == 1 and row["referrals"] == 1
    sheet = client.get(reverse("legal:figures") + f"?year={today.year}&export=xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][0] == "月份" and rows[0][1] == "婚姻家庭" and rows[-1][0] == "合计" and rows[-1][1] == 1


def test_public_page_shows_the_firm_phone_not_the_advisers(legal):
    page = Client().get(reverse("legal_public:advisers")).content.decode()
    assert "周律师" in page and "港城律师事务所" in page and "每月第二个周三上午" in page
    assert "0512-58671234" in page and "13962211234" not in page and "13962219999" not in page
    services.update_adviser(legal.users.community, legal.adviser, {"active": False})
    assert "周律师" not in Client().get(reverse("legal_public:advisers")).content.decode()


def test_workbench_figure_matches_the_list(client, legal):
    refer(legal)
    r = refer(legal, resident=legal.people.mei)
    services.accept_referral(legal.users.community, r)
    found = figures_match_lists(client, legal.users.community)
    assert found["legal_aid_waiting"] == 1
    assert "legal_aid_waiting" not in figures_match_lists(client, legal.users.grid)
