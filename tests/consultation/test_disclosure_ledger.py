"""Finding 11: removing the newest entries of a board, or a whole board, straight in the
database (raw SQL, no service) is detected by `gongzhi verify-disclosure`, the public verify
page and the next publication; an untouched set of boards passes."""

from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from gongzhi.consultation import chain, ledger, services
from gongzhi.consultation.models import DisclosureEntry, DisclosureHead


def sql(statement, params=()):
    """Tamper the way someone with only database access would: SQL, bypassing every service."""
    with connection.cursor() as cur:
        cur.execute(statement, params)


@pytest.fixture
def boards(town):
    """Three entries on 南庄's board (c1), two on 梁丰's (c2), interleaved in the ledger."""
    c1, c2 = town["c1"], town["c2"]
    made = []
    for m in range(1, 4):
        made.append(services.publish(node=c1, kind="finance", title=f"{m}月财务公开", body=f"收入 {m * 1000} 元"))
        if m < 3:
            made.append(services.publish(node=c2, kind="affairs", title=f"第{m}季度村务", body="村务"))
    return c1, c2, made


def verify_command():
    out = StringIO()
    try:
        call_command("verify-disclosure", stdout=out)
    except CommandError as e:
        return False, out.getvalue() + str(e)
    return True, out.getvalue()


def test_untouched_boards_pass_and_the_ledger_links_every_entry(boards):
    c1, c2, made = boards
    assert [e.gseq for e in made] == [1, 2, 3, 4, 5]
    assert made[0].ledger_prev == "0" * 64
    assert all(b.ledger_prev == a.ledger_hash for a, b in zip(made, made[1:]))
    assert chain.verify(c1).ok and chain.verify(c2).ok
    check = ledger.verify_ledger()
    assert check.ok and check.checked == 5 and ledger.ledger_head() == (5, made[-1].ledger_hash)
    ok, text = verify_command()
    assert ok, text
    assert "南庄社区（320582100001）：共 3 条，哈希链完整" in text and "全部公开栏共 5 条，账本完整" in text


def test_deleting_the_newest_entry_is_detected(boards):
    c1, c2, made = boards
    newest = made[-1]  # 南庄 #3, the newest entry of all boards
    sql(f"DELETE FROM {DisclosureEntry._meta.db_table} WHERE id = %s", [newest.pk])
    result = chain.verify(c1)
    assert not result.ok and result.broken_seq == 3
    assert "签名栏头记录共 3 条，现存 2 条：最新的 1 条被删除" in result.text
    assert "最新的 1 条被删除" in ledger.verify_ledger().reason
    ok, text = verify_command()
    assert not ok and "第 3 条起缺失" in text and "2 处公开记录断开" in text


def test_deleting_the_newest_entry_and_rewriting_the_head_without_the_key_is_detected(boards):
    c1, c2, made = boards
    sql(f"DELETE FROM {DisclosureEntry._meta.db_table} WHERE id = %s", [made[-1].pk])
    prev = made[-2]  # the ledger's and 南庄's heads moved back by hand, signatures copied along
    sql(
        f"UPDATE {DisclosureHead._meta.db_table} SET count = 2, gseq = 3, hash = %s WHERE key = %s",
        [made[2].hash, c1.code],
    )
    sql(
        f"UPDATE {DisclosureHead._meta.db_table} SET count = 4, gseq = 4, hash = %s WHERE key = %s",
        [prev.ledger_hash, DisclosureHead.LEDGER],
    )
    assert "签名不符" in chain.verify(c1).text
    assert "签名不符" in ledger.verify_ledger().text
    assert not verify_command()[0]


def test_deleting_a_whole_board_is_detected(boards):
    c1, c2, made = boards
    sql(f"DELETE FROM {DisclosureEntry._meta.db_table} WHERE node_id = %s", [c2.pk])
    ok, text = verify_command()
    assert not ok
    assert "梁丰社区（320582100002）：第 1 条起缺失：签名栏头记录共 2 条，现存 0 条" in text
    assert "账本第 2 条缺失" in text  # 梁丰's entries sat between 南庄's in the ledger


def test_deleting_a_board_its_head_and_its_node_is_detected(boards):
    c1, c2, made = boards
    sql(f"DELETE FROM {DisclosureEntry._meta.db_table} WHERE node_id = %s", [c2.pk])
    sql(f"DELETE FROM {DisclosureHead._meta.db_table} WHERE key = %s", [c2.code])
    ok, text = verify_command()
    assert not ok and "账本第 2 条缺失" in text


def test_deleting_the_newest_board_with_every_head_is_detected(town):
    """A board whose entries are all at the end of the ledger, removed with its own head and
    the ledger's head: the remaining entries still outnumber what an absent head allows."""
    c1, c2 = town["c1"], town["c2"]
    services.publish(node=c1, kind="affairs", title="村务", body="一")
    services.publish(node=c2, kind="affairs", title="村务", body="二")
    sql(f"DELETE FROM {DisclosureEntry._meta.db_table} WHERE node_id = %s", [c2.pk])
    sql(f"DELETE FROM {DisclosureHead._meta.db_table} WHERE key IN (%s, %s)", [c2.code, DisclosureHead.LEDGER])
    ok, text = verify_command()
    assert not ok and "缺少签名的账本栏头" in text


def test_orphan_head_of_a_board_whose_node_is_gone_is_reported(boards):
    c1, c2, made = boards
    # A head left behind for a code no node has any more (the node row removed as well).
    ledger.put_head("320582100099", 4, 9, "f" * 64)
    ok, text = verify_command()
    assert not ok and "公开栏 320582100099：签名栏头记录共 4 条，现已无此栏及任何条目" in text


def test_publishing_after_a_deletion_keeps_the_gap_visible(boards):
    c1, c2, made = boards
    sql(f"DELETE FROM {DisclosureEntry._meta.db_table} WHERE id = %s", [made[-1].pk])
    entry = services.publish(node=c1, kind="affairs", title="新条目", body="x")
    assert (entry.seq, entry.gseq) == (4, 6)  # continues from the signed heads, not from the rows
    result = chain.verify(c1)
    assert not result.ok and "序号应为 3，实为 4" in result.text
    assert "账本第 5 条缺失" in ledger.verify_ledger().text


def test_publishing_on_a_board_whose_head_was_forged_is_refused(boards):
    c1, c2, made = boards
    sql(f"UPDATE {DisclosureHead._meta.db_table} SET count = 1 WHERE key = %s", [c1.code])
    with pytest.raises(ValidationError, match="签名不符"):
        services.publish(node=c1, kind="affairs", title="x", body="y")


def test_a_new_signing_key_fails_the_check_until_the_heads_are_resigned(boards):
    with override_settings(GONGZHI_DISCLOSURE_KEY="another-key-kept-outside-the-database"):
        ok, text = verify_command()
        assert not ok and "签名密钥已更换" in text
        out = StringIO()
        call_command("verify-disclosure", "--resign", stdout=out)
        assert "已按现存条目重新签署 3 个栏头" in out.getvalue() and "账本完整" in out.getvalue()
        from gongzhi.core.models import AuditEntry

        entry = AuditEntry.objects.filter(reason="更换签名密钥后重新签署").get()
        assert entry.source == "cli" and entry.after["ledger_count"] == 5
    assert not verify_command()[0]  # the old key no longer matches either


def test_backfill_links_existing_chains(boards):
    """The migration's backfill: chains published before the ledger get their places in the
    order they were stored, and signed heads, without changing any entry's hash."""
    import importlib

    c1, c2, made = boards
    hashes = list(DisclosureEntry.objects.order_by("id").values_list("hash", flat=True))
    sql(f"UPDATE {DisclosureEntry._meta.db_table} SET gseq = gseq + 1000, ledger_prev = '', ledger_hash = ''")
    sql(f"DELETE FROM {DisclosureHead._meta.db_table}")
    assert not verify_command()[0]
    migration = importlib.import_module("gongzhi.consultation.migrations.0010_disclosure_ledger_and_signed_heads")
    migration.backfill(django_apps, None)
    ok, text = verify_command()
    assert ok, text
    assert list(DisclosureEntry.objects.order_by("id").values_list("hash", flat=True)) == hashes
    assert list(DisclosureEntry.objects.order_by("id").values_list("gseq", flat=True)) == [1, 2, 3, 4, 5]


def test_public_verify_page_shows_the_removed_newest_entry(client, boards):
    c1, c2, made = boards
    sql(f"DELETE FROM {DisclosureEntry._meta.db_table} WHERE id = %s", [made[-1].pk])
    page = client.get(f"/public/{c1.code}/board/verify/").content.decode()
    assert "断开" in page and "最新的 1 条被删除" in page


def test_printed_notice_carries_the_heads(client, boards):
    c1, c2, made = boards
    page = client.get(f"/public/{c1.code}/board/2/notice/")
    assert page.status_code == 200
    text = page.content.decode()
    assert made[2].title in text and made[2].hash in text  # 南庄 #2
    assert f'id="board-head">{made[-1].hash}<' in text  # the board's head at printing: #3
    assert f'id="ledger-head">{made[-1].ledger_hash}<' in text
    assert "打印时本栏共 3 条" in text and "打印时全部公开栏账本共 5 条" in text
    assert client.get(f"/public/{c1.code}/board/9/notice/").status_code == 404
    assert f"/public/{c1.code}/board/2/notice/" in client.get(f"/public/{c1.code}/board/").content.decode()
