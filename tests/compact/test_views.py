"""The compact's web pages: who may open what (403 without the permission, 404 out of scope),
the gate's refusal shown per community with the typed values kept, the town's override turning
into red cards the community sees, the task lifecycle and rulings through the forms, scoring
with the department's red cards beside the form, .xlsx exports, and query counts that do not
grow with the rows on a page."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.compact.models import CommunityTask, GateRefusal, RedCard, Score, TaskAssignment

from .conftest import DUE, YEAR, assign
from .helpers import criteria

PAGES = [
    "compact:lists",
    "compact:agreement_list",
    "compact:task_list",
    "compact:redcard_list",
    "compact:round_list",
    "compact:burden",
]


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def _xlsx(resp):
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(resp.content))


@pytest.mark.parametrize(
    "role, expected",
    [
        ("official", [200, 200, 200, 200, 200, 200]),
        ("staff1", [200, 200, 200, 200, 200, 200]),
        ("civil_user", [200, 200, 200, 200, 200, 403]),
        ("supervisor", [200, 200, 200, 200, 200, 200]),
        ("grid", [403, 403, 403, 403, 403, 403]),
    ],
)
def test_status_codes_per_role(client, world, role, expected):
    got = [_get(client, getattr(world, role), name).status_code for name in PAGES]
    assert got == expected


def test_anonymous_is_sent_to_login(client, world):
    for name in PAGES:
        resp = client.get(reverse(name))
        assert resp.status_code == 302 and "/login/" in resp["Location"]


def test_only_a_department_may_open_the_assignment_form(client, world):
    assert _get(client, world.civil_user, "compact:assign").status_code == 200
    assert _get(client, world.official, "compact:assign").status_code == 403
    assert _get(client, world.staff1, "compact:assign").status_code == 403


def _assign_post(client, user, item, communities, title="低保复核"):
    client.force_login(user)
    data = {
        "title": title,
        "item": item.pk if item else "",
        "communities": [c.pk for c in communities],
        "due_date": DUE.isoformat(),
    }
    return client.post(reverse("compact:assign"), data)


def test_refusal_shows_each_communitys_reason_and_keeps_the_form(client, world):
    resp = _assign_post(client, world.civil_user, world.item_b, [world.c1, world.c2], title="高龄津贴复核")
    html = resp.content.decode()
    assert resp.status_code == 200 and "任务未派发" in html
    assert f"梁丰社区{YEAR}年协助管理协议未包含“高龄津贴申报”" in html
    assert 'value="高龄津贴复核"' in html  # what was typed stays
    assert not TaskAssignment.objects.exists() and GateRefusal.objects.count() == 1


def test_off_list_census_is_refused_for_every_community(client, world):
    resp = _assign_post(client, world.stats_user, None, [world.c1, world.c2], title="人口普查入户登记")
    html = resp.content.decode()
    assert html.count("属清单外事项") == 2 and "南庄社区" in html and "梁丰社区" in html
    assert not TaskAssignment.objects.exists()


def test_assignment_through_the_gate_creates_the_tasks(client, world):
    resp = _assign_post(client, world.civil_user, world.item_a, [world.c1, world.c2])
    assert resp.status_code == 302
    assert CommunityTask.objects.filter(assignment__title="低保复核").count() == 2


def test_one_assignment_writes_its_entries_under_one_correlation_id(client, world):
    """The assignment and its community tasks (1 + N entries, one request) share one id;
    the next request's assignment has another."""
    from gongzhi.core.models import AuditEntry

    assert _assign_post(client, world.civil_user, world.item_a, [world.c1, world.c2]).status_code == 302
    assert _assign_post(client, world.civil_user, world.item_a, [world.c1], title="高龄复核").status_code == 302
    ids = {}
    for a in TaskAssignment.objects.all():
        objects = [(TaskAssignment, a.pk), *((CommunityTask, t.pk) for t in a.community_tasks.all())]
        ids[a.title] = {
            AuditEntry.objects.get(
                content_type__model=m._meta.model_name, object_id=str(pk), action="create"
            ).correlation_id
            for m, pk in objects
        }
    assert len(ids["低保复核"]) == 1 and len(ids["高龄复核"]) == 1 and ids["低保复核"] != ids["高龄复核"]
    assert all(len(i) == 32 for i in ids["低保复核"] | ids["高龄复核"])
    entries = AuditEntry.objects.filter(correlation_id__in=ids["低保复核"])
    assert set(entries.values_list("actor", flat=True)) == {world.civil_user.pk}


def test_form_errors_are_inline_in_chinese(client, world):
    client.force_login(world.civil_user)
    resp = client.post(reverse("compact:assign"), {"title": "", "item": world.item_a.pk, "due_date": "2000-01-01"})
    html = resp.content.decode()
    assert resp.status_code == 200 and "请选择至少一个社区/村" in html and "field-error" in html


def test_override_becomes_red_cards_the_community_sees(client, world):
    _assign_post(client, world.stats_user, None, [world.c1, world.c2], title="人口普查入户登记")
    attempt = GateRefusal.objects.first().attempt
    page = _get(client, world.official, "compact:override", attempt=str(attempt))
    assert page.status_code == 200 and "人口普查入户登记" in page.content.decode()
    client.force_login(world.official)
    resp = client.post(
        f"{reverse('compact:override')}?attempt={attempt}",
        {
            "department": world.stats.pk,
            "title": "人口普查入户登记",
            "item": "",
            "communities": [world.c1.pk, world.c2.pk],
            "due_date": DUE.isoformat(),
            "reason": "普查时点临近，镇里同意一次",
        },
    )
    # 费随事转: without money for the refused communities the override is refused on the form.
    assert resp.status_code == 200 and "不能为 0 元" in resp.content.decode()
    assert not RedCard.objects.exists()
    resp = client.post(
        f"{reverse('compact:override')}?attempt={attempt}",
        {
            "department": world.stats.pk,
            "title": "人口普查入户登记",
            "item": "",
            "communities": [world.c1.pk, world.c2.pk],
            "due_date": DUE.isoformat(),
            "reason": "普查时点临近，镇里同意一次",
            "funding": "800",
        },
    )
    assert resp.status_code == 302
    assert RedCard.objects.filter(department=world.stats, status="upheld").count() == 2
    refusals = _get(client, world.official, "compact:refusal_list").content.decode()
    assert "已越单派发" in refusals and "越单派发…" not in refusals  # not offered twice
    cards = _get(client, world.staff1, "compact:redcard_list").content.decode()
    assert "人口普查入户登记" in cards and "统计局" in cards and "成立" in cards
    card = RedCard.objects.get(community=world.c1)
    assert "越单派发" in _get(client, world.staff1, "compact:redcard_detail", card.pk).content.decode()
    assert _get(client, world.staff2, "compact:redcard_detail", card.pk).status_code == 404


def test_override_needs_a_reason(client, world):
    client.force_login(world.official)
    resp = client.post(
        reverse("compact:override"),
        {
            "department": world.stats.pk,
            "title": "普查",
            "communities": [world.c1.pk],
            "due_date": DUE.isoformat(),
            "reason": "",
        },
    )
    assert resp.status_code == 200 and "field-error" in resp.content.decode() and not RedCard.objects.exists()
    assert _get(client, world.civil_user, "compact:override").status_code == 403


def test_out_of_scope_objects_answer_404(client, world):
    task = assign(world).community_tasks.get()  # 民政局 → 南庄
    assert _get(client, world.staff2, "compact:task_detail", task.pk).status_code == 404
    assert _get(client, world.stats_user, "compact:task_detail", task.pk).status_code == 404
    assert _get(client, world.staff1, "compact:task_detail", task.pk).status_code == 200
    assert _get(client, world.staff2, "compact:agreement_detail", world.agr1.pk).status_code == 404
    client.force_login(world.staff2)
    assert client.post(reverse("compact:task_action", args=[task.pk, "accept"])).status_code == 404
    assert CommunityTask.objects.get(pk=task.pk).status == "assigned"


def test_lifecycle_through_the_pages(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = assign(world, item=world.item_b).community_tasks.get()
    url = lambda action: reverse("compact:task_action", args=[task.pk, action])  # noqa: E731
    client.force_login(world.staff1)
    assert client.post(url("accept")).status_code == 302
    resp = client.post(url("complete"), {"units_done": "", "note": "已完成"})
    assert resp.status_code == 200 and "按工作量计费的任务须填写完成工作量" in resp.content.decode()
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    resp = client.post(url("complete"), {"units_done": "12", "files": [bad]})
    assert "类型不允许上传" in resp.content.decode() and CommunityTask.objects.get(pk=task.pk).status == "accepted"
    ok = SimpleUploadedFile("核查表.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    assert client.post(url("complete"), {"units_done": "12", "hours_spent": "3.5", "files": [ok]}).status_code == 302
    client.force_login(world.civil_user)
    assert "核查表.pdf" in client.get(reverse("compact:task_detail", args=[task.pk])).content.decode()
    evidence = task.evidence.get()
    download = client.get(reverse("compact:evidence_file", args=[task.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 demo"
    assert "attachment" in download["Content-Disposition"]
    assert _get(client, world.staff2, "compact:evidence_file", task.pk, evidence.pk).status_code == 404
    assert _get(client, world.stats_user, "compact:evidence_file", task.pk, evidence.pk).status_code == 404
    client.force_login(world.civil_user)
    assert client.post(url("confirm")).status_code == 302
    assert str(CommunityTask.objects.get(pk=task.pk).amount_due) == "60.00"


def test_community_red_card_and_town_ruling(client, world):
    task = assign(world).community_tasks.get()
    client.force_login(world.staff1)
    client.post(reverse("compact:task_action", args=[task.pk, "red_card"]), {"card-reason": "属执法事项"})
    card = RedCard.objects.get()
    assert card.status == "pending"
    assert "提交裁定" not in _get(client, world.staff1, "compact:redcard_detail", card.pk).content.decode()
    assert "提交裁定" in _get(client, world.official, "compact:redcard_detail", card.pk).content.decode()
    client.force_login(world.official)
    resp = client.post(reverse("compact:redcard_detail", args=[card.pk]), {"upheld": "0", "reason": ""})
    assert "field-error" in resp.content.decode()
    client.post(reverse("compact:redcard_detail", args=[card.pk]), {"upheld": "0", "reason": "属协助范围"})
    card.refresh_from_db()
    assert card.status == "dismissed" and CommunityTask.objects.get(pk=task.pk).status == "assigned"
    assert "属协助范围" in _get(client, world.staff1, "compact:redcard_detail", card.pk).content.decode()


def test_scoring_shows_the_departments_red_cards_and_refuses_out_of_scale(client, world):
    svc.override_assignment(
        world.official,
        department=world.stats,
        item=None,
        communities=[world.c1],
        title="人口普查",
        due_date=DUE,
        reason="一次",
        funding=500,
    )
    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")
    url = reverse("compact:score_form", args=[rnd.pk, f"o:{world.stats.pk}"])
    client.force_login(world.staff1)
    page = client.get(url).content.decode()
    assert "人口普查" in page and 'id="cards-beside"' in page
    crits = criteria(rnd, Direction.TO_DEPARTMENT)
    data = {f"c{c.pk}": "80" for c in crits}
    data[f"c{crits[0].pk}"] = "120"
    resp = client.post(url, data)
    assert resp.status_code == 200 and "分值须在 0 到 100 之间" in resp.content.decode() and not Score.objects.exists()
    data[f"c{crits[0].pk}"] = "75"
    assert client.post(url, data).status_code == 302 and Score.objects.count() == len(crits)
    # Someone who does not score departments cannot open the form; a department not assigning is not a subject.
    assert _get(client, world.staff2, "compact:score_form", rnd.pk, f"o:{world.stats.pk}").status_code == 404
    assert _get(client, world.staff1, "compact:score_form", rnd.pk, f"o:{world.civil.pk}").status_code == 404


def test_results_after_publication_only(client, world):
    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")
    for c in criteria(rnd, Direction.TO_COMMUNITY):
        svc.score(world.official, round=rnd, criterion=c, evaluator=world.t, subject=world.c1, value=90)
    assert "公布后可见" in _get(client, world.civil_user, "compact:round_detail", rnd.pk).content.decode()
    client.force_login(world.official)
    client.post(reverse("compact:round_action", args=[rnd.pk, "close"]))
    client.post(reverse("compact:round_action", args=[rnd.pk, "publish"]))
    html = _get(client, world.civil_user, "compact:round_detail", rnd.pk).content.decode()
    assert "南庄社区" in html and "90.00" in html
    assert "经费拨付测算" in _get(client, world.official, "compact:round_detail", rnd.pk).content.decode()
    pay = _get(client, world.official, "compact:round_payments", rnd.pk).content.decode()
    assert "5000.00" in pay  # 南庄: base 10000 / 2 at 100 % (score 90 ≥ full-pay 90)
    assert "本轮没有对梁丰社区的评分" in pay
    rows = list(
        _xlsx(_get(client, world.official, "compact:round_payments", rnd.pk, export="xlsx")).active.iter_rows(
            values_only=True
        )
    )
    assert rows[1][0] == "南庄社区" and rows[1][5] == 5000
    assert _get(client, world.civil_user, "compact:round_payments", rnd.pk).status_code == 403
    assert _get(client, world.staff1, "compact:round_payments", rnd.pk).status_code == 403


def test_task_export_content(client, world):
    assign(world, communities=[world.c1, world.c2], title="低保复核")
    wb = _xlsx(_get(client, world.official, "compact:task_list", export="xlsx"))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("任务名称", "社区/村", "派发部门")
    assert sorted(r[1] for r in rows[1:]) == ["南庄社区", "梁丰社区"] and all(r[0] == "低保复核" for r in rows[1:])
    mine = list(
        _xlsx(_get(client, world.staff2, "compact:task_list", export="xlsx")).active.iter_rows(values_only=True)
    )
    assert [r[1] for r in mine[1:]] == ["梁丰社区"]


@pytest.mark.parametrize(
    "name", ["compact:lists", "compact:agreement_list", "compact:redcard_list", "compact:round_list"]
)
def test_every_list_exports(client, world, name):
    wb = _xlsx(_get(client, world.official, name, export="xlsx"))
    assert wb.active.max_row >= 1 and wb.active.cell(1, 1).value


def test_burden_report_tables_chart_and_export(client, world):
    assign(world, communities=[world.c1, world.c2])
    html = _get(client, world.official, "compact:burden").content.decode()
    assert "vendor/echarts/echarts.min.js" in html and 'id="chart-communities"' in html and "民政局" in html
    wb = _xlsx(_get(client, world.official, "compact:burden", export="xlsx"))
    assert wb.sheetnames == ["按社区", "按部门"]
    dept = list(wb["按部门"].iter_rows(values_only=True))
    assert dept[1][0] == "民政局" and dept[1][1] == 2
    mine = list(
        _xlsx(_get(client, world.staff1, "compact:burden", export="xlsx"))["按社区"].iter_rows(values_only=True)
    )
    assert [r[0] for r in mine[1:]] == ["南庄社区"]


def _queries(client, user, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user)
    client.get(reverse(name))  # warm the session and permission caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(name)).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["compact:task_list", "compact:redcard_list"])
def test_list_queries_do_not_grow_with_rows(client, world, name):
    def more():
        svc.override_assignment(
            world.official,
            department=world.stats,
            item=None,
            communities=[world.c1, world.c2],
            title="普查",
            due_date=DUE,
            reason="一次",
            funding=500,
        )

    more()
    few = _queries(client, world.official, name)
    for _ in range(5):
        more()
    assert _queries(client, world.official, name) == few


def test_town_drafts_and_signs_an_agreement(client, world, town):
    from gongzhi.territory import services as territory

    c3 = territory.create_node(parent=world.t, kind="community", code="320582100003", name="东城社区")
    client.force_login(world.official)
    assert client.get(reverse("compact:agreement_create")).status_code == 200
    data = {
        "community": c3.pk,
        "year": YEAR,
        "base_amount": "50000",
        "pass_score": "95",
        "full_pay_score": "90",
        "partial_pay_percent": "80",
        "fail_pay_percent": "50",
        "items": [world.item_a.pk, world.item_s.pk],
    }
    resp = client.post(reverse("compact:agreement_create"), data)
    assert resp.status_code == 200 and "合格分不能高于全额拨付分" in resp.content.decode()
    from gongzhi.compact.models import CompactAgreement

    assert not CompactAgreement.objects.filter(community=c3).exists()  # nothing half-saved
    data["pass_score"] = "60"
    resp = client.post(reverse("compact:agreement_create"), data)
    agreement = CompactAgreement.objects.get(community=c3)
    assert resp.status_code == 302 and agreement.items.count() == 2 and not agreement.is_signed
    client.post(reverse("compact:agreement_detail", args=[agreement.pk]), {"signed_on": str(DUE)})
    agreement.refresh_from_db()
    assert agreement.is_signed
    assert _get(client, world.staff1, "compact:agreement_create").status_code == 403


def test_town_drafts_fills_and_publishes_next_years_list(client, world):
    from gongzhi.compact.models import AssistanceList

    client.force_login(world.official)
    resp = client.post(reverse("compact:list_create"), {"kind": "assistance", "year": YEAR + 1})
    lst = AssistanceList.objects.get(year=YEAR + 1)
    assert resp.status_code == 302 and lst.title == f"杨舍镇{YEAR + 1}年协助政府工作事项清单"
    url = reverse("compact:list_detail", args=["assistance", lst.pk])
    resp = client.post(
        url, {"title": "高龄津贴申报", "department": world.civil.pk, "funding_mode": "per_unit", "amount": "5"}
    )
    assert resp.status_code == 200 and "按工作量计费须填写计量单位" in resp.content.decode() and not lst.items.exists()
    client.post(
        url,
        {
            "title": "高龄津贴申报",
            "department": world.civil.pk,
            "funding_mode": "per_unit",
            "amount": "5",
            "unit": "人",
        },
    )
    assert lst.items.get().unit == "人"
    client.post(reverse("compact:list_publish", args=["assistance", lst.pk]))
    lst.refresh_from_db()
    assert lst.is_published
    # Published: no more items, from the page or by a crafted post; the community reads it, cannot draft.
    assert client.post(url, {"title": "又一项", "department": world.civil.pk, "amount": "1"}).status_code == 404
    assert "高龄津贴申报" in _get(client, world.staff1, "compact:list_detail", "assistance", lst.pk).content.decode()
    assert _get(client, world.staff1, "compact:list_create").status_code == 403
    assert _get(client, world.official, "compact:list_detail", "nonsense", lst.pk).status_code == 404


def _refuse(world):
    with pytest.raises(svc.GateRefused):
        assign(
            world, item=None, communities=[world.c1, world.c2], dept=world.stats, user=world.stats_user, title="普查"
        )


@pytest.mark.parametrize("name", ["compact:refusal_list", "compact:burden", "compact:lists"])
def test_more_pages_keep_their_query_count(client, world, name):
    _refuse(world)
    assign(world)
    few = _queries(client, world.official, name)
    for _ in range(4):
        _refuse(world)
        assign(world, communities=[world.c1, world.c2])
    assert _queries(client, world.official, name) == few


def test_round_detail_query_count_does_not_grow_with_scores(client, world):
    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")
    crits = criteria(rnd, Direction.TO_COMMUNITY)
    svc.score(world.official, round=rnd, criterion=crits[0], evaluator=world.t, subject=world.c1, value=80)
    url = reverse("compact:round_detail", args=[rnd.pk])
    client.force_login(world.official)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for c in crits[1:]:
        svc.score(world.official, round=rnd, criterion=c, evaluator=world.t, subject=world.c1, value=70)
    for c in crits:
        svc.score(world.civil_user, round=rnd, criterion=c, evaluator=world.civil, subject=world.c2, value=60)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_burden_report_of_last_year(client, world):
    assign(world)
    html = _get(client, world.official, "compact:burden", year=YEAR - 1).content.decode()
    assert f"{YEAR - 1}年" in html and "全部" not in html.split('id="id_year"')[1].split("</select>")[0]
    wb = _xlsx(_get(client, world.official, "compact:burden", year=YEAR - 1, export="xlsx"))
    assert [r[1] for r in wb["按社区"].iter_rows(min_row=2, values_only=True)] == [0, 0]
