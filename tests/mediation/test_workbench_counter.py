"""调解中 and 调解超期 on the workbench equal the dispute lists they open; roles that read no
disputes get neither."""

from gongzhi.mediation.choices import Status
from tests.workbench_checks import figures_match_lists


def test_dispute_figures_equal_the_lists(client, world, flow):
    flow.to(Status.MEDIATING)
    flow.to(Status.REGISTERED)
    director = figures_match_lists(client, world.users.director)
    assert director["disputes_open"] == 2 and "disputes_overdue" in director
    mediator = figures_match_lists(client, world.users.mediator)
    assert "disputes_open" in mediator
    for role in ("department", "supervisor", "resident", "dispatcher"):
        assert "disputes_open" not in figures_match_lists(client, getattr(world.users, role))
