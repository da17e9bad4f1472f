"""The demo town's volunteers (a step of `gongzhi demo`, declared in care/apps.py): a short
skill list, two teams of 南庄社区 and one of the next community, about twenty volunteers
registered by 陈书记 with their consent, three past activities with confirmed hours and two
coming ones with sign-ups."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core import audit
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from . import activities as acts
from . import services

SKILLS = ["理发", "医疗护理", "法律咨询", "家电维修", "文艺演出", "心理疏导", "助老陪护", "环境整治"]
PAST = [
    # title, days ago, hours long, place, team index
    ("敬老院义务理发", 20, 3, "南庄社区日间照料中心", 0),
    ("楼道清洁日", 12, 2, "南庄新村各楼道", 1),
    ("独居老人上门陪护", 5, 2, "南庄社区各网格", 1),
]
COMING = [("垃圾分类宣传", 3, 2, "南庄社区广场", 0), ("家电义务维修", 9, 3, "南庄社区服务中心", 0)]


def _at(days, hour):
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def build_volunteers(town):
    """Skills, teams, volunteers, activities and confirmed hours in 南庄社区."""
    staff = User.objects.filter(username="chenshuji").first()
    admin = User.objects.filter(username="likezhang").first()  # 李科长 of the town keeps the skill list
    c001 = town.nodes.get("c001")
    if staff is None or admin is None or c001 is None:
        return
    with audit.acting(user=admin, source="system"):
        skills = [services.create_skill(admin, name=name, order=n) for n, name in enumerate(SKILLS)]
        other = town.nodes.get("c002")
        if other is not None:
            services.create_team(admin, name=f"{other.name}志愿服务队", node=other)
    with audit.acting(user=staff, source="system"):
        teams = [
            services.create_team(staff, name="南庄红马甲服务队", node=c001, description="环境整治、宣传、应急"),
            services.create_team(staff, name="南庄助老服务队", node=c001, description="助老陪护、理发、家电维修"),
        ]
        volunteers = _register(staff, c001, skills, teams)
        if not volunteers:
            return
        services.set_leader(staff, teams[0], volunteers[0])
        services.set_leader(staff, teams[1], volunteers[1])
        _activities(staff, c001, teams, volunteers)


def _register(staff, c001, skills, teams):
    today = timezone.localdate()
    adults = (
        Resident.objects.filter(
            grid__path__startswith=c001.path,
            status=Status.ACTIVE,
            has_sensitive=False,
            birth_date__lte=today.replace(year=today.year - 18),
            birth_date__gte=today.replace(year=today.year - 70),
        )
        .select_related("grid")
        .order_by("id")[:20]
    )
    made = []
    for n, person in enumerate(adults):
        made.append(
            services.register_volunteer(
                staff,
                resident=person,
                consent=True,
                given_on=today - dt.timedelta(days=40 - n),
                # One volunteer also consented separately to a health note (PIPL Art. 29).
                sensitive_consent=n == 3,
                health_note="腰椎不好，不宜搬运重物" if n == 3 else "",
                skills=[skills[n % len(skills)], skills[(n * 3 + 1) % len(skills)]],
                teams=[teams[n % 2]],
            )
        )
    return made


def _activities(staff, c001, teams, volunteers):
    for k, (title, ago, length, place, team) in enumerate(PAST):
        activity = acts.create_activity(
            staff,
            title=title,
            node=c001,
            place=place,
            starts_at=_at(-ago, 9),
            ends_at=_at(-ago, 9 + length),
            capacity=10,
            team=teams[team],
            description="",
        )
        for n, volunteer in enumerate(volunteers[k * 4 : k * 4 + 8]):
            acts.add_attendee(staff, activity, volunteer, length if n % 3 else length - 0.5)
    for title, ahead, length, place, team in COMING:
        activity = acts.create_activity(
            staff,
            title=title,
            node=c001,
            place=place,
            starts_at=_at(ahead, 14),
            ends_at=_at(ahead, 14 + length),
            capacity=8,
            team=teams[team],
            description="",
        )
        for volunteer in volunteers[ahead : ahead + 5]:
            acts.sign_up(staff, activity, volunteer)
