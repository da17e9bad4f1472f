"""The demo town's compact data: this and last year's lists, a signed agreement per community,
tasks in every state, refusals, red cards of both origins and rulings, a closed published
round with scores both ways — and the same data again for the same seed."""

import pytest
from django.db import transaction

from gongzhi.compact import demo as compact_demo
from gongzhi.compact.choices import RedCardOrigin, RedCardStatus, RoundStatus, TaskStatus
from gongzhi.compact.demo import build_demo_compact
from gongzhi.compact.models import (
    AssistanceList,
    CommunityTask,
    CompactAgreement,
    EvaluationRound,
    GateRefusal,
    RedCard,
    Score,
)
from gongzhi.core.demo.town import DemoTown
from gongzhi.territory.models import Node


def _nodes():
    nodes = {"town": Node.objects.get(kind="town")}
    for c in Node.objects.filter(level=3):
        nodes[f"c{c.code[-3:]}"] = c
    return nodes


@pytest.fixture
def bare_town(monkeypatch, settings):
    called = []
    # `gongzhi demo` builds the compact too (compact/apps.py's demo step): record the call instead.
    monkeypatch.setattr(compact_demo, "build_demo_compact", lambda nodes, seed: called.append(sorted(nodes)) or [])
    DemoTown(60, seed=2, grids_per_community=1, out=lambda *a: None).build(
        skip={"servicerequests.requests", "consultation.councils"}
    )
    assert called and "c001" in called[0]
    return _nodes()


def _snapshot():
    return list(
        CommunityTask.objects.order_by("assignment__title", "community__code").values_list(
            "assignment__title", "community__name", "status", "units_done", "amount_due", "red_carded"
        )
    )


def test_every_state_cards_and_a_closed_round(bare_town):
    rows = build_demo_compact(bare_town, seed=5)
    assert {"tongji", "liangfeng"} <= {r[1] for r in rows}
    assert AssistanceList.objects.filter(status="published").count() == 2  # last year's and this year's
    n_communities = Node.objects.filter(level=3).count()
    assert CompactAgreement.objects.filter(status="signed").count() == n_communities
    assert set(CommunityTask.objects.values_list("status", flat=True)) == set(TaskStatus.values)
    census = RedCard.objects.filter(origin=RedCardOrigin.OVERRIDE, department__name="统计站")
    assert census.count() == n_communities and census.filter(status=RedCardStatus.UPHELD).count() == n_communities
    assert set(RedCard.objects.filter(origin=RedCardOrigin.COMMUNITY).values_list("status", flat=True)) == set(
        RedCardStatus.values
    )
    assert set(GateRefusal.objects.values_list("code", flat=True)) == {"not_on_list", "not_in_agreement", "restricted"}
    rnd = EvaluationRound.objects.get()
    assert rnd.status == RoundStatus.CLOSED and rnd.published_at is not None
    assert (
        Score.objects.filter(subject_org__name="统计站").exists()
        and Score.objects.filter(subject_node__isnull=False).exists()
    )


def test_deterministic_for_a_seed(bare_town):
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            build_demo_compact(bare_town, seed=9)
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1] and snapshots[0]


def test_demo_pages_open_for_the_demo_accounts(bare_town, client):
    from django.urls import reverse

    from gongzhi.accounts.models import User

    build_demo_compact(bare_town, seed=5)
    rnd = EvaluationRound.objects.get()
    pages = [
        "compact:lists",
        "compact:agreement_list",
        "compact:task_list",
        "compact:redcard_list",
        "compact:round_list",
    ]
    for username in ("likezhang", "chenshuji", "tongji", "minzheng", "jiandu"):
        client.force_login(User.objects.get(username=username))
        for name in pages:
            assert client.get(reverse(name)).status_code == 200, (username, name)
        assert client.get(reverse("compact:round_detail", args=[rnd.pk])).status_code == 200
    client.force_login(User.objects.get(username="likezhang"))
    html = client.get(reverse("compact:round_detail", args=[rnd.pk])).content.decode()
    assert "经费拨付测算" in html
    assert "应拨付" in client.get(reverse("compact:round_payments", args=[rnd.pk])).content.decode()
    assert "统计站" in client.get(reverse("compact:burden")).content.decode()
