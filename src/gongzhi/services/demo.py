"""The demo town's service hall (a step of `gongzhi demo`, declared in services/apps.py): the
town's and 南庄社区's catalogue (居住证 renewal among them), a few visits and calls logged by
陈书记 (one handed over to 李科长) and 代办 at different steps — one overdue, one for 刘大爷,
whose linked account shows it under 我的代办."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core import audit
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from . import services
from .models import ServiceItem

TOWN_ITEMS = [
    # name, department, materials, working days, 可代办, fees
    (
        "居住证签注/换领",
        "公安派出所",
        "居民身份证\n原居住证\n居住证明（租房合同或房产证）\n近期一寸照片（换领时）",
        7,
        True,
        "免费",
    ),
    ("老年人优待证办理", "民政办", "居民身份证\n近期一寸照片", 5, True, "免费"),
    ("城乡居民医保参保登记", "人社所", "居民身份证\n户口簿", 3, True, "按年度标准缴费"),
    ("灵活就业人员登记", "人社所", "居民身份证\n就业失业登记证", 5, False, "免费"),
    ("独生子女父母光荣证补办", "卫健办", "居民身份证\n户口簿\n结婚证", 10, True, "免费"),
]
COMMUNITY_ITEMS = [
    ("居住证明开具", "社区居委会", "居民身份证\n租房合同或房产证", 1, False, "免费"),
    ("高龄津贴申请", "社区居委会", "居民身份证\n银行卡", 10, True, "免费"),
]


def _add(actor, node, rows):
    return {
        name: services.create_item(
            actor, node=node, name=name, department=dept, materials=mat, time_limit=days, proxy_allowed=proxy, fees=fee
        )
        for name, dept, mat, days, proxy, fee in rows
    }


def build_hall(town):
    chen = User.objects.filter(username="chenshuji").first()
    li = User.objects.filter(username="likezhang").first()
    town_node, c001 = town.nodes.get("town"), town.nodes.get("c001")
    if chen is None or li is None or town_node is None or c001 is None:
        return
    with audit.acting(user=li, source="system"):
        items = _add(li, town_node, TOWN_ITEMS)
    with audit.acting(user=chen, source="system"):
        items.update(_add(chen, c001, COMMUNITY_ITEMS))
        _visits(chen, li, c001, items)


def _people(chen, c001):
    """People 陈书记 may see (never one in a sensitive group): a migrant, 刘大爷, a few more."""
    seen = Resident.objects.visible_to(chen)
    active = seen.filter(grid__path__startswith=c001.path, status=Status.ACTIVE).exclude(phone="")
    migrant = active.filter(permit_valid_until__isnull=False).order_by("permit_valid_until", "id").first()
    elder = User.objects.filter(username="liudaye").values_list("resident", flat=True).first()
    liu = seen.filter(pk=elder).first() if elder else None
    return migrant or active.order_by("id").first(), liu, active.order_by("-id")[:3]


def _days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


def _visits(chen, li, c001, items):
    migrant, liu, others = _people(chen, c001)
    now = timezone.now()
    permit = items["居住证签注/换领"]
    if migrant is not None:
        e = services.log_enquiry(
            chen,
            node=c001,
            channel="visit",
            item=permit,
            resident=migrant,
            question="居住证快到期，想续签，需要带什么？",
            received_at=now - dt.timedelta(days=3),
        )
        errand = services.open_errand(
            chen,
            node=c001,
            item=permit,
            resident=migrant,
            enquiry=e,
            materials_note="身份证、原居住证、租房合同",
            received_on=_days_ago(3),
        )
        services.record_step(chen, errand, action="send", on=_days_ago(2), note="已送派出所")
        services.close_enquiry(chen, e, reply="已收材料，代为续签，回执已给本人")
    if liu is not None:
        e = services.log_enquiry(
            chen,
            node=c001,
            channel="phone",
            item=items["老年人优待证办理"],
            resident=liu,
            question="老年人优待证怎么办，能不能帮忙代办？",
            received_at=now - dt.timedelta(days=6),
        )
        errand = services.open_errand(
            chen,
            node=c001,
            item=items["老年人优待证办理"],
            resident=liu,
            enquiry=e,
            materials_note="身份证、照片",
            received_on=_days_ago(6),
        )
        services.record_step(chen, errand, action="send", on=_days_ago(5))
        services.record_step(chen, errand, action="return", on=_days_ago(1), note="证件已制好，等本人来取")
    people = list(others)
    if people:
        # Overdue: sent to the department three weeks ago and still not back.
        late = services.open_errand(
            chen, node=c001, item=items["独生子女父母光荣证补办"], resident=people[0], received_on=_days_ago(21)
        )
        services.record_step(chen, late, action="send", on=_days_ago(20))
        asked = services.log_enquiry(
            chen,
            node=c001,
            channel="visit",
            item=items["城乡居民医保参保登记"],
            resident=people[-1],
            question="孩子的医保怎么参保缴费？",
            received_at=now - dt.timedelta(days=1),
        )
        services.hand_over(chen, asked, to_user=li, note="涉及镇人社所的缴费档次，请李科长答复")
    services.log_enquiry(
        chen,
        node=c001,
        channel="phone",
        visitor_name="周先生",
        visitor_phone="13912345678",
        item=ServiceItem.objects.filter(name="居住证明开具").first(),
        question="刚搬来，开居住证明要带什么？",
        received_at=now - dt.timedelta(hours=5),
    )
