"""The printable documents: each PDF is fetched through its page (scoped: 404 outside, sign-in
sheet only for those who run the meeting), and its text — read back with pdftotext — carries
the names and figures it must: the notice's date, agenda and legal quorum; the sign-in sheet's
eligible households with a blank signature column; the minutes' attendance and tally
arithmetic; the resolution's count and legal basis (article from the rule's data); the board
notice's entry hash and the chain's head."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.consultation import chain, services
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import MEETING_DAY, born

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")


def text_of(response, tmp_path) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "doc.pdf"
    path.write_bytes(b"".join(response.streaming_content) if response.streaming else response.content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def flat(text):
    return "".join(text.split())


@pytest.fixture
def village(town, settings, tmp_path):
    """A 村民会议 by household representatives of 12 households (quorum ≥ 2/3: 8); 9 signed in,
    a matter on the agenda, a show of hands 6/2/1, the decision recorded and published."""
    settings.MEDIA_ROOT = tmp_path / "media"
    node = town["c1"]
    heads = [born(town["g11"], dt.date(1960, 1, 1), name=f"户主{i:02d}") for i in range(12)]
    body = services.create_body(node=node, kind="villager_assembly", name="南庄村民会议", constituency="households")
    matter = services.triage(
        services.raise_matter(node=node, title="集体资产收益分红方案", source="party", art24=True), "assembly"
    )
    meeting = services.schedule_meeting(
        body=body,
        title="2026年第二次村民会议",
        date=MEETING_DAY,
        notice_at=dt.datetime(2026, 5, 20, 1, tzinfo=dt.UTC),
        location="村委会二楼会议室",
    )
    item = services.add_agenda_item(meeting, matter=matter)
    # The notice counts from its posting on the board (set-up runs as the system).
    meeting = services.publish_meeting_notice(meeting, published_at=dt.datetime(2026, 5, 20, 1, tzinfo=dt.UTC))
    services.sign_in_many(meeting, heads[:9])
    meeting = services.open_meeting(meeting)
    motion = services.open_motion(services.propose_motion(meeting, text="通过分红方案", agenda_item=item))
    scan = SimpleUploadedFile("计票单.png", b"\x89PNG", content_type="image/png")
    services.record_tally(motion, method="hands", ayes=6, nays=2, abstentions=1, scan=scan)
    decision = services.record_decision(motion, text="按每户 1200 元分配 2025 年集体资产收益")
    entry = services.publish_decision(decision)
    meeting = services.close_meeting(meeting, minutes="会议由村委会主任主持，议程一项，举手表决。")
    staff = factories.make_user("community", node, username="clerk")
    return {"meeting": meeting, "decision": decision, "entry": entry, "heads": heads, "staff": staff, "node": node}


def test_notice(client, village, tmp_path):
    client.force_login(village["staff"])
    text = flat(text_of(client.get(reverse("consultation:meeting_notice_pdf", args=[village["meeting"].pk])), tmp_path))
    assert "会议通知" in text and "2026年6月15日" in text and "村委会二楼会议室" in text
    assert "1.集体资产收益分红方案" in text
    assert "南庄社区各户户代表（每户一人）" in text
    assert "出席人数须达到2/3" in text and "第二十二条" in text  # the rule's article, from its data
    assert "南庄社区居民委员会" in text and "2026年5月20日" in text


def test_sign_in_sheet_lists_every_household_with_a_blank_column(client, village, tmp_path):
    client.force_login(village["staff"])
    meeting = village["meeting"]
    raw = text_of(client.get(reverse("consultation:sign_in_sheet_pdf", args=[meeting.pk])), tmp_path)
    text = flat(raw)
    assert "2026年第二次村民会议签到表" in text and "应到12" in text and "签名" in text
    for head in village["heads"]:
        assert head.name in text and head.household.number in text
    assert text.count("已签到") == 9  # those signed in electronically are marked; the rest sign on paper
    assert AuditEntry.objects.filter(reason="打印签到表").count() == 1


def test_minutes_carry_attendance_and_arithmetic(client, village, tmp_path):
    client.force_login(village["staff"])
    text = flat(text_of(client.get(reverse("consultation:minutes_pdf", args=[village["meeting"].pk])), tmp_path))
    assert "会议记录" in text and "应到12" in text and "实到9" in text
    assert "出席9/12，需≥8，达到法定人数" in text
    assert "举手表决：赞成6+反对2+弃权1=9，实到9" in text
    assert "赞成6/9，需≥5" in text and "【通过】" in text
    for head in village["heads"][:9]:
        assert head.name in text
    assert village["heads"][9].name not in text
    assert "会议由村委会主任主持" in text


def test_resolution_cites_the_law(client, village, tmp_path):
    client.force_login(village["staff"])
    decision = village["decision"]
    text = flat(text_of(client.get(reverse("consultation:resolution_pdf", args=[decision.pk])), tmp_path))
    rule = decision.motion.effective_rule()
    assert "南庄村民会议决议" in text and "按每户1200元分配2025年集体资产收益" in text
    assert "赞成6+反对2+弃权1=9" in text and "表决结果：通过" in text
    assert flat(rule.law) in text and flat(rule.article) in text
    assert "第二十四条事项" in text
    assert "南庄社区居民委员会（印章）" in text


def test_board_notice_carries_the_head_hash(client, village, tmp_path):
    entry, node = village["entry"], village["node"]
    text = flat(text_of(client.get(reverse("disclosure:notice_pdf", args=[node.code, entry.seq])), tmp_path))
    seq, head = chain.head(node)
    assert entry.hash in text and head in text and f"本栏共{seq}条" in text
    assert "按每户1200元分配" in text


def test_scoping(client, village, town, tmp_path):
    meeting, decision = village["meeting"], village["decision"]
    outsider = factories.make_user("community", town["c2"], username="other")
    client.force_login(outsider)
    for name, pk in (
        ("meeting_notice_pdf", meeting.pk),
        ("minutes_pdf", meeting.pk),
        ("sign_in_sheet_pdf", meeting.pk),
        ("resolution_pdf", decision.pk),
    ):
        assert client.get(reverse(f"consultation:{name}", args=[pk])).status_code == 404, name
    supervisor = factories.make_user("supervisor", town["t"], username="jiandu")
    client.force_login(supervisor)
    assert client.get(reverse("consultation:minutes_pdf", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("consultation:sign_in_sheet_pdf", args=[meeting.pk])).status_code in (403, 404)


def test_pages_link_the_documents(client, village):
    client.force_login(village["staff"])
    meeting, decision = village["meeting"], village["decision"]
    page = client.get(reverse("consultation:meeting_detail", args=[meeting.pk])).content.decode()
    for name in ("meeting_notice_pdf", "sign_in_sheet_pdf", "minutes_pdf"):
        assert reverse(f"consultation:{name}", args=[meeting.pk]) in page
    assert reverse("consultation:resolution_pdf", args=[decision.pk]) in page
    listing = client.get(reverse("consultation:decision_list")).content.decode()
    assert reverse("consultation:resolution_pdf", args=[decision.pk]) in listing
    assert reverse("disclosure:notice_pdf", args=[village["node"].code, village["entry"].seq]) in listing
