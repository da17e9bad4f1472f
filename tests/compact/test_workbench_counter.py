"""待签收任务 and 待验收 on the workbench equal the task lists they open."""

from tests.workbench_checks import figures_match_lists

from .conftest import assign


def test_task_figures_equal_the_lists(client, world):
    assign(world)
    community = figures_match_lists(client, world.staff1)
    assert community["tasks_assigned"] == 1 and "tasks_done" not in community
    department = figures_match_lists(client, world.civil_user)
    assert department["tasks_done"] == 0 and "tasks_assigned" not in department
    assert "tasks_assigned" not in figures_match_lists(client, world.supervisor)
