"""The pages for what is done on paper: paper co-signatures (预检 saves nothing; 确认录入 saves all
or nothing, reasons shown line by line; an Excel list lands in the text box), sign-in from the
eligible list (households; search; tick many), the tally sheet on an open motion (refused above
those present), the scans' downloads (scoped, as attachments) and who may open each page."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.consultation import services
from gongzhi.consultation.models import Attendance, PaperSignatureSheet, Support, TallySheet
from tests import factories

from .conftest import MEETING_DAY, adults, born, open_meeting_with


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def scan(name="名单.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff scan", content_type="image/jpeg")


@pytest.fixture
def clerk(town):
    return factories.make_user("community", town["c1"], username="clerk")


@pytest.fixture
def matter(town):
    raiser = born(town["g11"], dt.date(1970, 1, 1), name="提议人")
    return services.raise_matter(
        node=town["c1"], title="修缮村道", resident=raiser, support_threshold=3, threshold_reason="测试设定的联署人数"
    )


def test_paper_signatures_check_then_confirm(client, clerk, matter, town):
    people = adults(town["g11"], 3)
    client.force_login(clerk)
    url = reverse("consultation:paper_signatures", args=[matter.pk])
    detail = client.get(reverse("consultation:matter_detail", args=[matter.pk])).content.decode()
    assert url in detail
    good = "\n".join(f"{p.name} {p.id_number}" for p in people)
    html = client.post(url, {"lines": good + f"\n{people[0].name} {people[0].id_number}", "action": "check"})
    html = html.content.decode()
    assert "与第 1 行重复" in html and "1 行未通过" in html and not Support.objects.exists()
    response = client.post(url, {"lines": good, "action": "save", "scan": scan()})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.support_count == 3 and PaperSignatureSheet.objects.count() == 1
    sheet = PaperSignatureSheet.objects.get()
    download = client.get(reverse("consultation:paper_scan", args=[sheet.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_refused_confirm_saves_nothing_and_shows_each_line(client, clerk, matter, town):
    people = adults(town["g11"], 2)
    client.force_login(clerk)
    url = reverse("consultation:paper_signatures", args=[matter.pk])
    text = f"{people[0].name} {people[0].id_number}\n张冠李戴 {people[1].id_number}"
    html = client.post(url, {"lines": text, "action": "save", "scan": scan()}).content.decode()
    assert f"姓名“张冠李戴”与登记的“{people[1].name}”不符" in html
    assert "整张名单均未录入" in html
    assert not Support.objects.exists() and not PaperSignatureSheet.objects.exists()


def test_workbook_fills_the_box(client, clerk, matter, town):
    people = adults(town["g11"], 2)
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号"])
    for p in people:
        book.active.append([p.name, p.id_number])
    buf = io.BytesIO()
    book.save(buf)
    client.force_login(clerk)
    upload = SimpleUploadedFile("名单.xlsx", buf.getvalue())
    html = client.post(
        reverse("consultation:paper_signatures", args=[matter.pk]), {"workbook": upload, "action": "check"}
    ).content.decode()
    assert f"{people[0].name} {people[0].id_number}" in html and "2 行全部通过" in html


@pytest.mark.parametrize(
    "role,node,expected", [("community", "c1", 200), ("community", "c2", 404), ("resident", "c1", 403)]
)
def test_paper_page_permissions(client, matter, town, role, node, expected):
    client.force_login(factories.make_user(role, town[node]))
    assert client.get(reverse("consultation:paper_signatures", args=[matter.pk])).status_code == expected


def test_paper_scan_scoped(client, clerk, matter, town):
    people = adults(town["g11"], 1)
    from gongzhi.consultation.services import paper

    sheet = services.record_paper_signatures(
        matter, paper.parse_text(f"{people[0].name} {people[0].id_number}"), scan=scan()
    )
    url = reverse("consultation:paper_scan", args=[sheet.pk])
    for role, node, code in (("community", "c2", 404), ("resident", "c1", 404), ("supervisor", "t", 200)):
        client.force_login(factories.make_user(role, town[node]))
        assert client.get(url).status_code == code, role


def test_sign_in_from_the_household_list(client, clerk, town):
    body = services.create_body(node=town["c1"], kind="villager_assembly", name="村民会议", constituency="households")
    heads = [born(town["g11"], dt.date(1970, 1, 1), name=f"户主{i}") for i in range(5)]
    spouse = born(town["g11"], dt.date(1972, 1, 1), household=heads[0].household, name="配偶", relation="spouse")
    meeting = services.schedule_meeting(
        body=body, title="村民会议", date=MEETING_DAY, notice_at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
    )
    client.force_login(clerk)
    url = reverse("consultation:sign_in_list", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert heads[0].household.number in html and f'<option value="{spouse.pk}">配偶</option>' in html
    assert "tick-all.js" in html
    data = {"household": [h.household_id for h in heads[:4]]}
    data.update({f"rep-{h.household_id}": h.pk for h in heads[:4]})
    data[f"rep-{heads[0].household_id}"] = spouse.pk  # the spouse represents the first household
    response = client.post(url, data, follow=True)
    assert "已签到 4，共签到 4" in response.content.decode()
    assert set(Attendance.objects.values_list("resident_id", flat=True)) == {spouse.pk, *[h.pk for h in heads[1:4]]}
    html = client.get(url, {"q": "户主4"}).content.decode()
    assert heads[4].household.number in html and heads[1].household.number not in html


@pytest.mark.parametrize(
    "role,node,expected", [("community", "c2", 404), ("resident", "c1", 403), ("supervisor", "t", 403)]
)
def test_sign_in_list_permissions(client, town, council, role, node, expected):
    body, people = council
    meeting = services.schedule_meeting(
        body=body, title="议事会", date=MEETING_DAY, notice_at=dt.datetime(2026, 5, 20, 9, tzinfo=dt.UTC)
    )
    client.force_login(factories.make_user(role, town[node]))
    assert client.get(reverse("consultation:sign_in_list", args=[meeting.pk])).status_code == expected


def test_tally_entry_on_the_meeting_page(client, clerk, council):
    body, people = council
    meeting = open_meeting_with(body, people, 20)
    motion = services.open_motion(services.propose_motion(meeting, text="错时停车方案"))
    client.force_login(clerk)
    url = reverse("consultation:tally_enter", args=[motion.pk])
    p = f"t{motion.pk}-"
    data = {p + "method": "hands", p + "ayes": 15, p + "nays": 5, p + "abstentions": 1, p + "scan": scan("计票单.jpg")}
    html = client.post(url, data, follow=True).content.decode()
    assert "超过实到人数 20" in html and not TallySheet.objects.exists()
    data.update({p + "abstentions": 0, p + "scan": scan("计票单.jpg")})
    html = client.post(url, data, follow=True).content.decode()
    assert "已录入计票结果" in html and "举手表决：赞成 15 + 反对 5 + 弃权 0 = 20 ≤ 实到 20" in html
    sheet = TallySheet.objects.get()
    assert client.get(reverse("consultation:tally_scan", args=[sheet.pk])).status_code == 200


def test_tally_entry_needs_run_meeting(client, town, council):
    body, people = council
    meeting = open_meeting_with(body, people, 20)
    motion = services.open_motion(services.propose_motion(meeting, text="方案"))
    client.force_login(factories.make_user("supervisor", town["t"]))
    assert client.post(reverse("consultation:tally_enter", args=[motion.pk]), {}).status_code == 403
    client.force_login(factories.make_user("community", town["c2"]))
    assert client.post(reverse("consultation:tally_enter", args=[motion.pk]), {}).status_code == 404
