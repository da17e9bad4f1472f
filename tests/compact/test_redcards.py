"""A community shows a red card on a task it considers off-list; the town rules on it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.compact import selectors
from gongzhi.compact import services as svc
from gongzhi.compact.choices import TaskStatus as T
from gongzhi.core.models import AuditEntry

from .conftest import assign


def _task(world):
    return assign(world).community_tasks.get()


def test_community_raises_and_town_upholds(world):
    task = _task(world)
    card = svc.raise_red_card(world.staff1, task, reason="该任务应由部门自行完成")
    task.refresh_from_db()
    assert task.status == T.RED_CARDED and task.red_carded
    assert card.status == "pending" and card.origin == "community" and card.department == world.civil
    card = svc.rule_red_card(world.official, card, upheld=True, reason="属部门职责，不得下派")
    task.refresh_from_db()
    assert card.status == "upheld" and card.ruling_reason == "属部门职责，不得下派" and card.ruled_by == world.official
    assert task.status == T.RED_CARDED
    # The community sees the card and the ruling; the department sees the card against it.
    assert list(selectors.red_cards(world.staff1)) == [card]
    assert list(selectors.red_cards(world.civil_user)) == [card]
    assert not selectors.red_cards(world.stats_user).exists()
    assert not selectors.red_cards(world.staff2).exists()
    assert AuditEntry.objects.filter(object_repr__startswith="红牌", action="update").exists()
    assert list(selectors.red_cards_against(world.staff1, world.civil, task.year)) == [card]


def test_dismissed_card_returns_the_task(world):
    task = _task(world)
    card = svc.raise_red_card(world.staff1, task, reason="不认可")
    svc.rule_red_card(world.official, card, upheld=False, reason="在协议事项范围内")
    task.refresh_from_db()
    assert task.status == T.ASSIGNED and not task.red_carded
    assert svc.accept(world.staff1, task).status == T.ACCEPTED


def test_only_the_town_rules_and_only_once(world):
    card = svc.raise_red_card(world.staff1, _task(world), reason="清单外")
    for user in (world.staff1, world.civil_user, world.supervisor):
        with pytest.raises(PermissionDenied):
            svc.rule_red_card(user, card, upheld=True, reason="x")
    svc.rule_red_card(world.official, card, upheld=True, reason="成立")
    with pytest.raises(ValidationError, match="不能转为"):
        svc.rule_red_card(world.official, card, upheld=False, reason="改判")


def test_red_card_rules(world):
    task = _task(world)
    with pytest.raises(ValidationError, match="须说明理由"):
        svc.raise_red_card(world.staff1, task, reason="")
    with pytest.raises(PermissionDenied):
        svc.raise_red_card(world.staff2, task, reason="别人的任务")
    svc.accept(world.staff1, task)
    task.refresh_from_db()
    with pytest.raises(ValidationError, match="不能转为"):
        svc.raise_red_card(world.staff1, task, reason="接收后再亮牌")


def test_override_task_cannot_be_carded_twice(world):
    import datetime as dt

    a = svc.override_assignment(
        world.official,
        department=world.stats,
        item=None,
        communities=[world.c1],
        title="人口普查",
        due_date=dt.date.today() + dt.timedelta(days=9),
        reason="一次",
        funding=500,
    )
    with pytest.raises(ValidationError, match="已有红牌"):
        svc.raise_red_card(world.staff1, a.community_tasks.get(), reason="清单外")
