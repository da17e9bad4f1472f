"""The demo town's campaign (a step of `gongzhi demo`, declared in campaigns/apps.py): 陈书记's
community 南庄 runs 燃气安全入户排查 this fortnight, launched over all its households; 王芳 has
answered a few at the door, found one household not at home and filed a leaking gas pipe as a
service request. Draws nothing from the shared random stream (answers follow the row order)."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core import audit

from . import findings, launch, services
from .choices import FieldKind, VisitStatus
from .models import Assignment

CHECKLIST = [
    ("是否使用管道燃气", FieldKind.YESNO, "", True),
    ("燃气软管状况", FieldKind.CHOICE, "完好\n老化需更换\n未使用软管", True),
    ("家中常住人数", FieldKind.NUMBER, "", True),
    ("是否安装燃气报警器", FieldKind.YESNO, "", True),
    ("发现的其他隐患", FieldKind.TEXT, "", False),
    ("现场照片", FieldKind.PHOTO, "", False),
]
HOSES = ["完好", "完好", "老化需更换", "未使用软管"]


def build_campaign(town):
    """One running campaign in 南庄社区 with its checklist and some of 王芳's answers."""
    secretary = User.objects.filter(username="chenshuji").first()
    wangfang = User.objects.filter(username="wangfang").first()
    community = town.nodes.get("c001")
    if secretary is None or community is None:
        return
    today = timezone.localdate()
    with audit.acting(user=secretary, source="system"):
        campaign = services.create_campaign(
            secretary,
            topic="燃气安全入户排查",
            description="逐户检查燃气软管、报警器和用气习惯，发现隐患当场登记。",
            start=today - dt.timedelta(days=3),
            end=today + dt.timedelta(days=11),
            territory=community,
            reason="演示数据",
        )
        for text, kind, options, required in CHECKLIST:
            services.add_question(secretary, campaign, text=text, kind=kind, options=options, required=required)
        launch.launch_campaign(secretary, campaign)
    if wangfang is None:
        return
    _answers(campaign, wangfang)


def _answers(campaign, wangfang):
    from gongzhi.requests.models import Category

    questions = list(campaign.questions.all())
    mine = list(Assignment.objects.filter(campaign=campaign, worker=wangfang).order_by("id")[:12])
    with audit.acting(user=wangfang, source="system"):
        for n, a in enumerate(mine):
            if n == 5:
                services.submit_answer(wangfang, a, outcome=VisitStatus.ABSENT, note="白天无人，晚上再来")
                continue
            values = {
                questions[0].pk: "yes" if n % 4 else "no",
                questions[1].pk: HOSES[n % len(HOSES)],
                questions[2].pk: str(1 + n % 5),
                questions[3].pk: "yes" if n % 3 == 0 else "no",
                questions[4].pk: "厨房燃气管接口有异味" if n == 2 else "",
            }
            services.submit_answer(wangfang, a, values=values)
            category = Category.objects.filter(active=True).order_by("id").first()
            if n == 2 and category is not None:
                findings.request_from_answer(
                    wangfang, a, category=category, description="入户排查发现厨房燃气管接口有异味，请燃气公司上门检修"
                )
