"""The demo town's care: the care groups, carers within their limit, this month's plans, and
王芳's list about half done — 刘大爷 (a man living alone, 刘德福) visited, one visit turned into
a stair-light request — so the community page shows her completion rate."""

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.care import selectors, services
from gongzhi.care.models import CareGroup, Carer, PlanItem, Visit
from gongzhi.core.demo.town import DemoTown


def test_demo_town_has_care_groups_plans_half_done_and_carers():
    DemoTown(400, seed=1, grids_per_community=2, out=lambda *a: None).build()
    assert set(CareGroup.objects.values_list("label", flat=True)) >= {"独居老人", "困难群众", "残疾家庭", "重点关爱"}
    month = timezone.localdate().replace(day=1)
    wangfang = User.objects.get(username="wangfang")
    mine = PlanItem.objects.filter(worker=wangfang, month=month)
    total, done = mine.count(), mine.filter(status="done").count()
    begun = mine.filter(period_start__lte=timezone.localdate()).count()  # later weeks cannot be done yet
    assert begun >= 4 and done == (begun + 1) // 2
    liu = mine.filter(resident__name__startswith="刘", reason__contains="独居老人").first()
    assert liu is not None and liu.status == "done"
    stair = Visit.objects.get(service_request__isnull=False)
    assert stair.visitor == wangfang and stair.resident_id == liu.resident_id
    carers = Carer.objects.values_list("carer__username", flat=True)
    assert set(carers) == {"guanzhao"} and 0 < len(carers) <= services.max_subjects()
    community = User.objects.get(username="chenshuji")
    rows = selectors.completion(community, month)
    mine_row = next(r for r in rows if r["worker_id"] == wangfang.pk)
    assert mine_row["done"] == done and mine_row["rate"] == round(100 * done / total)
