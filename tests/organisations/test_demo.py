"""The demo town gets a few organisations with members from the registry, a purchased service
(one evaluated), units with pledges (one past due) and an agreement — all through the services."""

from gongzhi.core.demo.town import DemoTown
from gongzhi.organisations import selectors
from gongzhi.organisations.models import Agreement, Organisation, OrgMember, Pledge, PurchasedService


def test_demo_town_has_organisations_and_pledges():
    DemoTown(60, seed=7, grids_per_community=1, out=lambda s: None).build()
    assert Organisation.objects.count() == 5 and OrgMember.objects.count() >= 1
    assert not OrgMember.objects.filter(resident__has_sensitive=True).exists()
    assert set(PurchasedService.objects.values_list("status", flat=True)) == {"ongoing", "evaluated"}
    assert Pledge.objects.count() == 4 and Agreement.objects.count() == 1
    assert selectors.filter_pledges(Pledge.objects.all(), "overdue").count() == 1
    assert Pledge.objects.filter(status="fulfilled").exists()
