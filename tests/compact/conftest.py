"""A compact world on the small test town: two departments with users, this year's and last
year's published lists, and signed agreements — 南庄 (c1) covers items A and B, 梁丰 (c2) only A.

Item A (民政局, per task, 200 元), item B (民政局, per unit: 5 元/户), item S (统计局, per task);
last year's item OLD (民政局)."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.accounts.models import Organisation
from gongzhi.compact import services as svc

from ..factories import make_user

YEAR = timezone.localdate().year
TODAY = timezone.localdate()
DUE = TODAY + dt.timedelta(days=30)


def _dept(name, town):
    return Organisation.objects.create(name=name, kind="department", node=town)


@pytest.fixture
def world(town):
    t, c1, c2 = town["t"], town["c1"], town["c2"]
    civil, stats, police = _dept("民政局", t), _dept("统计局", t), _dept("公安局", t)
    w = SimpleNamespace(t=t, c1=c1, c2=c2, d=town["d"], g11=town["g11"], civil=civil, stats=stats, police=police)
    w.admin = make_user("admin", town["d"])
    w.official = make_user("town", t)
    w.staff1 = make_user("community", c1)
    w.staff2 = make_user("community", c2)
    w.civil_user = make_user("department", t, organisation=civil)
    w.stats_user = make_user("department", t, organisation=stats)
    w.supervisor = make_user("supervisor", t)
    w.grid = make_user("grid", town["g11"])
    o = w.official

    old = svc.create_assistance_list(
        o, node=t, year=YEAR - 1, items=[{"title": "旧事项", "department": civil, "amount": 100}]
    )
    svc.publish_list(o, old)
    w.item_old = old.items.get()
    lst = svc.create_assistance_list(
        o,
        node=t,
        year=YEAR,
        items=[
            {"title": "低保入户核查", "department": civil, "amount": Decimal("200.00"), "evidence": "核查表"},
            {
                "title": "高龄津贴申报",
                "department": civil,
                "funding_mode": "per_unit",
                "amount": Decimal("5.00"),
                "unit": "户",
            },
            {"title": "统计数据报送", "department": stats, "amount": Decimal("300.00")},
        ],
    )
    svc.publish_list(o, lst)
    w.list = lst
    w.item_a, w.item_b, w.item_s = lst.items.order_by("seq")
    duty = svc.create_duty_list(o, node=t, year=YEAR, items=[("召集居民会议", "城市居民委员会组织法")])
    svc.publish_list(o, duty)
    w.duty = duty

    w.agr1 = svc.create_agreement(o, town=t, community=c1, year=YEAR, base_amount=Decimal("10000"))
    for item in (w.item_a, w.item_b, w.item_s):
        svc.add_agreement_item(o, w.agr1, item=item)
    svc.sign_agreement(o, w.agr1, signed_on=TODAY)
    w.agr2 = svc.create_agreement(o, town=t, community=c2, year=YEAR)
    svc.add_agreement_item(o, w.agr2, item=w.item_a)
    svc.sign_agreement(o, w.agr2, signed_on=TODAY)
    return w


_ITEM_A = object()


def assign(w, item=_ITEM_A, communities=None, user=None, dept=None, title="入户核查", **kw):
    """assign_task with the world's defaults (民政局 citing item A to 南庄)."""
    return svc.assign_task(
        user or w.civil_user,
        department=dept or w.civil,
        item=w.item_a if item is _ITEM_A else item,
        communities=communities or [w.c1],
        title=title,
        due_date=kw.pop("due_date", DUE),
        **kw,
    )
