"""待研判议题 on the workbench: shown to those who triage, equal to the matter list it opens."""

from gongzhi.consultation.choices import MatterStatus
from gongzhi.consultation.models import Matter
from tests.factories import make_user
from tests.workbench_checks import figures_match_lists


def test_pending_matters_equal_the_list(client, town):
    staff = make_user("community", town["c1"])
    figures = figures_match_lists(client, staff)
    assert figures["matters_pending"] == Matter.objects.filter(status=MatterStatus.PENDING).count()
    assert "matters_pending" not in figures_match_lists(client, make_user("grid", town["g11"]))
    assert "matters_pending" not in figures_match_lists(client, make_user("resident", town["g11"]))
