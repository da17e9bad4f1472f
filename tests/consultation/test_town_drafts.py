"""A town-wide draft for comment (重大行政决策): it covers several communities, whose residents
comment; one combined adoption report grouped by adoption goes on each community's board, as a
PDF and an Excel sheet; and the revised text marks the adopted changes (difflib)."""

import datetime as dt
import io
import subprocess

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongzhi.consultation import permissions, selectors, services
from gongzhi.consultation.models import DisclosureEntry
from gongzhi.consultation.services import drafts
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import born

TEXT = """第一条 为改造全镇老旧小区，制定本方案。

第二条 改造资金由镇财政承担百分之八十。

第三条 改造工期为六个月。"""


@pytest.fixture
def wide(town):
    return services.create_draft(
        node=town["t"],
        title="杨舍镇老旧小区改造方案（征求意见稿）",
        issuer="杨舍镇人民政府",
        text=TEXT,
        closes_on=timezone.localdate() + dt.timedelta(days=30),
        communities=[town["c1"], town["c2"]],
    )


def test_a_town_wide_draft_names_at_least_two_of_its_communities(town):
    args = dict(node=town["t"], title="方案", issuer="镇政府", text="一段", closes_on=timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        services.create_draft(**args, communities=[town["c1"]])
    assert "至少两个" in exc.value.message_dict["communities"][0]
    with pytest.raises(ValidationError) as exc:
        services.create_draft(**args, communities=[town["c1"], town["g11"]])
    assert exc.value.message_dict["communities"] == ["南庄社区第01网格 不是杨舍镇的社区/村"]
    with pytest.raises(ValidationError, match="不另选涉及社区"):
        services.create_draft(**{**args, "node": town["c1"]}, communities=[town["c2"]])


def test_residents_of_covered_communities_see_and_comment(town, wide):
    for key in ("c1", "c2"):
        user = factories.make_user("resident", town[key])
        assert selectors.drafts(user).filter(pk=wide.pk).exists()
        assert permissions.can_comment(user, wide)
    p1 = wide.paragraphs.get(number=1)
    a = services.comment(p1, "请写明改造范围", resident=born(town["g11"], dt.date(1960, 1, 1), name="刘大爷"))
    b = services.comment(p1, "加装电梯", resident=born(town["g22"], dt.date(1970, 1, 1), name="陈阿姨"))
    assert (a.community, b.community) == (town["c1"], town["c2"])
    resident = factories.make_user("resident", town["c1"])
    assert selectors.comments(resident, wide).count() == 2
    grid_worker = factories.make_user("grid", town["g11"])  # like on a community's own draft: not shown
    assert not selectors.drafts(grid_worker).filter(pk=wide.pk).exists()
    assert not selectors.comments(grid_worker, wide).exists()


def answered(town, wide):
    p1, p2, p3 = wide.paragraphs.order_by("number")
    liu = born(town["g11"], dt.date(1960, 1, 1), name="刘大爷")
    chen = born(town["g21"], dt.date(1970, 1, 1), name="陈阿姨")
    a = services.comment(p2, "镇财政承担比例应提高到百分之九十", resident=liu)
    b = services.comment(p3, "工期太长", resident=chen)
    c = services.comment(p1, "建议取消改造", resident=chen)
    services.close_draft(wide)
    services.answer(a, "partly", "提高到百分之八十五")
    services.answer(b, "adopted")
    services.answer(c, "not_adopted", "改造已列入年度计划")
    return p1, p2, p3


def test_one_combined_report_goes_on_each_communitys_board(town, wide):
    answered(town, wide)
    draft = services.publish_feedback(wide)
    entries = list(DisclosureEntry.objects.filter(title__contains="老旧小区改造方案").order_by("node__code"))
    assert [e.node for e in entries] == [town["c1"], town["c2"]] and draft.report == entries[0]
    body = entries[0].body
    assert entries[1].body == body
    assert "征求范围：南庄社区 1 条、梁丰社区 2 条。" in body
    assert body.index("【采纳】") < body.index("【部分采纳】") < body.index("【未采纳】")
    assert "第 2 段（南庄社区） · 镇财政承担比例应提高到百分之九十 —— 部分采纳：提高到百分之八十五" in body


def test_revision_marks_the_adopted_changes(town, wide):
    p1, p2, p3 = answered(town, wide)
    with pytest.raises(ValidationError, match="没有采纳或部分采纳的意见"):
        services.revise_paragraph(p1, "第一条 取消改造。")
    services.revise_paragraph(p2, "第二条 改造资金由镇财政承担百分之八十五。")
    services.revise_paragraph(p3, "第三条 改造工期为四个月。")
    assert AuditEntry.objects.filter(content_type__model="paragraph", object_id=str(p2.pk)).exists()
    rows = drafts.revision(wide)
    assert [r["changed"] for r in rows] == [False, True, True]
    assert ("del", "六") in rows[2]["ops"] and ("ins", "四") in rows[2]["ops"]
    assert "".join(t for op, t in rows[1]["ops"] if op != "del") == "第二条 改造资金由镇财政承担百分之八十五。"
    assert "".join(t for op, t in rows[1]["ops"] if op != "ins") == p2.text
    services.revise_paragraph(p3, p3.text)  # back to the original: no revision
    assert not drafts.revision(wide)[2]["changed"]


def test_diff_is_character_by_character():
    assert drafts.diff("工期为六个月", "工期为四个月") == [
        ("same", "工期为"),
        ("del", "六"),
        ("ins", "四"),
        ("same", "个月"),
    ]


def pdf_text(content, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pages_pdfs_and_excel_of_the_adoption_report(client, town, wide, tmp_path):
    p1, p2, p3 = answered(town, wide)
    client.force_login(factories.make_user("town", town["t"]))
    resp = client.post(
        reverse("consultation:paragraph_revise", args=[p3.pk]), {"r3-revised": "第三条 改造工期为四个月。"}
    )
    assert resp.status_code == 302
    page = client.get(reverse("consultation:draft_revision", args=[wide.pk])).content.decode()
    assert "<del>六</del><ins>四</ins>" in page
    text = pdf_text(client.get(reverse("consultation:draft_revision_pdf", args=[wide.pk])).content, tmp_path)
    assert "修改稿" in text and "改造工期为" in text
    text = pdf_text(client.get(reverse("consultation:draft_adoption_pdf", args=[wide.pk])).content, tmp_path)
    assert "采纳情况报告" in text and "梁丰社区" in text and "改造已列入年度计划" in text
    resp = client.get(reverse("consultation:draft_detail", args=[wide.pk]) + "?export=xlsx")
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(resp.streaming_content) if resp.streaming else resp.content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    adoption = [r[5] for r in rows[1:] if r[0] is not None]
    assert adoption == ["采纳", "部分采纳", "未采纳"] and rows[1][1] == "梁丰社区"


def test_a_resident_cannot_revise(client, town, wide):
    p1, p2, p3 = answered(town, wide)
    client.force_login(factories.make_user("resident", town["c1"]))
    assert client.post(reverse("consultation:paragraph_revise", args=[p3.pk]), {"r3-revised": "x"}).status_code == 403
    assert client.get(reverse("consultation:draft_revision", args=[wide.pk])).status_code == 200
