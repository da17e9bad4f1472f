"""The demo town's mediation: committees that meet the composition rule, grid mediators, the
pool with 周老师, about a hundred disputes in every stage, transferred 邻里纠纷 requests and
story 6's 宅基地 wall with its agreement signed 25 days ago — and the same data for a seed."""

import datetime as dt

import pytest

from gongzhi.core.demo.town import DemoTown
from gongzhi.mediation import clock, services
from gongzhi.mediation.choices import Status
from gongzhi.mediation.demo import build_demo_mediation
from gongzhi.mediation.models import Committee, Dispute, Mediator
from gongzhi.requests.choices import Status as RS
from gongzhi.requests.demo import build_demo_requests
from gongzhi.requests.models import ServiceRequest
from tests.mediation.test_summary import assert_in_step
from tests.requests.test_demo import _nodes

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def bare_town():
    DemoTown(120, seed=2, grids_per_community=2, out=lambda *a: None).build(
        skip={"servicerequests.requests", "mediation.disputes"}
    )
    return _nodes()


def test_demo_mediation(bare_town):
    build_demo_requests(bare_town, n=150, seed=7, today=TODAY)
    rows = build_demo_mediation(bare_town, n=100, seed=3, today=TODAY)
    assert {"mediator", "mediation_committee"} <= {r[0] for r in rows}
    assert all(c.constituted and not services.composition_errors(c.members.all()) for c in Committee.objects.all())
    assert Mediator.objects.filter(kind="grid").exists()
    zhou = Mediator.objects.get(name="周老师", kind="invited")
    assert "homestead" in zhou.skills and zhou.user is not None
    qs = Dispute.objects.all()
    assert qs.count() >= 101
    assert set(qs.values_list("status", flat=True)) == set(Status.values)
    transferred = ServiceRequest.objects.filter(status=RS.TRANSFERRED)
    assert transferred.exists() and all(r.mediation_dispute is not None for r in transferred)
    wall = qs.get(title="宅基地围墙纠纷")
    assert wall.status == Status.EFFECTIVE and wall.effective_on == TODAY - dt.timedelta(days=25)
    assert wall.assignments.filter(mediator=zhou).exists()
    assert clock.confirmation_days_left(wall, TODAY) == (clock.confirmation_last_day(wall.effective_on) - TODAY).days
    assert clock.confirmation_days_left(wall, TODAY) >= 5
    assert_in_step()  # the demo goes through the services, which keep the statistics' summary
