"""The registry's trigger installer (registry/triggers.py), for every set it installs: after
`migrate` the database holds exactly the declared text, so installing again creates and
replaces nothing — on PostgreSQL this checks that each trigger is declared the way
`pg_get_triggerdef` prints it, which would otherwise be replaced on every `migrate`. And a
declared trigger that changed is replaced in place, on both databases."""

import pytest
from django.db import connection

from gongzhi.registry import grid_figures, sensitive_flag
from gongzhi.registry.triggers import Trigger, TriggerSet, install

SETS = [grid_figures.TRIGGERS, sensitive_flag.TRIGGERS]


@pytest.mark.django_db
@pytest.mark.parametrize("triggers", SETS, ids=["grid_figures", "sensitive_flag"])
def test_installing_again_changes_nothing(triggers):
    done = install(triggers)
    assert (done.created, done.replaced) == ([], [])


@pytest.mark.django_db
def test_a_changed_declaration_is_replaced_and_a_missing_one_created():
    """A set whose trigger clause and function changed (here: the tag trigger's, made to fire
    on any update): the trigger and the function are replaced, the repair does not run."""
    current = sensitive_flag.TRIGGERS
    vendor = connection.vendor
    old = getattr(current, vendor)
    changed = tuple(
        Trigger(t.name, t.table, t.sql.replace("AFTER UPDATE OF sensitive ON", "AFTER UPDATE ON"))
        if "_tag_" in t.name
        else t
        for t in old
    )
    functions = {k: v.replace("RETURN NULL; END;", "RETURN NULL; END; ") for k, v in current.functions.items()}
    older = TriggerSet(current.tables, **{vendor: changed}, functions=functions)
    repairs = []
    done = install(older, repair=repairs.append)
    tag_trigger = next(t.name for t in changed if "_tag_" in t.name)
    expected = [tag_trigger] + (list(functions) if vendor == "postgresql" else [])
    assert done.created == [] and sorted(done.replaced) == sorted(expected) and repairs == []
    done = install(current, repair=repairs.append)  # back to the current text
    assert done.created == [] and sorted(done.replaced) == sorted(expected) and repairs == []
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER {tag_trigger}")
        else:
            cursor.execute(f"DROP TRIGGER {tag_trigger} ON registry_tag")
    done = install(current, repair=repairs.append)
    assert done.created == [tag_trigger] and done.replaced == [] and len(repairs) == 1
