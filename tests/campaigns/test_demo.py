"""The demo town's campaign: 燃气安全入户排查 running in 南庄社区 with its checklist, 王芳's answers
(one not at home) and one finding filed as a service request."""

from gongzhi.campaigns.choices import CampaignStatus, VisitStatus
from gongzhi.campaigns.models import Assignment, Campaign, Finding
from gongzhi.core.demo.town import DemoTown


def test_demo_town_has_a_running_campaign_with_answers():
    DemoTown(300, seed=1, grids_per_community=2, out=lambda *a: None).build()
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.RUNNING and campaign.questions.count() == 6
    rows = Assignment.objects.filter(campaign=campaign)
    assert rows.count() == campaign.households > 0
    assert rows.filter(status=VisitStatus.DONE).count() >= 5
    assert rows.filter(status=VisitStatus.ABSENT).count() == 1
    assert Finding.objects.filter(service_request__isnull=False).count() == 1
