"""Every workflow's transition table is well-formed, and the one permission check
(`TransitionTable.check`) grants and refuses as the scoped permissions say."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from gongzhi.cases.transition_table import Transition, TransitionTable, all_tables
from gongzhi.compact import transitions as compact
from gongzhi.consultation import transitions as consultation
from gongzhi.requests import transitions as requests
from tests.factories import make_user

EXPECTED = {
    ("servicerequests.ServiceRequest", "servicerequest"),
    ("consultation.Matter", "matter"),
    ("consultation.Meeting", "meeting"),
    ("consultation.Motion", "motion"),
    ("compact.CommunityTask", "task"),
    ("compact.RedCard", "red_card"),
    ("compact.EvaluationRound", "round"),
    ("mediation.Dispute", "mediation"),
}
TABLES = [t for t in all_tables() if (t.model_label, t.name) in EXPECTED]


def _permission_exists(perm: str) -> bool:
    app_label, codename = perm.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists()


def test_every_workflow_is_declared_as_a_table():
    assert {(t.model_label, t.name) for t in TABLES} == EXPECTED
    assert requests.WORKFLOW in TABLES and compact.TASK in TABLES and consultation.MATTER in TABLES


@pytest.mark.parametrize("table", TABLES, ids=lambda t: f"{t.model_label}:{t.name}")
def test_table_is_well_formed(table):
    model = apps.get_model(table.model_label)
    field = model._meta.get_field(table.field)
    if field.choices:
        statuses = {value for value, _label in field.choices}
        assert set(table.statuses.values) == statuses, "the table's statuses are the model's choices"
    else:  # a case's status: each case type brings its own statuses (cases.workflow)
        statuses = set(table.statuses.values)
        assert table.initial in statuses
    assert all(len(s) <= field.max_length for s in statuses)
    if table.initial is not None:
        assert table.initial in statuses
    assert table.transitions, "a workflow has at least one transition"
    moved_to = set()
    for t in table.transitions:
        assert isinstance(t, Transition)
        assert t.name and str(t.label).strip(), f"{t.name}: every transition has a name and a label"
        assert t.sources and t.sources <= statuses, f"{t.name}: sources are statuses of the model"
        assert t.target is None or t.target in statuses, f"{t.name}: the target is a status of the model"
        assert t.target not in t.sources, f"{t.name}: a move that keeps the status declares no target"
        if t.permission:
            assert _permission_exists(t.permission), f"{t.name}: {t.permission} is not a permission"
        if t.target:
            moved_to.add(t.target)
    # Every status but the initial one(s) can be reached by some transition.
    starts = {table.initial} if table.initial else set(statuses) - moved_to
    assert statuses - moved_to <= starts | {field.default}
    # No two transitions make the same move (a move found by its target is unambiguous).
    pairs = [(s, t.target) for t in table.transitions if t.target for s in t.sources]
    assert len(pairs) == len(set(pairs))


def test_compact_rows_carry_their_permissions():
    """The compact's tables say who acts: the community, the reviewing department, the town."""
    assert compact.check("task", "assigned", "accepted").permission == compact.HANDLE
    assert compact.check("task", "done", "confirmed").permission == compact.REVIEW
    assert compact.check("red_card", "pending", "upheld").permission == compact.RULE
    assert compact.check("round", "open", "closed").permission == compact.MANAGE


class Stage(models.TextChoices):
    DRAFT = "draft", "草稿"
    DONE = "done", "完成"


def _table():
    return TransitionTable(
        "stage-test",
        Stage,
        [
            Transition.of("finish", "办结", {Stage.DRAFT}, Stage.DONE, compact.MANAGE),
            Transition.of("note", "备注", {Stage.DRAFT, Stage.DONE}, None, compact.MANAGE, denied="只有镇可以备注"),
            Transition.of("open_anyone", "查看", {Stage.DONE}, None),
        ],
        model="compact.EvaluationRound",
        register=False,
    )


def test_lookup():
    table = _table()
    assert [t.name for t in table.allowed_from(Stage.DRAFT)] == ["finish", "note"]
    assert table.get(Stage.DRAFT, target=Stage.DONE).name == "finish"
    assert table.get(Stage.DONE, action="note").name == "note"
    assert table.graph() == {Stage.DRAFT: {Stage.DONE}, Stage.DONE: set()}
    with pytest.raises(ValidationError) as e:
        table.get(Stage.DONE, target=Stage.DRAFT)
    assert e.value.code == "invalid_transition" and e.value.messages == ["当前状态“完成”不能转为“草稿”"]
    with pytest.raises(ValidationError) as e:
        table.get(Stage.DONE, action="finish")
    assert e.value.messages == ["当前状态为“完成”，不能办结。"]
    with pytest.raises(ValidationError, match="未知的操作：fly"):
        table.get(Stage.DRAFT, action="fly")


def test_the_one_permission_check(town):
    table = _table()
    finish, note, anyone = table.actions["finish"], table.actions["note"], table.actions["open_anyone"]
    town_user = make_user("town", town["t"])  # holds compact.manage_round on the town
    community_user = make_user("community", town["c1"])
    # Held on the town: granted there and below, refused above it.
    assert table.check(town_user, finish, town["t"]) is finish
    assert table.check(town_user, finish, town["c1"].path) is finish
    with pytest.raises(PermissionDenied, match="^您无权办结。$"):
        table.check(town_user, finish, town["d"])
    # Not held at all: refused with the transition's own message where it declares one.
    with pytest.raises(PermissionDenied, match="^只有镇可以备注$"):
        table.check(community_user, note, town["c1"])
    with pytest.raises(PermissionDenied):
        table.check(None, finish, town["t"])
    # A transition without a permission is left to its callers.
    assert table.check(community_user, anyone, town["c1"]) is anyone
