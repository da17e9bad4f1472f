"""Permission matrix of the compact's reads: role × selector × in scope / out of scope.

In scope: town 杨舍镇's objects — 民政局's task to 南庄 with a community red card, 统计局's
override to 梁丰 (red card), a round in which 民政局 scored 梁丰 and 南庄 scored 民政局.
Out of scope: the same kinds of objects in a second town, 塘桥镇, which no 杨舍镇 user may see."""

import pytest

from gongzhi.accounts.models import Organisation
from gongzhi.compact import reports, selectors
from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.territory import services as territory

from ..factories import make_user
from .conftest import DUE, TODAY, YEAR, assign
from .helpers import criteria


@pytest.fixture
def matrix(world):
    w = world
    w.task = assign(w).community_tasks.get()  # 民政局 → 南庄
    w.card = svc.raise_red_card(w.staff1, w.task, reason="清单外")
    ov = svc.override_assignment(
        w.official,
        department=w.stats,
        item=None,
        communities=[w.c2],
        title="普查",
        due_date=DUE,
        reason="一次",
        funding=500,
    )
    w.task2 = ov.community_tasks.get()
    w.card2 = w.task2.red_cards.get()
    w.round = svc.open_round(w.official, town=w.t, year=YEAR, kind="year_end")
    to_comm, to_dept = criteria(w.round, Direction.TO_COMMUNITY)[0], criteria(w.round, Direction.TO_DEPARTMENT)[0]
    w.score_dept = svc.score(w.civil_user, round=w.round, criterion=to_comm, evaluator=w.civil, subject=w.c2, value=70)
    w.score_comm = svc.score(w.staff1, round=w.round, criterion=to_dept, evaluator=w.c1, subject=w.civil, value=50)
    w.resident = make_user("resident", w.c1)
    _other_town(w)
    return w


def _other_town(w):
    """塘桥镇 with its own list, agreement, task, red card and round."""
    t2 = territory.create_node(parent=w.d, kind="town", code="320582101", name="塘桥镇")
    c3 = territory.create_node(parent=t2, kind="community", code="320582101001", name="韩山社区")
    dept = Organisation.objects.create(name="城管局", kind="department", node=t2)
    off, staff, du = make_user("town", t2), make_user("community", c3), make_user("department", t2, organisation=dept)
    lst = svc.create_assistance_list(
        off, node=t2, year=YEAR, items=[{"title": "市容巡查", "department": dept, "amount": 10}]
    )
    svc.publish_list(off, lst)
    agr = svc.create_agreement(off, town=t2, community=c3, year=YEAR)
    svc.add_agreement_item(off, agr, item=lst.items.get())
    svc.sign_agreement(off, agr, signed_on=TODAY)
    task = svc.assign_task(du, department=dept, item=lst.items.get(), communities=[c3], title="巡查", due_date=DUE)
    ctask = task.community_tasks.get()
    card = svc.raise_red_card(staff, ctask, reason="x")
    rnd = svc.open_round(off, town=t2, year=YEAR, kind="year_end")
    sc = svc.score(
        off, round=rnd, criterion=criteria(rnd, Direction.TO_COMMUNITY)[0], evaluator=t2, subject=c3, value=80
    )
    w.far = {"list": lst, "agreement": agr, "task": ctask, "card": card, "round": rnd, "score": sc}


SELECTORS = {
    "list": (selectors.assistance_lists, lambda w: w.list),
    "agreement": (selectors.agreements, lambda w: w.agr1),
    "task": (selectors.community_tasks, lambda w: w.task),
    "card": (selectors.red_cards, lambda w: w.card),
    "round": (selectors.rounds, lambda w: w.round),
    "score": (selectors.scores, lambda w: w.score_dept),
}

# role user → the in-scope objects it sees (everything else in SELECTORS it must not see).
SEES = {
    "official": {"list", "agreement", "task", "card", "round", "score"},
    "staff1": {"list", "agreement", "task", "card", "round"},  # 民政局's score of 梁丰 is not 南庄's business
    "staff2": {"list", "round"},  # 南庄's agreement, task and card belong to another community
    "civil_user": {"list", "agreement", "task", "card", "round", "score"},  # its own task, card and score
    "stats_user": {"list", "agreement", "round"},  # not 民政局's task, card or score
    "supervisor": {"list", "agreement", "task", "card", "round"},  # scores only once published
    "grid": set(),
    "resident": set(),
}


@pytest.mark.parametrize("who", sorted(SEES))
@pytest.mark.parametrize("what", sorted(SELECTORS))
def test_matrix(matrix, who, what):
    user = getattr(matrix, who)
    selector, obj = SELECTORS[what]
    visible = selector(user)
    assert visible.filter(pk=obj(matrix).pk).exists() is (what in SEES[who])
    assert not visible.filter(pk=matrix.far[what].pk).exists()  # another town: never


def test_admin_sees_everything(matrix):
    for what, (selector, obj) in SELECTORS.items():
        assert selector(matrix.admin).filter(pk=obj(matrix).pk).exists()
        assert selector(matrix.admin).filter(pk=matrix.far[what].pk).exists()


def test_community_sees_override_red_card_against_the_department(matrix):
    assert list(selectors.red_cards(matrix.staff2)) == [matrix.card2]
    assert matrix.card2.department == matrix.stats and matrix.card2.origin == "override"


@pytest.mark.parametrize(
    "who,communities",
    [
        ("official", {"南庄社区", "梁丰社区"}),
        ("supervisor", {"南庄社区", "梁丰社区"}),
        ("staff1", {"南庄社区"}),
        ("civil_user", set()),
        ("grid", set()),
        ("resident", set()),
    ],
)
def test_burden_report_scope(matrix, who, communities):
    rows = reports.by_community(getattr(matrix, who), matrix.t, YEAR)
    assert {r["name"] for r in rows} == communities
    dept_rows = reports.by_department(getattr(matrix, who), matrix.t, YEAR)
    assert "城管局" not in {r["name"] for r in dept_rows}


def test_department_sees_all_scores_once_published(matrix):
    w = matrix
    to_comm = criteria(w.round, Direction.TO_COMMUNITY)[0]
    stats_score = svc.score(w.stats_user, round=w.round, criterion=to_comm, evaluator=w.stats, subject=w.c2, value=65)
    assert not selectors.scores(w.civil_user).filter(pk=stats_score.pk).exists()
    svc.close_round(w.official, w.round)
    w.round.refresh_from_db()
    svc.publish_results(w.official, w.round)
    assert selectors.scores(w.civil_user).filter(pk=stats_score.pk).exists()
    assert selectors.scores(w.supervisor).filter(pk=stats_score.pk).exists()
    assert not selectors.scores(w.civil_user).filter(pk=w.far["score"].pk).exists()
