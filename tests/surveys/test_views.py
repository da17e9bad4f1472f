"""The web pages: creating a survey with bad input kept and explained, the resident's phone
page (a second answer of one household refused with the reason), paper answers (preview with a
reason per line, then all or none), the door, results, exports and publishing."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.consultation.models import DisclosureEntry
from gongzhi.surveys import services
from gongzhi.surveys.choices import Channel, SurveyStatus
from gongzhi.surveys.models import Response, Survey

from .conftest import VOTE, yes


def _post_answers(client, url, survey, values, **extra):
    data = {f"q{k}": v for k, v in values.items()}
    data.update(extra)
    return client.post(url, data)


def test_create_keeps_input_and_explains(client, world):
    client.force_login(world.users.community)
    today = timezone.localdate()
    data = {
        "node": world.town["c1"].pk,
        "title": "整治意见",
        "kind": "general",
        "audience": "households",
        "opens_on": today.isoformat(),
        "closes_on": (today - dt.timedelta(days=1)).isoformat(),
        "questions": "单选｜同意吗｜同意\n" + VOTE,
        "threshold_question": "1",
    }
    page = client.post(reverse("surveys:create"), data)
    text = page.content.decode()
    assert page.status_code == 200 and "门槛须同时填写题号、选项号和比例" in text
    data["threshold_option"], data["threshold_percent"] = "1", "60"
    text = client.post(reverse("surveys:create"), data).content.decode()
    assert "第 1 行：选择题至少要有两个选项" in text and "整治意见" in text
    data["questions"] = VOTE
    text = client.post(reverse("surveys:create"), data).content.decode()
    assert "截止日期不能早于开始日期" in text
    data["closes_on"] = today.isoformat()
    page = client.post(reverse("surveys:create"), data)
    survey = Survey.objects.get()
    assert page.status_code == 302 and survey.per_household and survey.threshold_percent == 60
    # Another community is not offered (and refused if sent).
    data["node"] = world.town["c2"].pk
    assert "node" in client.post(reverse("surveys:create"), data).context["form"].errors


def test_resident_answers_on_phone_and_household_member_is_refused(client, world, vote):
    client.force_login(world.users.resident)
    mine = client.get(reverse("surveys:mine") + "?todo=1")
    assert mine.context["page"].paginator.count == 1
    url = reverse("surveys:answer", args=[vote.pk])
    page = client.get(url)
    assert page.status_code == 200 and "提交答卷" in page.content.decode()
    q1 = vote.questions.get(position=1)
    bad = _post_answers(client, url, vote, {q1.pk: q1.options.first().pk})
    assert "请回答此题" in bad.content.decode()
    done = _post_answers(client, url, vote, yes(vote))
    assert done.status_code == 302 and Response.objects.get().channel == Channel.PHONE
    assert client.get(reverse("surveys:mine") + "?todo=1").context["page"].paginator.count == 0
    assert "您已于" in client.get(url).content.decode()
    # 张二 lives in the same household: the page says why and a post is refused.
    from .conftest import linked

    spouse = linked(world.people.a2, "zhanger")
    client.force_login(spouse)
    page = client.get(url).content.decode()
    assert "该户已由 张* 于" in page and "每户限答一份" in page
    again = _post_answers(client, url, vote, yes(vote))
    assert "该户已由" in again.content.decode() and Response.objects.count() == 1


def test_resident_elsewhere_and_staff_cannot_open_answer_page(client, world, vote):
    url = reverse("surveys:answer", args=[vote.pk])
    client.force_login(world.users.far_resident)
    assert client.get(url).status_code == 404
    client.force_login(world.users.community)
    assert client.get(url).status_code == 403


def test_paper_preview_then_all_or_none(client, world, vote):
    client.force_login(world.users.community)
    url = reverse("surveys:paper", args=[vote.pk])
    p = world.people
    lines = "\n".join(
        [
            f"{p.a1.name} {p.a1.id_number} 1 1+3 5 路灯不亮",
            f"{p.a2.name} {p.a2.id_number} 2 2 4",  # same household as line 1
            f"{p.b.name} {p.b.id_number} 同意 2 4 -",
            f"王五 {p.c.id_number} 1 1 5",  # wrong name
            f"{p.far.name} {p.far.id_number} 1 1 5",  # not in 南庄
            f"{p.d.name} {p.d.id_number} 3 1 5",  # no option 3
            f"{p.e.name} 123 1 1 5",
        ]
    )
    page = client.post(url, {"lines": lines, "action": "check"})
    found = {line.number: line for line in page.context["lines"]}
    assert found[1].ok and found[3].ok
    assert "与第 1 行同户" in found[2].reason
    assert "姓名“王五”与登记的“王四”不符" in found[4].reason
    assert "本社区/村居民登记中没有身份证号" in found[5].reason
    assert "第 1 题没有选项“3”" in found[6].reason
    assert "身份证号有误" in found[7].reason
    assert not Response.objects.exists()
    refused = client.post(url, {"lines": lines, "action": "save"})
    assert "整张名单均未录入" in refused.content.decode() and not Response.objects.exists()
    good = "\n".join(lines.splitlines()[i] for i in (0, 2))
    saved = client.post(url, {"lines": good, "action": "save"})
    assert saved.status_code == 302
    assert set(Response.objects.values_list("channel", flat=True)) == {Channel.PAPER}
    assert Response.objects.count() == 2
    texts = list(vote.questions.get(position=4).answers.values_list("text", flat=True))
    assert texts == ["路灯不亮"]
    again = client.post(url, {"lines": good, "action": "check"})
    assert all("已作答过该问卷" in line.reason for line in again.context["lines"])


def test_door_list_and_answer_for_a_household_of_my_grid(client, world, vote):
    client.force_login(world.users.grid)
    listed = client.get(reverse("surveys:door", args=[vote.pk]))
    ids = {h.pk for h in listed.context["page"]}
    assert world.homes[0].pk in ids and world.homes[5].pk not in ids  # g12 is not her grid
    url = reverse("surveys:door_answer", args=[vote.pk, world.homes[0].pk])
    missing = _post_answers(client, url, vote, yes(vote))
    assert "请选择作答的住户成员" in missing.content.decode()
    done = _post_answers(client, url, vote, yes(vote), resident=world.people.a2.pk)
    assert done.status_code == 302 and Response.objects.get().entered_by == world.users.grid
    assert "该户已由 张* 于" in client.get(url).content.decode()
    assert client.get(reverse("surveys:door_answer", args=[vote.pk, world.homes[5].pk])).status_code == 404


def test_results_export_masked_and_publish(client, world, vote):
    services.answer(vote, world.people.a1, yes(vote), channel=Channel.PHONE)
    client.force_login(world.users.community)
    page = client.get(reverse("surveys:results", args=[vote.pk]))
    text = page.content.decode()
    assert "选择“同意”的住户 1/6 户，需 ≥ 4 户（60%），未达到门槛" in text and "6 × 60% = 3.6" in text
    export = client.get(reverse("surveys:results", args=[vote.pk]) + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[1][3] == "张*" and "*" in rows[1][4] and world.people.a1.id_number not in str(rows)
    assert "同意" in [r[3] for r in book.worksheets[0].iter_rows(values_only=True)]
    detail = reverse("surveys:detail", args=[vote.pk])
    client.post(reverse("surveys:close", args=[vote.pk]), {"version": vote.version})
    vote.refresh_from_db()
    assert vote.status == SurveyStatus.CLOSED and vote.households_total == 6
    assert "在公开栏公开结果" in client.get(detail).content.decode()
    client.post(reverse("surveys:publish", args=[vote.pk]), {"version": vote.version})
    vote.refresh_from_db()
    entry = DisclosureEntry.objects.get(pk=vote.published_entry_id)
    board = client.get(reverse("disclosure:board", args=[world.town["c1"].code])).content.decode()
    assert entry.title in board


def test_stale_close_is_refused(client, world, vote):
    client.force_login(world.users.community)
    page = client.post(reverse("surveys:close", args=[vote.pk]), {"version": vote.version - 1}, follow=True)
    assert "保存失败" in page.content.decode()
    vote.refresh_from_db()
    assert vote.status == SurveyStatus.OPEN


def test_satisfaction_page_and_export(client, world):
    client.force_login(world.users.supervisor)
    page = client.get(reverse("surveys:satisfaction"))
    assert page.status_code == 200 and "还没有满意度测评结果" in page.content.decode()
    export = client.get(reverse("surveys:satisfaction") + "?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_filters_sorts_and_exports(client, world, vote):
    client.force_login(world.users.community)
    page = client.get(reverse("surveys:list"), {"status": "open", "sort": "-responses"})
    assert [s.pk for s in page.context["page"]] == [vote.pk]
    assert client.get(reverse("surveys:list"), {"status": "closed"}).context["page"].paginator.count == 0
    export = client.get(reverse("surveys:list"), {"export": "xlsx"})
    assert export.status_code == 200


@pytest.mark.parametrize("name", ["list", "satisfaction"])
def test_list_pages_answer_within_bounded_queries(client, world, vote, name, django_assert_max_num_queries):
    for person in (world.people.a1, world.people.b, world.people.c):
        services.answer(vote, person, yes(vote), channel=Channel.PAPER)
    client.force_login(world.users.community)
    with django_assert_max_num_queries(14):
        assert client.get(reverse(f"surveys:{name}")).status_code == 200


def test_results_page_queries_do_not_grow_with_answers(client, world, vote, django_assert_max_num_queries):
    client.force_login(world.users.community)
    url = reverse("surveys:results", args=[vote.pk])
    client.get(url)
    for person in (world.people.a1, world.people.b, world.people.c, world.people.d, world.people.e):
        services.answer(vote, person, yes(vote), channel=Channel.PAPER)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("surveys:door", args=[vote.pk])).status_code in (200, 403)


def test_a_person_in_a_sensitive_group_is_not_named_at_the_door_or_in_the_export(client, world, vote):
    from tests import factories

    hidden = factories.make_resident(
        household=world.homes[2], name="钱矫正", relation="child", tags=[factories.sensitive_tag()]
    )
    client.force_login(world.users.grid)
    door = client.get(reverse("surveys:door_answer", args=[vote.pk, world.homes[2].pk])).content.decode()
    assert "王四" in door and "钱矫正" not in door
    services.answer(vote, hidden, yes(vote), channel=Channel.PAPER)
    client.force_login(world.users.community)
    export = client.get(reverse("surveys:results", args=[vote.pk]) + "?export=xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[1].iter_rows(values_only=True))
    assert rows[1][3] == "（已隐藏）" and not rows[1][4] and "钱" not in str(rows)
