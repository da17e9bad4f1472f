"""The demo town's social organisations and 共驻共建 (a step of `gongzhi demo`, declared in
organisations/apps.py): a few organisations of 南庄社区 with members from the registry, a
service the town buys from one (one evaluated), and units with their pledges — one kept, one
under way, one past due — and a 区域化党建 agreement."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core import audit, uscc
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from . import services
from .choices import Incubation, OrgKind, Verdict


def _code(first17):
    return first17 + uscc.check_char(first17)


def build_organisations(town):
    chen = User.objects.filter(username="chenshuji").first()
    li = User.objects.filter(username="likezhang").first()
    c001 = town.nodes.get("c001")
    if chen is None or li is None or c001 is None:
        return
    today = timezone.localdate()
    with audit.acting(user=chen, source="system"):
        sages = services.create_organisation(
            chen, node=c001, name="南庄乡贤理事会", kind=OrgKind.SAGES, leader="周德明", member_count=12
        )
        services.create_organisation(
            chen, node=c001, name="南庄老人协会", kind=OrgKind.ELDERS, leader="吴秀英", member_count=86
        )
        services.create_organisation(
            chen, node=c001, name="南庄红白理事会", kind=OrgKind.CEREMONIES, leader="郑国华", member_count=9
        )
        volunteers = services.create_organisation(
            chen,
            node=c001,
            name="南庄“邻里帮”志愿服务队",
            kind=OrgKind.FILED,
            leader="陈晓燕",
            member_count=45,
            incubation=Incubation.INCUBATING,
            phone="13912340001",
            activities="独居老人助餐、四点半课堂",
        )
        social = services.create_organisation(
            chen,
            node=c001,
            name="和谐社会工作服务中心",
            kind=OrgKind.REGISTERED,
            registration_no=_code("52320500MJ1234567"),
            leader="林静",
            member_count=18,
            incubation=Incubation.HATCHED,
            phone="051212345678",
            founded_on=today - dt.timedelta(days=3 * 365),
        )
        people = (
            Resident.objects.visible_to(chen)
            .filter(grid__path__startswith=c001.path, status=Status.ACTIVE, has_sensitive=False)
            .order_by("id")[:4]
        )
        for n, r in enumerate(people):
            services.add_member(
                chen, sages if n < 2 else volunteers, resident=r, post="理事长" if n == 0 else "", since=today
            )
        _units(chen, c001, today)
    with audit.acting(user=li, source="system"):
        done = services.buy_service(
            li,
            organisation=social,
            project="困境儿童关爱项目",
            amount="80000",
            starts_on=today - dt.timedelta(days=300),
            ends_on=today - dt.timedelta(days=30),
            deliverables="个案服务 20 例；小组活动 12 次；结项报告",
        )
        services.evaluate_service(li, done, score=88, verdict=Verdict.GOOD, evaluation="完成全部指标，台账规范")
        services.buy_service(
            li,
            organisation=volunteers,
            project="居家养老助餐服务",
            amount="36000",
            starts_on=today - dt.timedelta(days=60),
            ends_on=today + dt.timedelta(days=300),
            deliverables="每周五天为 30 位独居老人送餐",
        )


def _units(chen, c001, today):
    school = services.create_unit(
        chen,
        node=c001,
        name="南庄中心小学",
        credit_code=_code("12320500466000001"),
        contact="王校长",
        phone="051287650001",
    )
    bank = services.create_unit(chen, node=c001, name="农商银行南庄支行", contact="许经理", phone="13812340002")
    power = services.create_unit(chen, node=c001, name="供电所南庄营业厅", contact="钱所长")
    p = services.add_pledge(chen, school, title="暑期开放操场供社区儿童活动", due=today - dt.timedelta(days=20))
    services.fulfil_pledge(chen, p, note="7—8 月每天开放，约 600 人次")
    p = services.add_pledge(chen, bank, title="为老年人上门办理社保卡激活", due=today + dt.timedelta(days=40))
    services.start_pledge(chen, p)
    services.add_pledge(chen, power, title="老旧小区线路安全检查", due=today - dt.timedelta(days=10))
    services.add_pledge(chen, school, title="党员教师结对辅导困境儿童", due=today + dt.timedelta(days=90))
    services.sign_agreement(
        chen,
        school,
        signed_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=530),
        text="双方共享活动阵地，党员共学、活动共办、资源共用。",
    )
