"""本月待走访 on the workbench equals the not-yet-visited items of the visit list it opens."""

from django.utils import timezone

from gongzhi.care import plans
from tests.workbench_checks import figures_match_lists


def test_visits_due_this_month_equal_the_list(client, care):
    plans.generate_month(timezone.localdate().replace(day=1))
    figures = figures_match_lists(client, care.users.wangfang)
    assert figures["care_due"] >= 1
    figures_match_lists(client, care.users.community)
