"""The public disclosure board: anyone may read it without logging in; corrections point to
the entry they correct; the verify page names the first broken entry after a row is edited
in the database; only staff of the community may publish or correct."""

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.consultation import services
from gongzhi.consultation.models import DisclosureEntry
from tests import factories

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def board(town):
    c1 = town["c1"]
    first = services.publish(
        node=c1,
        kind="finance",
        title="2026年5月财务收支公开",
        period="2026年5月",
        body="收入 52000 元，支出 31000 元。",
        published_at=dt.datetime(2026, 6, 3, 9, tzinfo=BEIJING),
    )
    second = services.publish(
        node=c1,
        kind="affairs",
        title="二季度居务公开",
        body="低保评议情况。",
        published_at=dt.datetime(2026, 7, 2, 9, tzinfo=BEIJING),
    )
    fix = services.correct(first, body="收入 52000 元，支出 31500 元。", reason="支出少计一笔")
    return {"node": c1, "first": first, "second": second, "fix": fix}


def test_anonymous_reads_the_board_with_dates_and_corrections(client, board):
    resp = client.get(reverse("disclosure:board", args=[board["node"].code]))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "2026年5月财务收支公开" in html and "2026-06-03 09:00" in html and "所属期间 2026年5月" in html
    assert '更正 <a href="?page=1#e1">#1 2026年5月财务收支公开</a>' in html
    assert '已更正，见 <a href="?page=1#e3">#3</a>' in html
    assert "退出" not in html and "nav" not in html.split("<main>")[0].split("</header>")[1]


def test_verify_page_ok_then_names_the_edited_entry(client, board):
    url = reverse("disclosure:verify", args=[board["node"].code])
    html = client.get(url).content.decode()
    assert "完整：共 3 条，哈希链完整" in html
    DisclosureEntry.objects.filter(pk=board["second"].pk).update(body="（被改动）")
    html = client.get(url).content.decode()
    assert f"第 2 条（编号 {board['second'].pk}）起断开：内容与哈希不符（本条被改动）" in html
    assert "第一处断开：第 2 条" in html and "二季度居务公开" in html
    assert f'href="/public/{board["node"].code}/board/?page=1#e2"' in html and "此前的 1 条核对无误" in html


def test_unknown_or_non_community_code_is_404(client, town, board):
    assert client.get(reverse("disclosure:board", args=["999999999999"])).status_code == 404
    assert client.get(reverse("disclosure:board", args=[town["g11"].code])).status_code == 404
    assert client.get(reverse("disclosure:verify", args=[town["t"].code])).status_code == 404


def test_board_export(client, board):
    import io

    import openpyxl

    resp = client.get(reverse("disclosure:board", args=[board["node"].code]), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(resp.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "类别", "标题")
    assert [r[0] for r in rows[1:]] == [3, 2, 1] and rows[1][6] == 1  # newest first; #3 corrects #1
    from gongzhi.core.models import AuditEntry

    assert not AuditEntry.objects.filter(action="export").exists()  # public reading is not logged


def test_correction_links_reach_the_right_page(client, board):
    for i in range(31):
        services.publish(node=board["node"], kind="affairs", title=f"公开{i}", body="内容")
    services.correct(board["second"], body="改正", reason="笔误")  # #35 corrects #2, pages apart
    url = reverse("disclosure:board", args=[board["node"].code])
    first_page = client.get(url).content.decode()
    assert '更正 <a href="?page=2#e2">#2 二季度居务公开</a>' in first_page
    second_page = client.get(url, {"page": 2}).content.decode()
    assert '已更正，见 <a href="?page=1#e35">#35</a>' in second_page


def test_board_query_count(client, board, django_assert_max_num_queries):
    for i in range(20):
        services.publish(node=board["node"], kind="affairs", title=f"公开{i}", body="内容")
    with django_assert_max_num_queries(6):
        assert client.get(reverse("disclosure:board", args=[board["node"].code])).status_code == 200


def test_staff_publish_and_correct(client, town, board):
    staff = factories.make_user("community", town["c1"])
    client.force_login(staff)
    resp = client.post(
        reverse("consultation:entry_add", args=[town["c1"].pk]),
        {"kind": "finance", "title": "2026年6月财务收支公开", "period": "2026年6月", "body": "收支明细"},
    )
    assert resp.status_code == 302 and DisclosureEntry.objects.filter(node=town["c1"]).count() == 4
    url = reverse("consultation:entry_correct", args=[town["c1"].pk, 2])
    html = client.post(url, {"body": "更正后的内容", "reason": ""}).content.decode()
    assert "这个字段是必填项" in html and DisclosureEntry.objects.filter(node=town["c1"]).count() == 4
    client.post(url, {"body": "更正后的内容", "reason": "漏写一户"})
    latest = DisclosureEntry.objects.filter(node=town["c1"]).order_by("-seq").first()
    assert latest.corrects.seq == 2 and latest.kind == "correction"
    board_html = client.get(reverse("disclosure:board", args=[town["c1"].code])).content.decode()
    assert "更正</a>" in board_html  # staff see a correction link under each entry


def test_other_community_staff_cannot_publish_here(client, town, board):
    client.force_login(factories.make_user("community", town["c2"]))
    assert (
        client.post(
            reverse("consultation:entry_add", args=[town["c1"].pk]), {"kind": "finance", "title": "x", "body": "y"}
        ).status_code
        == 404
    )
    assert client.get(reverse("consultation:entry_correct", args=[town["c1"].pk, 1])).status_code == 404
    client.force_login(factories.make_user("resident", town["c1"]))
    assert client.get(reverse("consultation:board_index")).status_code == 403
