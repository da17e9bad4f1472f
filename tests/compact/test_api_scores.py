"""/api/v1/compact/rounds/{id}/scores: scoring one subject on every criterion of the caller's
direction through the same service as the score page, all or nothing; who scores whom is the
page's rule (selectors.evaluator_for / subjects_for). Answers are checked against OpenAPI by the
suite's contract hook."""

import pytest

from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.compact.models import Criterion, Score, party_key
from tests.api_client import ApiClient, errors

from .conftest import YEAR, assign


@pytest.fixture
def rnd(world):
    assign(world)  # 民政局 gave 南庄 work, so 南庄 scores 民政局
    return svc.open_round(world.official, town=world.t, year=YEAR, kind="year_end")


def values(rnd, direction, value):
    return {str(c.pk): value for c in Criterion.objects.filter(round=rnd, direction=direction)}


def test_a_community_scores_a_department_on_every_criterion(world, rnd):
    api = ApiClient(world.staff1)
    body = {"subject": party_key(world.civil), "values": values(rnd, Direction.TO_DEPARTMENT, 85), "comment": "配合好"}
    r = api.post(f"/compact/rounds/{rnd.pk}/scores", body)
    assert r.status_code == 201, r.content
    n = Criterion.objects.filter(round=rnd, direction=Direction.TO_DEPARTMENT).count()
    assert r.json()["scores"] == n and Score.objects.filter(round=rnd, evaluator_node=world.c1).count() == n
    again = api.post(f"/compact/rounds/{rnd.pk}/scores", body)
    assert again.status_code == 422 and Score.objects.filter(round=rnd).count() == n


def test_bad_scores_save_nothing(world, rnd):
    api = ApiClient(world.official)
    good = values(rnd, Direction.TO_COMMUNITY, 90)
    first = next(iter(good))
    bad = {**good, first: 101}
    r = api.post(f"/compact/rounds/{rnd.pk}/scores", {"subject": party_key(world.c1), "values": bad})
    assert "分值须在 0 到" in errors(r)["value"]
    partial = dict(list(good.items())[1:])
    r = api.post(f"/compact/rounds/{rnd.pk}/scores", {"subject": party_key(world.c1), "values": partial})
    assert "须就本方向的每项指标评分" in errors(r)["values"]
    r = api.post(f"/compact/rounds/{rnd.pk}/scores", {"subject": party_key(world.stats), "values": good})
    assert "不是本轮可评分的对象" in errors(r)["subject"]
    assert not Score.objects.exists()


# Who may score in the town's round: the town and the communities (403 for a role scoring as
# nobody here), reading it at all being the round's read rule.
SCORES = {"official": 201, "staff1": 201, "supervisor": 403, "resident": 403}


@pytest.mark.parametrize("role", sorted(SCORES))
def test_score_matrix(role, world, rnd):
    user = getattr(world, role) if role != "resident" else None
    if user is None:
        from tests.factories import make_user

        user = make_user("resident", world.c1)
    direction, subject = (
        (Direction.TO_DEPARTMENT, world.civil) if role == "staff1" else (Direction.TO_COMMUNITY, world.c1)
    )
    r = ApiClient(user).post(
        f"/compact/rounds/{rnd.pk}/scores", {"subject": party_key(subject), "values": values(rnd, direction, 80)}
    )
    assert r.status_code == SCORES[role], (role, r.content)
    assert Score.objects.exists() == (SCORES[role] == 201)
