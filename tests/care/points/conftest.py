"""Points fixtures: the small test town with a published party-member scheme of 南庄社区 (c1)
and a volunteer scheme of the town, two community staff on c1 (录入 and 审核 are different
people), a grid worker on g11, staff of the other community, the town, a supervisor, and
residents: 张建国 on g11 (linked to an account), 李秀英 on g12, a person with a sensitive
tag on g11, 王远 on g21 (the other community)."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.care.points import services
from gongzhi.care.points.choices import SchemeKind
from tests import factories

YEAR = timezone.localdate().year
DAY = timezone.localdate()


def make_points(town):
    mk = factories.make_user
    users = SimpleNamespace(
        clerk=mk("community", town["c1"], username="luru"),
        approver=mk("community", town["c1"], username="shenhe"),
        grid=mk("grid", town["g11"], username="wangfang"),
        grid2=mk("grid", town["g21"]),
        community2=mk("community", town["c2"]),
        town=mk("town", town["t"], username="likezhang"),
        supervisor=mk("supervisor", town["c1"]),
        department=mk("department", town["t"]),
    )
    people = SimpleNamespace(
        zhang=factories.make_resident(town["g11"], name="张建国"),
        li=factories.make_resident(town["g12"], name="李秀英"),
        secret=factories.make_resident(town["g11"], name="邱梅敏", tags=[factories.sensitive_tag()]),
        far=factories.make_resident(town["g21"], name="王远"),
    )
    users.zhang = accounts.create_user(username="zhangjianguo", password=factories.PASSWORD, display_name="张建国")
    linking.link(users.zhang, people.zhang)
    users.zhang.refresh_from_db()
    party = services.create_scheme(
        users.clerk, node=town["c1"], name="南庄社区党员积分", kind=SchemeKind.PARTY, year=YEAR
    )
    r = SimpleNamespace(
        meeting=services.add_rule(users.clerk, party, code="A1", description="参加组织生活", points=2, cap=24),
        service=services.add_rule(
            users.clerk, party, code="A2", description="志愿服务（每次）", points=5, cap=20, evidence_required=True
        ),
        absent=services.add_rule(users.clerk, party, code="B1", description="无故缺席组织生活", points=-5, cap=10),
    )
    services.publish_scheme(users.clerk, party)
    volunteer = services.create_scheme(
        users.town, node=town["t"], name="杨舍镇志愿者积分", kind=SchemeKind.VOLUNTEER, year=YEAR
    )
    v_hour = services.add_rule(users.town, volunteer, code="V1", description="志愿服务每小时", points=1)
    services.publish_scheme(users.town, volunteer)
    return SimpleNamespace(
        town=town, users=users, people=people, party=party, rules=r, volunteer=volunteer, v_hour=v_hour
    )


@pytest.fixture
def pts(town):
    return make_points(town)


def enter(pts, rule=None, resident=None, by=None, **extra):
    """An entry in the party scheme (by the clerk, for 张建国, by rule A1 unless told)."""
    rule = rule or pts.rules.meeting
    return services.enter_points(
        by or pts.users.clerk,
        scheme=rule.scheme,
        rule=rule,
        resident=resident or pts.people.zhang,
        occurred_on=extra.pop("occurred_on", DAY),
        **extra,
    )
