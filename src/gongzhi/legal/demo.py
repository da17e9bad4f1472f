"""The demo town's legal services (a step of `gongzhi demo`, declared in legal/apps.py): 南庄
社区's legal adviser, a few consultations logged by 陈书记 (one referred to legal aid and
accepted, one referral still awaiting the centre's answer, one sent to 人民调解) and two 普法
activities, one with registry residents among those who came."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core import audit
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from . import services
from .choices import Category, FollowUp, Hardship


def _days_ago(n):
    return timezone.localdate() - dt.timedelta(days=n)


def build_legal(town):
    chen = User.objects.filter(username="chenshuji").first()
    c001 = town.nodes.get("c001")
    if chen is None or c001 is None:
        return
    today = timezone.localdate()
    # Never a resident in a sensitive group: the demo's staff pages show these to everyone.
    people = list(
        Resident.objects.visible_to(chen)
        .filter(grid__path__startswith=c001.path, status=Status.ACTIVE, has_sensitive=False)
        .order_by("id")[:6]
    )
    with audit.acting(user=chen, source="system"):
        adviser = services.appoint_adviser(
            chen,
            node=c001,
            name="周律师",
            firm="江苏港城律师事务所",
            phone="13962211234",
            office_phone="0512-58671234",
            term_from=_days_ago(300),
            term_to=today + dt.timedelta(days=430),
            schedule="每月第二个周三上午在社区法律服务室值班",
        )
        if not people:
            return
        wage = services.log_consultation(
            chen,
            node=c001,
            adviser=adviser,
            resident=people[0],
            consulted_on=_days_ago(12),
            category=Category.LABOUR,
            question="在工地干了半年，老板拖欠工资三个月，怎么讨回？",
            advice="保留考勤、转账记录和工友证言，可向劳动监察投诉或申请劳动仲裁；追索劳动报酬可申请法律援助。",
        )
        accepted = services.refer_to_legal_aid(
            chen,
            consultation=wage,
            reason="追索劳动报酬，当事人无力聘请律师",
            hardship=Hardship.NOT_REQUIRED,
            sent_on=_days_ago(11),
        )
        services.accept_referral(chen, accepted, on=_days_ago(6), note="已指派援助律师")
        services.log_consultation(
            chen,
            node=c001,
            adviser=adviser,
            resident=people[1 % len(people)],
            consulted_on=_days_ago(9),
            category=Category.NEIGHBOUR,
            question="楼上漏水把我家天花板泡坏了，对方不肯赔。",
            advice="先请物业确认漏水原因并拍照留存，可申请人民调解，调解不成可起诉要求赔偿。",
            follow_up=FollowUp.MEDIATION,
            follow_up_note="转南庄社区人民调解委员会",
        )
        services.log_consultation(
            chen,
            node=c001,
            adviser=adviser,
            resident=people[2 % len(people)],
            consulted_on=_days_ago(3),
            category=Category.FAMILY,
            question="老人去世没有遗嘱，房子怎么继承？",
            advice="按法定继承，第一顺序为配偶、子女、父母，可协商分割后办理继承公证。",
        )
        services.log_consultation(
            chen,
            node=c001,
            adviser=adviser,
            person_name="吴女士",
            person_phone="13812344321",
            consulted_on=_days_ago(2),
            category=Category.CONTRACT,
            question="借给朋友五万元只有微信记录，能起诉吗？",
            advice="微信聊天和转账记录可作为证据，注意诉讼时效为三年。",
        )
        services.refer_to_legal_aid(
            chen,
            node=c001,
            resident=people[3 % len(people)],
            reason="工伤赔偿纠纷，用人单位拒不认定工伤",
            hardship=Hardship.DIBAO,
            sent_on=_days_ago(1),
        )
        services.record_activity(
            chen,
            node=c001,
            title="宪法宣传日“送法进网格”",
            held_on=_days_ago(20),
            place="南庄社区广场",
            speaker="周律师",
            topic="宪法与民法典",
            attendance=60,
            residents=people[:3],
        )
        services.record_activity(
            chen,
            node=c001,
            title="防范电信诈骗讲座",
            held_on=_days_ago(5),
            place="社区老年活动室",
            speaker="派出所民警",
            topic="反电信网络诈骗法",
            attendance=35,
        )
