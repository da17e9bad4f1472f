"""Who may do what, per role, in scope and out of it, on the web and in the API: pages answer
200, 403 (the permission held nowhere) or 404 (not here)."""

import pytest
from django.urls import reverse

from gongzhi.surveys import services
from gongzhi.surveys.choices import Channel
from tests.api_client import ApiClient

from .conftest import make_vote, yes

# (role key, in scope?) → expected status per page
PAGES = ["list", "detail", "results", "paper", "door", "create", "satisfaction", "mine", "answer"]
EXPECTED = {
    "community": [200, 200, 200, 200, 403, 200, 200, 403, 403],
    "community2": [200, 404, 404, 404, 403, 200, 200, 403, 403],
    "town": [200, 200, 200, 200, 403, 200, 200, 403, 403],
    "grid": [200, 200, 200, 403, 200, 403, 200, 403, 403],
    "grid2": [200, 404, 404, 403, 404, 403, 200, 403, 403],
    "supervisor": [200, 200, 200, 403, 403, 403, 200, 403, 403],
    "department": [403, 403, 403, 403, 403, 403, 403, 403, 403],
    "resident": [403, 403, 403, 403, 403, 403, 403, 200, 200],
    "far_resident": [403, 403, 403, 403, 403, 403, 403, 200, 404],
}


def _url(name, survey):
    if name in ("list", "create", "satisfaction", "mine"):
        return reverse(f"surveys:{name}")
    return reverse(f"surveys:{name}", args=[survey.pk])


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_web_matrix(client, world, vote, role):
    client.force_login(getattr(world.users, role))
    got = [client.get(_url(name, vote)).status_code for name in PAGES]
    assert dict(zip(PAGES, got)) == dict(zip(PAGES, EXPECTED[role]))


WRITES = {
    # role: (open/close/publish allowed?, export allowed?)
    "community": (302, 200),
    "community2": (404, 404),
    "grid": (403, 403),
    "supervisor": (403, 403),
    "resident": (403, 403),
}


@pytest.mark.parametrize("role", sorted(WRITES))
def test_web_writes_and_export(client, world, vote, role):
    client.force_login(getattr(world.users, role))
    change, export = WRITES[role]
    assert client.get(reverse("surveys:results", args=[vote.pk]) + "?export=xlsx").status_code == export
    assert client.post(reverse("surveys:close", args=[vote.pk]), {"version": vote.version}).status_code == change
    assert client.get(reverse("surveys:close", args=[vote.pk])).status_code in (405, 403)


def test_town_survey_is_read_below_but_changed_only_by_town(client, world):
    survey = make_vote(world, world.users.town, node=world.town["t"], title="全镇", threshold=None)
    client.force_login(world.users.community)
    assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == 200
    assert client.post(reverse("surveys:close", args=[survey.pk])).status_code == 404
    assert client.get(reverse("surveys:paper", args=[survey.pk])).status_code == 404


API = {
    # role: (list count, detail, answer, results)
    "community": (1, 200, 403, 200),
    "community2": (0, 404, 404, 404),
    "grid": (1, 200, 403, 200),
    "supervisor": (1, 200, 403, 200),
    "department": (0, 404, 404, 404),
    "resident": (1, 200, 201, 404),
    "far_resident": (0, 404, 404, 404),
}


@pytest.mark.parametrize("role", sorted(API))
def test_api_matrix(world, vote, role):
    api = ApiClient(getattr(world.users, role))
    q = {q.kind: q for q in vote.questions.all()}
    body = {
        "answers": [
            {"question_id": q["single"].pk, "option_ids": [q["single"].options.first().pk]},
            {"question_id": q["multiple"].pk, "option_ids": [q["multiple"].options.first().pk]},
            {"question_id": q["rating"].pk, "rating": 4},
        ]
    }
    count, detail, answer, results = API[role]
    assert api.get("/surveys").json()["count"] == count
    assert api.get(f"/surveys/{vote.pk}").status_code == detail
    assert api.post(f"/surveys/{vote.pk}/responses", body).status_code == answer
    assert api.get(f"/surveys/{vote.pk}/results").status_code == results


def test_resident_sees_results_of_a_published_survey_only(world, vote):
    services.answer(vote, world.people.b, yes(vote), channel=Channel.PAPER)
    api = ApiClient(world.users.resident)
    assert api.get(f"/surveys/{vote.pk}/results").status_code == 404
    services.publish_results(services.close_survey(vote))
    assert api.get(f"/surveys/{vote.pk}/results").status_code == 200
