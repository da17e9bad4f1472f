"""民事民评: the round's result goes on the board; an average below
GONGZHI_EVALUATION_REOPEN_BELOW reopens the matter (audited, through the one place its status
changes) and opens a new round; paper evaluation forms go through the paper-list path."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongzhi.consultation import selectors, services
from gongzhi.consultation.models import DisclosureEntry, Matter, PaperRatingSheet, Rating
from gongzhi.consultation.services import evaluation, paper
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import adults, born


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def scan(name="评议表.jpg"):
    return SimpleUploadedFile(name, b"\xff\xd8\xff scan", content_type="image/jpeg")


@pytest.fixture
def done(town):
    matter = services.triage(services.raise_matter(node=town["c1"], title="修复楼道灯", source="committee"), "direct")
    services.update_progress(services.add_task(matter, title="更换灯具", owner_name="物业"), 100)
    return Matter.objects.get(pk=matter.pk)


def rate_all(matter, people, scores):
    for person, score in zip(people, scores):
        services.rate(matter, person, score)


def test_good_average_is_published_and_closes_the_round(town, done):
    rate_all(done, adults(town["g11"], 3), (4, 3, 3))  # 3.33 ≥ 3
    entry, reopened = services.publish_evaluation(done)
    matter = Matter.objects.get(pk=done.pk)
    assert not reopened and matter.status == "done" and matter.evaluated_round == 1
    assert entry.kind == "evaluation" and entry.matter_id == matter.pk and entry.node == town["c1"]
    assert "3 人参加，平均 3.3 分" in entry.body and "评议通过" in entry.body
    with pytest.raises(ValidationError, match="评议已结束"):
        services.rate(matter, born(town["g11"], dt.date(1970, 1, 1)), 5)
    with pytest.raises(ValidationError, match="评议已结束"):
        services.publish_evaluation(matter)


def test_low_average_reopens_the_matter_for_a_new_round(town, done, settings):
    settings.GONGZHI_EVALUATION_REOPEN_BELOW = "3.5"
    people = adults(town["g11"], 3)
    rate_all(done, people, (4, 3, 3))  # 3.33 < 3.5
    entry, reopened = services.publish_evaluation(done)
    matter = Matter.objects.get(pk=done.pk)
    assert reopened and matter.status == "carrying_out" and matter.evaluation_round == 2
    assert "低于 3.5 分，议题重新办理" in entry.body
    moved = AuditEntry.objects.filter(object_id=str(matter.pk), reason__contains="低于 3.5 分，重新办理")
    assert moved.filter(after__status="carrying_out").exists()
    follow_up = services.add_task(matter, title="整改：补装感应开关", owner_name="物业")
    services.update_progress(follow_up, 100)
    matter = Matter.objects.get(pk=matter.pk)
    assert matter.status == "done" and selectors.rating_summary(matter)["count"] == 0
    services.rate(matter, people[0], 5)  # the same resident rates the follow-up afresh
    assert Rating.objects.filter(matter=matter, resident=people[0]).count() == 2


def test_publishing_needs_enough_ratings(town, done, settings):
    settings.GONGZHI_MIN_RATINGS = 2
    rate_all(done, adults(town["g11"], 1), (5,))
    with pytest.raises(ValidationError, match="评议人数不足：已评议 1 人，需 ≥ 2 人"):
        services.publish_evaluation(done)
    assert not DisclosureEntry.objects.filter(kind="evaluation").exists()


def test_reopen_threshold_is_a_setting_with_a_default(settings):
    del settings.GONGZHI_EVALUATION_REOPEN_BELOW
    assert str(evaluation.reopen_below()) == "3"
    settings.GONGZHI_EVALUATION_REOPEN_BELOW = 4
    assert str(evaluation.reopen_below()) == "4"


def text_of(rows):
    return "\n".join(f"{p.name} {p.id_number} {score} {comment}".strip() for p, score, comment in rows)


def test_paper_lines_are_parsed_with_score_and_comment():
    lines = paper.parse_text(
        "张三 320582198001010011 4分 路灯 很亮\n李四，320582197502020022，2\n王五 320582197502020033", scored=True
    )
    assert [(x.name, x.id_number, x.score, x.comment) for x in lines] == [
        ("张三", "320582198001010011", 4, "路灯 很亮"),
        ("李四", "320582197502020022", 2, ""),
        ("王五", "320582197502020033", None, ""),
    ]


def test_paper_evaluations_refuse_each_bad_line_and_save_nothing(town, done):
    people = adults(town["g11"], 4)
    services.rate(done, people[3], 5)
    child = born(town["g11"], dt.date(2015, 1, 1), name="小明")
    outsider = born(town["g21"], dt.date(1970, 1, 1), name="外人")
    text = (
        text_of(
            [
                (people[0], 4, "好"),
                (people[0], 3, ""),
                (people[1], 7, ""),
                (people[3], 2, ""),
                (child, 5, ""),
                (outsider, 5, ""),
            ]
        )
        + f"\n{people[2].name} {people[2].id_number}"
    )
    with pytest.raises(paper.PaperListRefused) as exc:
        services.record_paper_ratings(done, paper.parse_text(text, scored=True), scan=scan())
    reasons = {line.number: line.reason for line in exc.value.lines}
    assert reasons[1] == ""
    assert reasons[2] == "与第 1 行重复"
    assert reasons[3] == "评分须为 1–5 的整数"
    assert reasons[4] == f"{people[3].name} 已评议过该议题"
    assert reasons[5] == "小明 未满18周岁，不能评议"
    assert reasons[6] == f"本社区/村居民登记中没有身份证号 {outsider.id_number}"
    assert reasons[7] == "缺少评分（1–5）"
    assert Rating.objects.filter(matter=done).count() == 1 and not PaperRatingSheet.objects.exists()


def test_paper_evaluations_from_a_workbook_are_saved_with_the_scan(town, done):
    people = adults(town["g11"], 3)
    book = openpyxl.Workbook()
    book.active.append(["序号", "姓名", "身份证号", "评分", "意见"])
    for i, (p, score) in enumerate(zip(people, (2, 2, 3)), 1):
        book.active.append([i, p.name, p.id_number, score, "积水未除" if score == 2 else ""])
    buf = io.BytesIO()
    book.save(buf)
    buf.seek(0)
    lines = paper.parse_workbook(buf, scored=True)
    assert [(x.score, x.comment) for x in lines] == [(2, "积水未除"), (2, "积水未除"), (3, "")]
    sheet = services.record_paper_ratings(done, lines, scan=scan())
    assert sheet.count == 3 and sheet.round == 1
    assert set(Rating.objects.filter(matter=done).values_list("sheet", flat=True)) == {sheet.pk}
    assert AuditEntry.objects.filter(content_type__model="paperratingsheet", object_id=str(sheet.pk)).exists()
    entry, reopened = services.publish_evaluation(done)  # 2.33 < 3
    assert reopened and "平均 2.3 分" in entry.body


def test_paper_evaluations_need_a_scan(town, done):
    people = adults(town["g11"], 1)
    with pytest.raises(ValidationError, match="请上传纸质评议表的扫描件"):
        services.record_paper_ratings(done, paper.parse_text(text_of([(people[0], 4, "")]), scored=True), scan=None)


@pytest.mark.parametrize(
    ("role", "node", "publish", "paper_page"),
    [
        ("community", "c1", 302, 200),
        ("community", "c2", 404, 404),
        ("supervisor", "c1", 403, 403),
        ("resident", "c1", 403, 403),
        ("grid", "g11", 403, 403),
    ],
)
def test_permission_matrix_for_evaluation_pages(client, town, done, role, node, publish, paper_page):
    rate_all(done, adults(town["g11"], 1), (5,))
    client.force_login(factories.make_user(role, town[node]))
    assert client.post(reverse("consultation:evaluation_publish", args=[done.pk])).status_code == publish
    assert client.get(reverse("consultation:paper_ratings", args=[done.pk])).status_code == paper_page


def test_clerk_previews_then_saves_paper_evaluations(client, town, done):
    people = adults(town["g11"], 2)
    client.force_login(factories.make_user("community", town["c1"]))
    url = reverse("consultation:paper_ratings", args=[done.pk])
    text = text_of([(people[0], 5, "满意"), (people[1], 4, "")])
    html = client.post(url, {"lines": text, "action": "check"}).content.decode()
    assert "2 行全部通过" in html and "满意" in html and not Rating.objects.exists()
    resp = client.post(url, {"lines": text, "action": "save", "scan": scan()})
    assert resp.status_code == 302 and Rating.objects.filter(matter=done).count() == 2
    page = client.get(reverse("consultation:matter_detail", args=[done.pk])).content.decode()
    assert "公开评议结果" in page


def test_the_residents_home_asks_for_the_open_round_only(client, town, done, settings):
    from gongzhi.accounts.resident_home import build

    settings.GONGZHI_EVALUATION_REOPEN_BELOW = 4
    person = adults(town["g11"], 1)[0]
    user = factories.make_user("resident", town["c1"], resident=person)
    assert [m.pk for m in build(user).to_rate] == [done.pk]
    services.rate(done, person, 2)
    assert build(user).to_rate == []
    services.publish_evaluation(done)  # 2 < 4: reopened, round 2
    matter = Matter.objects.get(pk=done.pk)
    services.update_progress(services.add_task(matter, title="整改", owner_name="物业"), 100)
    assert [m.pk for m in build(user).to_rate] == [done.pk]  # the follow-up is rated afresh
