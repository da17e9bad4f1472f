"""The disclosure board: append-only, hash-chained; editing, deleting or reordering a stored
row is detected and the first broken entry is named, by the service and the command."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from gongzhi.consultation import chain, services
from gongzhi.consultation.models import DisclosureEntry
from gongzhi.consultation.models.disclosure import GENESIS


@pytest.fixture
def board(town):
    """Five entries on 南庄's board and one on 梁丰's."""
    c1 = town["c1"]
    entries = [
        services.publish(
            node=c1,
            kind="finance",
            title=f"{m}月财务公开",
            body=f"收入 {m * 1000} 元，支出 {m * 800} 元",
            period=f"2026年{m}月",
        )
        for m in range(1, 6)
    ]
    services.publish(node=town["c2"], kind="affairs", title="村务公开", body="第二季度村务")
    return c1, entries


def test_entries_link_to_the_one_before(board):
    node, entries = board
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:]))
    result = chain.verify(node)
    assert result.ok and result.checked == 5 and result.text == "共 5 条，哈希链完整"
    assert chain.head(node) == (5, entries[-1].hash)


def test_an_edited_row_is_named(board):
    node, entries = board
    DisclosureEntry.objects.filter(pk=entries[2].pk).update(body="收入 3000 元，支出 100 元")  # edited in the database
    result = chain.verify(node)
    assert (result.ok, result.broken_seq, result.broken_id) == (False, 3, entries[2].pk)
    assert "内容与哈希不符" in result.text


def test_an_edited_and_rehashed_row_breaks_the_next_link(board):
    node, entries = board
    e = entries[1]
    forged = chain.entry_hash(
        node.code, e.seq, e.kind, "改过的标题", e.body, e.period, e.published_at, None, None, e.prev_hash
    )
    DisclosureEntry.objects.filter(pk=e.pk).update(title="改过的标题", hash=forged)
    result = chain.verify(node)
    assert (result.broken_seq, result.broken_id) == (3, entries[2].pk)
    assert "上一条哈希与上一条不符" in result.text


def test_a_deleted_row_is_detected(board):
    node, entries = board
    DisclosureEntry.objects.filter(pk=entries[3].pk).delete()
    result = chain.verify(node)
    assert (result.broken_seq, result.broken_id) == (5, entries[4].pk)
    assert "序号应为 4，实为 5" in result.text


def test_a_changed_date_is_detected(board):
    node, entries = board
    DisclosureEntry.objects.filter(pk=entries[0].pk).update(
        published_at=entries[0].published_at - dt.timedelta(days=30)
    )
    assert chain.verify(node).broken_seq == 1


def test_correction_is_a_new_entry_pointing_to_the_old(board):
    node, entries = board
    with pytest.raises(ValidationError, match="更正须说明原因"):
        services.correct(entries[1], body="2月支出应为 1500 元", reason="")
    fix = services.correct(entries[1], body="2月支出应为 1500 元", reason="记账错误")
    assert (fix.seq, fix.kind, fix.corrects, fix.prev_hash) == (6, "correction", entries[1], entries[4].hash)
    assert DisclosureEntry.objects.get(pk=entries[1].pk).body == "收入 2000 元，支出 1600 元"  # the original stays
    assert chain.verify(node).ok
    # Pointing the correction at another entry is tampering too.
    DisclosureEntry.objects.filter(pk=fix.pk).update(corrects=entries[0])
    assert chain.verify(node).broken_seq == 6


def test_decision_is_published_with_its_arithmetic(town, council):
    from .conftest import open_meeting_with

    body, people = council
    meeting = open_meeting_with(body, people, 20)
    motion = services.open_motion(services.propose_motion(meeting, text="实行错时停车"))
    for p in people[:12]:
        services.cast_ballot(motion, p, "for")
    services.close_motion(motion)
    entry = services.publish_decision(services.record_decision(motion))
    assert entry.kind == "decision" and "赞成 12/20，需 > 10，通过" in entry.body
    assert chain.verify(town["c1"]).ok


def test_command_reports_each_board_and_fails_on_a_break(board):
    node, entries = board
    out = StringIO()
    call_command("verify-disclosure", stdout=out)
    text = out.getvalue()
    assert "南庄社区（320582100001）：共 5 条，哈希链完整" in text and "梁丰社区" in text
    DisclosureEntry.objects.filter(pk=entries[4].pk).update(title="被改")
    out = StringIO()
    with pytest.raises(CommandError, match="1 处公开记录断开"):
        call_command("verify-disclosure", stdout=out)
    assert f"第 5 条（编号 {entries[4].pk}）起断开：内容与哈希不符" in out.getvalue()


def test_publishing_outside_a_community_is_refused(town):
    with pytest.raises(ValidationError, match="公开栏属于社区或村"):
        services.publish(node=town["t"], kind="affairs", title="x", body="y")


def test_public_board_needs_no_user_and_lists_newest_first(board):
    from gongzhi.consultation import selectors

    node, entries = board
    assert [e.seq for e in selectors.public_board(node)] == [5, 4, 3, 2, 1]
