"""Mediation fixtures: the small test town with a constituted committee in 南庄社区 (three
members, one a woman), a grid mediator, an invited pool (周老师 among them), one user per role,
residents as parties, and `Flow`, which registers a dispute and walks it to any status through
the real services at fixed Beijing times."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gongzhi.accounts.models import Organisation
from gongzhi.core.workdays import CN_TZ
from gongzhi.mediation import services
from gongzhi.mediation.choices import Status
from tests import factories


def cn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CN_TZ)


# Monday 2 November 2026, 09:00.
T0 = cn(2026, 11, 2, 9, 0)


def make_world(town):
    t, c1, c2 = town["t"], town["c1"], town["c2"]
    mk = factories.make_user
    admin = mk("town", t, username="mediation_admin")
    nz = Organisation.objects.create(name="南庄社区居委会", kind="committee", node=c1)
    u = SimpleNamespace(
        town=admin,
        community=mk("community", c1, organisation=nz),
        community2=mk("community", c2),
        director=mk("mediation_committee", c1),
        mediator=mk("mediator", c1, username="med_li"),
        mediator2=mk("mediator", c1, username="med_wang"),
        outsider_mediator=mk("mediator", c2, username="med_c2"),
        zhou=mk("mediator", t, username="zhou_laoshi"),
        grid=mk("grid", town["g11"]),
        department=mk("department", t),
        supervisor=mk("supervisor", t),
        resident=mk("resident", town["g11"]),
        dispatcher=mk("dispatcher", t),
    )
    committee = services.create_committee(admin, name="南庄社区人民调解委员会", node=c1)
    members = [
        services.add_mediator(
            admin, name="李明", gender="M", kind="member", node=c1, committee=committee, user=u.mediator
        ),
        services.add_mediator(
            admin, name="王芳", gender="F", kind="member", node=c1, committee=committee, user=u.mediator2
        ),
        services.add_mediator(admin, name="赵强", gender="M", kind="member", node=c1, committee=committee),
    ]
    services.constitute_committee(admin, committee)
    committee.refresh_from_db()
    committee2 = services.create_committee(admin, name="梁丰社区人民调解委员会", node=c2)
    c2_members = [
        services.add_mediator(
            admin, name="陈静", gender="F", kind="member", node=c2, committee=committee2, user=u.outsider_mediator
        ),
        services.add_mediator(admin, name="孙伟", gender="M", kind="member", node=c2, committee=committee2),
        services.add_mediator(admin, name="钱磊", gender="M", kind="member", node=c2, committee=committee2),
    ]
    services.constitute_committee(admin, committee2)
    committee2.refresh_from_db()
    grid_mediator = services.add_mediator(admin, name="吴敏", gender="F", kind="grid", node=town["g11"])
    zhou = services.add_mediator(
        admin,
        name="周老师",
        gender="M",
        kind="invited",
        node=t,
        title="人大代表",
        user=u.zhou,
        areas=[t],
        skills=["homestead", "land"],
    )
    lawyer = services.add_mediator(
        admin, name="郑律师", gender="F", kind="invited", node=t, title="律师", areas=[c1], skills=["contract"]
    )
    far = services.add_mediator(
        admin, name="冯乡贤", gender="M", kind="invited", node=c2, title="乡贤", areas=[c2], skills=["homestead"]
    )
    hh_a = factories.make_household(town["g11"])
    hh_b = factories.make_household(town["g11"])
    a = factories.make_resident(household=hh_a, name="张建国", phone="13812345678")
    b = factories.make_resident(household=hh_b, name="刘长顺", phone="13987654321")
    return SimpleNamespace(
        town=town,
        users=u,
        committee=committee,
        committee2=committee2,
        members=members,
        c2_members=c2_members,
        grid_mediator=grid_mediator,
        zhou=zhou,
        lawyer=lawyer,
        far=far,
        a=a,
        b=b,
        hh_a=hh_a,
        hh_b=hh_b,
    )


@pytest.fixture
def world(town):
    return make_world(town)


def parties(w):
    return [
        {"role": "applicant", "resident": w.a, "address": "南庄新村1幢"},
        {"role": "respondent", "resident": w.b, "address": "南庄新村2幢"},
    ]


class Flow:
    """Walks one dispute through the table at fixed times (days after T0)."""

    def __init__(self, world):
        self.w = world

    def at(self, days, hours=0):
        return T0 + dt.timedelta(days=days, hours=hours)

    def register(self, **kw):
        w = self.w
        fields = dict(
            committee=w.committee,
            node=w.town["g11"],
            category="homestead",
            title="宅基地围墙纠纷",
            facts="两家因围墙位置争执，张家认为刘家新砌围墙占用其宅基地约半米。",
            issues="围墙是否越界；拆除重砌费用由谁承担。",
            parties=parties(w),
            received_at=T0,
        )
        fields.update(kw)
        return services.register(w.users.community, **fields)

    def to(self, status, dispute=None):
        """A dispute in `status`, walked through the real services."""
        w, u = self.w, self.w.users
        d = dispute or self.register()
        if status == Status.REGISTERED:
            return d
        if status == Status.TERMINATED:
            return services.refuse(
                u.mediator, d, party=d.parties.first(), note="被申请人明确表示不同意调解。", now=self.at(1)
            )
        d = services.assign(u.director, d, [w.members[0]], now=self.at(1))
        if status == Status.MEDIATING:
            return d
        services.record_session(
            u.mediator,
            d,
            held_at=self.at(3),
            place="南庄社区调解室",
            attendees="张建国、刘长顺、李明",
            record="双方陈述，现场查看围墙。",
            now=self.at(3, 2),
        )
        d.refresh_from_db()
        if status == Status.ORAL:
            return services.agree_oral(u.mediator, d, terms="刘家后移围墙20厘米。", now=self.at(4))
        if status == Status.FAILED:
            return services.fail(
                u.mediator, d, remedies="告知双方可向人民法院起诉或申请土地主管部门处理。", now=self.at(4)
            )
        d = services.agree_written(
            u.mediator,
            d,
            responsibilities="刘家围墙越界约20厘米。",
            terms="刘家于一个月内拆除越界部分并后移重砌，费用自理；张家协助。",
            performance_manner="刘家自行拆除重砌",
            performance_deadline=dt.date(2026, 12, 6),
            amount="3000",
            now=self.at(4),
        )
        if status == Status.SIGNING:
            return d
        day = dt.date(2026, 11, 6)
        for party in d.parties.all():
            d = services.sign(u.mediator, d, party=party, signed_on=day, now=self.at(4, 1))
        d = services.sign(u.mediator, d, mediator=w.members[0], signed_on=day, now=self.at(4, 1))
        d = services.stamp(u.director, d, signed_on=day, now=self.at(4, 2))
        if status == Status.EFFECTIVE:
            return d
        services.follow_up(u.mediator, d, performance="done", note="围墙已后移重砌，双方满意。", now=self.at(30))
        d.refresh_from_db()
        d = services.close(u.director, d, now=self.at(31))
        if status == Status.ARCHIVED:
            return services.archive(u.director, d, now=self.at(32))
        return d


@pytest.fixture
def flow(world):
    return Flow(world)
