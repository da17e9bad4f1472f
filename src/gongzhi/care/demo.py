"""The demo town's care (a step of `gongzhi demo`, declared in care/apps.py): the care groups,
a carer for some special subjects, this month's plans and about half of the grid worker's
visits done — 刘大爷, who lives alone in 王芳's grid, among those visited."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.registry.models import Resident

from . import plans, services
from .choices import Frequency

GROUPS = [
    # slug, plain label, tag slugs, frequency, season months, season frequency, special
    ("elderly_alone", "独居老人", ["elderly_alone"], Frequency.MONTHLY, "12,1,2", Frequency.WEEKLY, False),
    ("hardship", "困难群众", ["hardship", "dibao"], Frequency.MONTHLY, "", "", False),
    ("disabled", "残疾家庭", ["disabled"], Frequency.MONTHLY, "", "", False),
    ("migrant", "流动人员", ["migrant"], Frequency.QUARTERLY, "", "", False),
    ("old_party", "老党员", ["old_party"], Frequency.MONTHLY, "", "", False),
    ("support", "帮扶对象", ["support"], Frequency.MONTHLY, "", "", False),
    ("special", "重点关爱", ["released", "correction", "drug", "mental"], Frequency.MONTHLY, "", "", True),
]


def build_care(town):
    """Groups, carers, the current month's plans, and half of 王芳's visits recorded."""
    tags = town.shared["registry.tags"]
    made = {}
    for order, (slug, label, tag_slugs, freq, months, season, special) in enumerate(GROUPS):
        chosen = [tags[s] for s in tag_slugs if s in tags]
        if not chosen:
            continue  # no such tag in this town (流动人员 are a residence type, not a tag, here)
        made[slug] = services.create_care_group(
            slug=slug,
            label=label,
            tags=chosen,
            frequency=freq,
            season_months=months,
            season_frequency=season,
            special=special,
            order=order,
        )
    _carers(town, made.get("special"))
    month = timezone.localdate().replace(day=1)
    plans.generate_month(month)
    _half_done(town, month)


def _carers(town, group):
    carer = User.objects.filter(username="guanzhao").first()
    if group is None or carer is None:
        return
    subjects = Resident.objects.filter(grid__path__startswith=town.nodes["c001"].path, tags__in=group.tags.all())
    for resident in subjects.distinct().order_by("id")[: services.max_subjects()]:
        services.assign_carer(carer=carer, resident=resident, group=group, reason="演示数据")


def _half_done(town, month):
    """王芳 has made every other visit owed so far this month (刘大爷 first), one visit turning
    into a request for the broken stair light. Items whose period has not begun (the later
    weeks of a weekly visit) cannot be done yet and are left out of the half."""
    from gongzhi.core import audit
    from gongzhi.requests.models import Category

    wangfang = User.objects.filter(username="wangfang").first()
    if wangfang is None:
        return
    items = list(wangfang.care_plan_items.filter(month=month).select_related("resident").order_by("due", "id"))
    liu = _liu(wangfang, items)
    today = timezone.localdate()
    begun = [i for i in items if i.period_start <= today]
    todo = sorted(begun, key=lambda i: (i.resident_id != getattr(liu, "pk", None), i.due, i.id))[::2]
    with audit.acting(user=wangfang, source="system"):
        for n, item in enumerate(todo):
            day = min(today, item.due, max(item.period_start, month + dt.timedelta(days=n % 20)))
            # Never later than now (a demo built early in the morning visits at the hour it is).
            at = min(timezone.now(), timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n % 8, 30))))
            visit = services.record_visit(
                wangfang,
                resident=item.resident,
                visited_at=at,
                place=str(item.household.place()) if item.household_id else "",
                know_family=True,
                know_category=True,
                know_facilities=True,
                know_risks=n % 3 != 0,
                condition="身体尚好，生活能自理" if n else "独居，精神不错；楼道灯坏了，晚上上下楼不便",
                needs="" if n else "楼道灯损坏，需维修",
                client_key=f"demo-{item.pk}",
            )
            category = (
                Category.objects.filter(active=True, name__contains="路灯").first()
                or Category.objects.filter(active=True).first()
            )
            if n == 0 and category is not None:
                services.request_from_visit(
                    wangfang, visit, category=category, description="楼道灯损坏，老人夜间上下楼不便，请维修"
                )


def _liu(wangfang, items):
    """刘大爷: the oldest person living alone on 王芳's list, renamed for the stories."""
    from gongzhi.registry import services as registry

    alone = [i for i in items if "独居老人" in i.reason]
    if not alone:
        return None
    resident = min(alone, key=lambda i: i.resident.birth_date).resident
    if not resident.name.startswith("刘"):
        resident = registry.update_resident(resident, {"name": "刘德福"}, reason="演示数据")
    return resident
