"""/api/v1/surveys: the list and detail per role, answering as a linked resident (a second
answer of one household refused with 422 and the reason), the results (staff; residents once
published), bad input — every answer checked against the OpenAPI document."""

import pytest

from gongzhi.surveys import services
from gongzhi.surveys.choices import Channel
from tests.api_client import ApiClient

from .conftest import linked, make_vote, yes


def _answers(survey, values):
    out = []
    for qid, value in values.items():
        if isinstance(value, list):
            out.append({"question_id": qid, "option_ids": value})
        elif survey.questions.get(pk=qid).kind == "rating":
            out.append({"question_id": qid, "rating": value})
        elif survey.questions.get(pk=qid).kind == "single":
            out.append({"question_id": qid, "option_ids": [value]})
        else:
            out.append({"question_id": qid, "text": value})
    return {"answers": out}


def test_list_and_detail_per_role(world, vote):
    draft = services.create_survey(
        world.users.community,
        node=world.town["c1"],
        title="草稿",
        questions=[{"kind": "text", "text": "意见", "subject": "", "options": []}],
        opens_on=vote.opens_on,
        closes_on=vote.closes_on,
    )
    staff = ApiClient(world.users.community).get("/surveys").json()
    assert {s["id"] for s in staff["results"]} == {vote.pk, draft.pk}
    resident = ApiClient(world.users.resident).get("/surveys").json()
    assert [s["id"] for s in resident["results"]] == [vote.pk]  # drafts never
    assert ApiClient(world.users.far_resident).get("/surveys").json()["count"] == 0
    assert ApiClient(world.users.community2).get(f"/surveys/{vote.pk}").status_code == 404
    assert ApiClient(world.users.department).get(f"/surveys/{vote.pk}").status_code == 404
    detail = ApiClient(world.users.resident).get(f"/surveys/{vote.pk}")
    assert detail.status_code == 200 and detail["ETag"] == f'"{vote.version}"'
    body = detail.json()
    assert body["questions"][0]["options"][0]["text"] == "同意" and body["threshold_percent"] == 60


def test_resident_answers_and_the_household_rule_holds(world, vote):
    api = ApiClient(world.users.resident)
    created = api.post(f"/surveys/{vote.pk}/responses", _answers(vote, yes(vote)))
    assert created.status_code == 201 and created.json()["channel"] == Channel.PHONE
    again = api.post(f"/surveys/{vote.pk}/responses", _answers(vote, yes(vote)))
    assert again.status_code == 422 and "已作答过该问卷" in again.json()["detail"][0]["message"]
    spouse = ApiClient(linked(world.people.a2, "zhanger"))
    refused = spouse.post(f"/surveys/{vote.pk}/responses", _answers(vote, yes(vote)))
    assert refused.status_code == 422 and "每户限答一份" in refused.json()["detail"][0]["message"]


def test_answer_bad_input_and_who_may_not(world, vote):
    api = ApiClient(world.users.resident)
    q1 = vote.questions.get(position=1)
    bad = api.post(f"/surveys/{vote.pk}/responses", {"answers": [{"question_id": q1.pk, "option_ids": [999999]}]})
    assert bad.status_code == 422 and "第 1 题" in str(bad.json())
    assert (
        api.post(f"/surveys/{vote.pk}/responses", {"answers": [{"question_id": q1.pk, "rating": 9}]}).status_code == 422
    )
    assert api.post(f"/surveys/{vote.pk}/responses", {"answers": "x"}).status_code == 422
    assert (
        ApiClient(world.users.community).post(f"/surveys/{vote.pk}/responses", _answers(vote, yes(vote))).status_code
        == 403
    )
    assert (
        ApiClient(world.users.far_resident).post(f"/surveys/{vote.pk}/responses", _answers(vote, yes(vote))).status_code
        == 404
    )


def test_results_staff_now_residents_once_published(world, vote):
    services.answer(vote, world.people.b, yes(vote), channel=Channel.PAPER)
    staff = ApiClient(world.users.supervisor).get(f"/surveys/{vote.pk}/results")
    body = staff.json()
    assert staff.status_code == 200 and body["threshold"]["count"] == 1 and body["threshold"]["total"] == 6
    assert body["threshold"]["needed"] == 4 and not body["threshold"]["frozen"]
    resident = ApiClient(world.users.resident)
    assert resident.get(f"/surveys/{vote.pk}/results").status_code == 404
    services.publish_results(services.close_survey(vote))
    shown = resident.get(f"/surveys/{vote.pk}/results").json()
    assert shown["threshold"]["frozen"] and shown["questions"][0]["rows"][0] == {
        "label": "同意",
        "count": 1,
        "percent": "100.0",
    }


def test_list_queries_bounded(world, django_assert_max_num_queries):
    for i in range(3):
        make_vote(world, title=f"问卷{i}")
    api = ApiClient(world.users.community)
    with django_assert_max_num_queries(8):
        assert api.get("/surveys").json()["count"] == 3


@pytest.mark.parametrize("page_size", [0, 100000])
def test_list_refuses_bad_page_size(world, page_size):
    assert ApiClient(world.users.community).get("/surveys", page_size=page_size).status_code == 422
