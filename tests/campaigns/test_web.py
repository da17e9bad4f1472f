"""Web pages of campaigns: the permission matrix (role × page × in/out of scope), the phone
pages of the grid worker, the officials' pages, bad input and query-count guards."""

import io

import openpyxl
import pytest
from django.urls import reverse

from gongzhi.campaigns import services
from gongzhi.campaigns.choices import VisitStatus
from gongzhi.campaigns.models import Assignment
from tests.workbench_checks import figures_match_lists

from .conftest import answer_of, good_values, make_campaigns


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


OFFICIAL_PAGES = ["list", "detail", "results"]


def _url(cp, name):
    if name == "list":
        return reverse("campaigns:list")
    return reverse(f"campaigns:{name}", args=[cp.campaign.pk])


@pytest.mark.parametrize(
    "who, expected",
    [
        ("community", {"list": 200, "detail": 200, "results": 200}),
        ("town", {"list": 200, "detail": 200, "results": 200}),
        ("supervisor", {"list": 200, "detail": 200, "results": 200}),
        # c2's community sees the list but not c1's campaign.
        ("community2", {"list": 200, "detail": 404, "results": 404}),
        ("wangfang", {"list": 403, "detail": 403, "results": 403}),
        ("sensitive", {"list": 403, "detail": 403, "results": 403}),
    ],
)
def test_officials_pages_matrix(client, cp, who, expected):
    user = getattr(cp.users, who)
    for name, status in expected.items():
        assert _get(client, user, _url(cp, name)).status_code == status, name


@pytest.mark.parametrize(
    "who, mine, fill",
    [("wangfang", 200, 200), ("other_grid", 200, 404), ("far_grid", 200, 404), ("community", 403, 403)],
)
def test_door_pages_matrix(client, cp, who, mine, fill):
    user = getattr(cp.users, who)
    a = answer_of(cp, cp.homes.a)
    assert _get(client, user, reverse("campaigns:mine")).status_code == mine
    assert _get(client, user, reverse("campaigns:fill", args=[a.pk])).status_code == fill
    assert _get(client, user, reverse("campaigns:household", args=[a.pk])).status_code == fill


def test_only_the_creator_side_may_change(client, draft):
    url = reverse("campaigns:add_question", args=[draft.campaign.pk])
    data = {"text": "新问题", "kind": "text", "required": "on"}
    client.force_login(draft.users.supervisor)
    assert client.post(url, data).status_code == 403
    client.force_login(draft.users.community2)
    assert client.post(url, data).status_code == 404
    client.force_login(draft.users.community)
    assert client.post(url, data).status_code == 302
    assert draft.campaign.questions.count() == 6


def test_draft_edit_add_delete_launch(client, draft):
    client.force_login(draft.users.community)
    page = client.get(reverse("campaigns:detail", args=[draft.campaign.pk])).content.decode()
    assert "启动入户排查" in page and "添加排查项" in page
    bad = client.post(reverse("campaigns:add_question", args=[draft.campaign.pk]), {"text": "选", "kind": "choice"})
    assert bad.status_code == 400 and "单选题至少需要两个选项" in bad.content.decode()
    q = draft.campaign.questions.last()
    assert client.post(reverse("campaigns:delete_question", args=[draft.campaign.pk, q.pk])).status_code == 302
    edit = client.post(
        reverse("campaigns:edit", args=[draft.campaign.pk]),
        {"topic": "燃气排查", "start": "2026-03-10", "end": "2026-03-01", "territory": draft.town["c1"].pk},
    )
    assert edit.status_code == 400 and "结束日期不能早于开始日期" in edit.content.decode()
    assert client.post(reverse("campaigns:launch", args=[draft.campaign.pk])).status_code == 302
    draft.campaign.refresh_from_db()
    assert draft.campaign.status == "running" and draft.campaign.households == 4
    page = client.get(reverse("campaigns:detail", args=[draft.campaign.pk])).content.decode()
    assert "排查进度" in page and "启动入户排查" not in page
    again = client.post(reverse("campaigns:launch", args=[draft.campaign.pk]))
    assert again.status_code == 400 and "已启动" in again.content.decode()


def test_create_with_bad_input(client, draft):
    client.force_login(draft.users.community)
    r = client.post(
        reverse("campaigns:create"), {"topic": "", "start": "昨天", "end": "", "territory": draft.town["c2"].pk}
    )
    page = r.content.decode()
    assert r.status_code == 400
    for message in ("请填写主题", "日期格式应为", "请填写结束日期", "请从列表中选择排查范围"):
        assert message in page
    r = client.post(
        reverse("campaigns:create"),
        {"topic": "防汛排查", "start": "2026-06-01", "end": "2026-06-30", "territory": draft.town["g11"].pk},
    )
    assert r.status_code == 302


def test_fill_at_the_door_with_messages(client, cp):
    a = answer_of(cp, cp.homes.a)
    client.force_login(cp.users.wangfang)
    url = reverse("campaigns:fill", args=[a.pk])
    r = client.post(url, {f"q{cp.q.gas.pk}": "yes", f"q{cp.q.people.pk}": "很多", "outcome": "done"})
    page = r.content.decode()
    assert r.status_code == 400 and "请填写数字" in page and "此项必填" in page
    a.refresh_from_db()
    assert a.status == VisitStatus.PENDING
    data = {f"q{k}": v for k, v in good_values(cp).items()}
    r = client.post(url, {**data, "outcome": "done", "expected_version": a.version})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == VisitStatus.DONE
    page = client.get(reverse("campaigns:household", args=[a.pk])).content.decode()
    assert "完好" in page and "转为诉求" in page


def test_not_at_home_in_one_tap(client, cp):
    a = answer_of(cp, cp.homes.b)
    client.force_login(cp.users.wangfang)
    assert client.post(reverse("campaigns:fill", args=[a.pk]), {"outcome": "absent"}).status_code == 302
    a.refresh_from_db()
    assert a.status == VisitStatus.ABSENT


def test_stale_form_is_refused(client, cp):
    a = answer_of(cp, cp.homes.a)
    services.submit_answer(cp.users.wangfang, a, outcome=VisitStatus.ABSENT)
    client.force_login(cp.users.wangfang)
    r = client.post(reverse("campaigns:fill", args=[a.pk]), {"outcome": "refused", "expected_version": 1})
    assert r.status_code == 400 and "保存失败" in r.content.decode()


def test_request_and_correction_from_the_answer_page(client, cp):
    from gongzhi.requests import services as requests

    category = requests.create_category(name="燃气隐患", kind="help", deadline_days=3, service_code="gas")
    a = answer_of(cp, cp.homes.a)
    services.submit_answer(cp.users.wangfang, a, values=good_values(cp))
    client.force_login(cp.users.wangfang)
    bad = client.post(reverse("campaigns:to_request", args=[a.pk]), {"category": category.pk, "description": ""})
    assert bad.status_code == 400 and "请描述发现的问题" in bad.content.decode()
    r = client.post(reverse("campaigns:to_request", args=[a.pk]), {"category": category.pk, "description": "漏气"})
    assert r.status_code == 302
    liu = cp.homes.a.members.get()
    r = client.post(reverse("campaigns:to_registry", args=[a.pk]), {"resident": liu.pk, "change": "died"})
    assert r.status_code == 302
    page = client.get(reverse("campaigns:household", args=[a.pk])).content.decode()
    assert "转诉求" in page and "更正登记：刘大爷" in page
    client.force_login(cp.users.other_grid)
    r = client.post(reverse("campaigns:to_request", args=[a.pk]), {"category": category.pk, "description": "漏气"})
    assert r.status_code == 404


def test_sensitive_head_is_not_named_to_the_grid_worker(client, cp):
    client.force_login(cp.users.wangfang)
    page = client.get(reverse("campaigns:households", args=[cp.campaign.pk])).content.decode()
    assert "刘大爷" in page and "钱矫正" not in page and "（受限）" in page


def _answer_all(cp):
    for home, people in ((cp.homes.a, "3"), (cp.homes.secret, "4")):
        services.submit_answer(
            cp.users.wangfang, answer_of(cp, home), values={**good_values(cp, people), cp.q.other.pk: "秘密"}
        )
    services.submit_answer(cp.users.wangfang, answer_of(cp, cp.homes.b), outcome=VisitStatus.REFUSED)


def test_results_and_progress(client, cp):
    _answer_all(cp)
    client.force_login(cp.users.community)
    page = client.get(reverse("campaigns:results", args=[cp.campaign.pk])).content.decode()
    assert "<svg" in page and "合计 7" in page and "平均 3.5" in page
    rows = client.get(reverse("campaigns:detail", args=[cp.campaign.pk])).context["rows"]
    g11 = next(r for r in rows if r["grid_id"] == cp.town["g11"].pk)
    assert (g11["total"], g11["done"], g11["refused"], g11["pending"]) == (3, 2, 1, 0)
    assert g11["worker"] == cp.users.wangfang.display_name


def _sheet(response):
    wb = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_export_masks_as_the_registry_does(client, cp):
    _answer_all(cp)
    client.force_login(cp.users.community)
    rows = _sheet(client.get(reverse("campaigns:results", args=[cp.campaign.pk]) + "?export=xlsx"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["网格", "户号", "地址", "户主"] and "燃气软管状况" in header
    assert len(body) == 4
    by_number = {r[1]: r for r in body}
    secret = by_number[cp.homes.secret.number]
    assert secret[3] == "（受限）" and "秘密" not in secret and "钱矫正" not in str(rows)
    plain = by_number[cp.homes.a.number]
    assert plain[3] == "刘大爷" and "秘密" in plain and "是" in plain
    # With the sensitive right at the grid, the household's answers and head are shown.
    from gongzhi.accounts import services as accounts
    from gongzhi.core import scoping

    accounts.grant(cp.users.community, role="sensitive", node=cp.town["c1"])
    scoping.forget(cp.users.community)
    rows = _sheet(client.get(reverse("campaigns:results", args=[cp.campaign.pk]) + "?export=xlsx"))
    secret = next(r for r in rows if r[1] == cp.homes.secret.number)
    assert secret[3] == "钱矫正" and "秘密" in secret


def test_export_needs_the_right(client, cp):
    client.force_login(cp.users.supervisor)
    r = client.get(reverse("campaigns:results", args=[cp.campaign.pk]) + "?export=xlsx")
    assert r.status_code == 403


def test_workbench_figure_equals_the_list(client, cp):
    figures = figures_match_lists(client, cp.users.wangfang)
    assert figures["campaign_pending"] == 3


def test_lists_keep_their_query_count(client, town, django_assert_max_num_queries):
    from tests import factories

    cp = make_campaigns(town)
    for _ in range(15):
        factories.make_resident(town["g11"], name="新住户")
    from gongzhi.campaigns.launch import launch_campaign

    more = services.create_campaign(
        cp.users.community, topic="第二次", start=cp.campaign.start, end=cp.campaign.end, territory=town["c1"]
    )
    services.add_question(cp.users.community, more, text="在家吗", kind="yesno")
    launch_campaign(cp.users.community, more)
    assert Assignment.objects.filter(campaign=more).count() == 19
    client.force_login(cp.users.wangfang)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("campaigns:households", args=[more.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("campaigns:pending")).status_code == 200
    client.force_login(cp.users.community)
    for url in (
        reverse("campaigns:list"),
        reverse("campaigns:detail", args=[more.pk]),
        reverse("campaigns:results", args=[more.pk]),
    ):
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(reverse("campaigns:results", args=[more.pk]) + "?export=xlsx").status_code == 200
