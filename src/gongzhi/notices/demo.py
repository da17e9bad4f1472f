"""The demo town's notices (a step of `gongzhi demo`, declared in notices/apps.py): 陈书记 of
南庄社区 publishes a water-cut notice to the community with a loudspeaker schedule (村村响),
a notice to 王芳's grid about a fire-safety check, a draft, and a notice to the volunteers."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core import audit

from . import services
from .choices import Audience, Repeat

WATER = (
    "停水通知",
    "因自来水管网改造，本周六 8:00 至 16:00 南庄社区全域停水，请居民提前储水。如有困难请联系网格员。",
)
FIRE = ("消防安全检查", "下周二起网格员上门检查楼道堆物和电动车充电情况，请配合。")
DRAFT = ("垃圾分类积分兑换", "本月积分兑换时间另行通知。")
VOLUNTEERS = ("志愿者集合", "周六上午 8:30 在社区广场集合，协助停水期间为老人送水。")


def build_notices(town):
    staff = User.objects.filter(username="chenshuji").first()
    c001 = town.nodes.get("c001")
    grid = town.nodes.get("g001007")
    if staff is None or c001 is None:
        return
    today = timezone.localdate()
    until = today + dt.timedelta(days=14)
    with audit.acting(user=staff, source="system"):
        water = services.create_notice(
            staff, title=WATER[0], body=WATER[1], node=c001, valid_from=today, valid_until=until, public=True
        )
        services.publish_notice(staff, water)
        services.set_broadcast(
            staff,
            water,
            text="各位居民请注意：" + WATER[1],
            start_date=today,
            end_date=today + dt.timedelta(days=3),
            times="07:30, 12:00, 18:30",
            repeat=Repeat.DAILY,
        )
        if grid is not None:
            fire = services.create_notice(
                staff, title=FIRE[0], body=FIRE[1], node=grid, valid_from=today, valid_until=until, public=True
            )
            services.publish_notice(staff, fire)
        vols = services.create_notice(
            staff,
            title=VOLUNTEERS[0],
            body=VOLUNTEERS[1],
            node=c001,
            audience=Audience.VOLUNTEERS,
            valid_from=today,
            valid_until=until,
        )
        services.publish_notice(staff, vols)
        services.create_notice(staff, title=DRAFT[0], body=DRAFT[1], node=c001, valid_from=today, valid_until=until)
