"""Paper co-signatures entered in bulk: every line checked against the registry and the matter
(each refusal with its Chinese reason), all or nothing — no signature and no stored file unless
every line passes — with the scan attached and the whole sheet audited."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.consultation import services
from gongzhi.consultation.models import Matter, PaperSignatureSheet, Support
from gongzhi.consultation.services import paper
from gongzhi.core.models import AuditEntry
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from .conftest import adults, born


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def scan(name="联署名单.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff scan", content_type="image/jpeg")


@pytest.fixture
def case(town):
    raiser = born(town["g11"], dt.date(1970, 1, 1), name="提议人")
    people = adults(town["g11"], 5)
    matter = services.raise_matter(
        node=town["c1"], title="修缮村道", resident=raiser, support_threshold=4, threshold_reason="测试设定的联署人数"
    )
    return {"matter": matter, "raiser": raiser, "people": people}


def text_of(residents):
    return "\n".join(f"{r.name} {r.id_number}" for r in residents)


def test_every_line_accepted_records_all_with_the_scan(case, media):
    matter, people = case["matter"], case["people"]
    lines = paper.parse_text(text_of(people))
    sheet = services.record_paper_signatures(matter, lines, scan=scan())
    matter.refresh_from_db()
    assert matter.support_count == 5 and matter.status == "pending"  # threshold 4 reached
    assert sheet.count == 5 and sheet.original_name == "联署名单.jpg"
    assert set(Support.objects.filter(sheet=sheet).values_list("resident_id", flat=True)) == {p.pk for p in people}
    assert any(p.is_file() for p in media.rglob("*"))
    event = AuditEntry.objects.get(content_type__model="papersignaturesheet")
    assert event.after["count"] == 5 and event.after["scan"] == "联署名单.jpg"
    assert AuditEntry.objects.filter(content_type__model="support").count() == 5


def test_refused_lines_say_why_and_nothing_is_saved(case, town, media):
    matter, people, raiser = case["matter"], case["people"], case["raiser"]
    child = born(town["g11"], dt.date(2015, 3, 1), name="小明")
    outsider = born(town["g21"], dt.date(1980, 1, 1), name="外村人")
    gone = born(town["g11"], dt.date(1950, 1, 1), name="老王")
    Resident.objects.filter(pk=gone.pk).update(status=Status.DECEASED)
    services.co_sign(matter, people[4])
    last = people[1].id_number[-1]
    wrong = people[1].id_number[:-1] + ("0" if last != "0" else "1")
    text = "\n".join(
        [
            f"{people[0].name} {people[0].id_number}",  # 1 ok
            f"{people[0].name}，{people[0].id_number}",  # 2 duplicate of line 1
            "",
            f"{people[1].name} {wrong}",  # 4 bad check character
            f"{child.name} {child.id_number}",  # 5 under 18
            f"{outsider.name} {outsider.id_number}",  # 6 another community
            f"张冠李戴 {people[2].id_number}",  # 7 name does not match
            f"{gone.name} {gone.id_number}",  # 8 deceased
            f"{raiser.id_number} {raiser.name}",  # 9 the raiser (ID first)
            f"{people[4].name} {people[4].id_number}",  # 10 already co-signed
            f"{people[3].name}\t{people[3].id_number}",  # 11 ok
        ]
    )
    with pytest.raises(paper.PaperListRefused) as exc:
        services.record_paper_signatures(matter, paper.parse_text(text), scan=scan())
    reasons = {line.number: line.reason for line in exc.value.lines}
    assert reasons[1] == "" and reasons[11] == ""
    assert reasons[2] == "与第 1 行重复"
    assert reasons[4].startswith("身份证号有误：身份证号校验位错误")
    assert "未满18周岁" in reasons[5]
    assert reasons[6] == f"本社区/村居民登记中没有身份证号 {outsider.id_number}"
    assert reasons[7] == f"姓名“张冠李戴”与登记的“{people[2].name}”不符"
    assert reasons[8] == "老王 不在册（死亡），不能联署"
    assert reasons[9] == "提出人不能联署自己的议题"
    assert reasons[10] == f"{people[4].name} 已联署过该议题"
    assert "有 8 行未通过核对" in exc.value.messages[0]
    matter.refresh_from_db()
    assert matter.support_count == 1 and Support.objects.count() == 1
    assert not PaperSignatureSheet.objects.exists() and not any(p.is_file() for p in media.rglob("*"))


def test_check_only_writes_nothing(case):
    lines = paper.check_lines(case["matter"], paper.parse_text(text_of(case["people"])))
    assert all(line.ok for line in lines) and not Support.objects.exists()


def test_scan_is_required_and_checked(case):
    lines = paper.parse_text(text_of(case["people"]))
    with pytest.raises(Exception) as exc:
        services.record_paper_signatures(case["matter"], lines, scan=None)
    assert "请上传纸质联署名单的扫描件" in str(exc.value)
    with pytest.raises(Exception) as exc:
        services.record_paper_signatures(case["matter"], lines, scan=scan("名单.exe"))
    assert "类型不允许上传" in str(exc.value)
    assert not Support.objects.exists()


def test_closed_matter_refuses_the_whole_list(case):
    matter = case["matter"]
    services.withdraw_matter(matter)
    with pytest.raises(Exception) as exc:
        services.record_paper_signatures(
            Matter.objects.get(pk=matter.pk), paper.parse_text(text_of(case["people"])), scan=scan()
        )
    assert "不再征集联署" in str(exc.value)


def test_workbook_with_header_and_numbers_as_numbers(case):
    people = case["people"]
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["纸质联署名单"])
    ws.append(["序号", "姓名", "身份证号码"])
    for i, p in enumerate(people[:2], start=1):
        ws.append([i, p.name, p.id_number])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    lines = paper.parse_workbook(buf)
    assert [(line.number, line.name, line.id_number) for line in lines] == [
        (3, people[0].name, people[0].id_number),
        (4, people[1].name, people[1].id_number),
    ]
    assert paper.as_text(lines).splitlines()[0] == f"{people[0].name} {people[0].id_number}"


def test_not_a_workbook_is_refused():
    with pytest.raises(Exception) as exc:
        paper.parse_workbook(io.BytesIO(b"not a workbook"))
    assert "无法读取该 Excel 文件" in str(exc.value)
