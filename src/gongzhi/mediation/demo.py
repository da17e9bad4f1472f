"""Demo people's mediation for the demo town: a committee per community (3–5 members with a
woman, one with a login) and one for the town, grid mediators, the invited pool (周老师, a
people's-congress deputy called in for land and 宅基地 disputes, among them — STORIES.md), and
about a hundred disputes in every stage, all through the services. Story 6's 宅基地 wall is
among them: 周老师 invited, a written agreement signed 25 days ago, so the 30-day 司法确认
clock shows 5 days left.

Deterministic for a seed and a day: times are counted back from 08:00 (Beijing) of `today`."""

import datetime as dt
import random

from django.db import transaction

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import User
from gongzhi.core.demo.names import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from gongzhi.core.workdays import CN_TZ
from gongzhi.registry.models import Resident

from . import services
from .choices import Status as S

PASSWORD = "gongzhi-demo-2026"  # the same as accounts.demo.DEMO_PASSWORD
POOL = [
    ("周老师", "M", "人大代表", ["homestead", "land", "neighbour"]),
    ("郑律师", "F", "律师", ["contract", "labour", "consumer", "damages"]),
    ("何乡贤", "M", "乡贤", ["marriage", "neighbour", "village"]),
    ("陈代表", "F", "人大代表", ["property", "environment", "expropriation"]),
]
STAGES = [
    (S.REGISTERED, 10),
    (S.MEDIATING, 20),
    (S.SIGNING, 6),
    (S.EFFECTIVE, 14),
    (S.ORAL, 10),
    (S.FAILED, 5),
    (S.TERMINATED, 4),
    (S.CLOSED, 27),
    (S.ARCHIVED, 4),
]
FACTS = {
    "neighbour": ("楼上漏水", "楼上卫生间漏水至楼下，协商维修未果。", "漏水原因及维修费用承担"),
    "homestead": ("宅基地界址纠纷", "两户因宅基地界址发生争执。", "界址位置；越界部分如何处理"),
    "marriage": ("赡养纠纷", "子女之间就老人赡养费分担发生争执。", "赡养费数额及分担"),
    "property": ("物业费纠纷", "业主以服务不到位为由拒交物业费。", "服务质量；欠费数额"),
    "labour": ("工资纠纷", "务工人员与个体工商户就拖欠工资发生争执。", "拖欠数额；支付期限"),
    "damages": ("宠物伤人赔偿", "邻居家犬只咬伤他人。", "医疗费用及误工费赔偿"),
    "contract": ("装修合同纠纷", "装修质量不合格，双方就返工和尾款发生争执。", "返工范围；尾款支付"),
}


def _user(username, display, role, node):
    return User.objects.filter(username=username).first() or accounts.create_user(
        username=username, password=PASSWORD, display_name=display, role=role, node=node
    )


class _Builder:
    def __init__(self, nodes, n, seed, today):
        self.rng = random.Random(seed)
        self.nodes, self.n = nodes, n
        today = today or dt.datetime.now(CN_TZ).date()
        self.now = dt.datetime.combine(today, dt.time(8, 0), tzinfo=CN_TZ)
        self.today = today

    def _name(self, female):
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)

    def setup(self):
        town = self.nodes["town"]
        # A town cadre (registry reads, every mediation permission) registers and assigns.
        self.actor = User.objects.filter(username="likezhang").first() or _user(
            "tiaojie_zhen", "司法所干部", "town", town
        )
        self.communities = [v for k, v in sorted(self.nodes.items()) if k.startswith("c") and k[1:].isdigit()]
        self.committees, self.members = {}, {}
        rows = []
        for i, node in enumerate([town, *self.communities]):
            c = services.create_committee(self.actor, name=f"{node.name}人民调解委员会", node=node)
            genders = ["F"] + [self.rng.choice("MF") for _ in range(self.rng.randint(2, 4))]
            members = []
            for j, g in enumerate(genders):
                user = None
                if j == 0:
                    username = f"tiaojie{i:02d}"
                    user = _user(username, self._name(g == "F"), "mediator", node)
                    rows.append(("mediator", username, PASSWORD, user.display_name, node.name))
                name = user.display_name if user else self._name(g == "F")
                members.append(
                    services.add_mediator(
                        self.actor, name=name, gender=g, kind="member", node=node, committee=c, user=user
                    )
                )
            services.constitute_committee(self.actor, c)
            c.refresh_from_db()
            self.committees[node.pk], self.members[c.pk] = c, members
        director = _user("tiaojiezhuren", "调委会主任", "mediation_committee", town)
        rows.append(("mediation_committee", "tiaojiezhuren", PASSWORD, director.display_name, town.name))
        self.grid_mediators = {}
        for grid in self.nodes["grids"][:24]:
            female = self.rng.random() < 0.5
            self.grid_mediators[grid.pk] = services.add_mediator(
                self.actor, name=self._name(female), gender="F" if female else "M", kind="grid", node=grid
            )
        self.pool = {}
        for name, gender, title, skills in POOL:
            user = None
            if name == "周老师":
                user = _user("zhoulaoshi", "周老师", "mediator", town)
                rows.append(("mediator", "zhoulaoshi", PASSWORD, "周老师", town.name))
            self.pool[name] = services.add_mediator(
                self.actor,
                name=name,
                gender=gender,
                kind="invited",
                node=town,
                title=title,
                user=user,
                areas=[town],
                skills=skills,
            )
        return rows

    def _parties(self, grid):
        # Only people the registrar may see (a resident with a sensitive tag is not for a town cadre).
        people = list(Resident.objects.visible_to(self.actor).filter(grid=grid).order_by("pk")[:40])
        if len(people) >= 2:
            a, b = self.rng.sample(people, 2)
            return [{"role": "applicant", "resident": a}, {"role": "respondent", "resident": b}]
        return [{"role": "applicant", "name": self._name(False)}, {"role": "respondent", "name": self._name(True)}]

    def _committee(self, grid):
        for node in self.communities:
            if grid.path.startswith(node.path):
                return self.committees[node.pk]
        return self.committees[self.nodes["town"].pk]

    def advance(self, d, stage, received):
        """Walk `d` to `stage` in steps after `received`, none later than now."""
        if stage == S.REGISTERED:
            return d
        at = lambda days: min(received + dt.timedelta(days=days, hours=self.rng.randint(1, 6)), self.now)  # noqa: E731
        members = self.members[d.committee_id]
        if stage == S.TERMINATED:
            return services.refuse(self.actor, d, party=d.parties.last(), note="被申请人明确拒绝调解。", now=at(1))
        mediators = [members[0]]
        if d.category == "homestead" or self.rng.random() < 0.15:
            candidates = services.suggest_pool(d)
            if candidates:
                mediators.append(candidates[0])
        d = services.assign(self.actor, d, mediators, now=at(1))
        if stage == S.MEDIATING:
            return d
        held = at(3)
        services.record_session(
            self.actor,
            d,
            held_at=held,
            place=f"{d.committee.name}调解室",
            attendees="、".join(p.name for p in d.parties.all()),
            record="双方陈述事实，调解员释法说理。",
            now=held,
        )
        d.refresh_from_db()
        if stage == S.FAILED:
            return services.fail(
                self.actor, d, remedies="告知双方可向人民法院起诉，或申请有关行政机关处理。", now=at(5)
            )
        if stage in (S.ORAL, S.CLOSED, S.ARCHIVED) and self.rng.random() < 0.4:
            d = services.agree_oral(self.actor, d, terms="双方当场达成一致并即时履行。", now=at(5))
        else:
            d = services.agree_written(
                self.actor,
                d,
                responsibilities="双方各有一定责任。",
                terms="双方自愿达成协议，互谅互让。",
                performance_manner="当事人自行履行",
                performance_deadline=(at(5) + dt.timedelta(days=20)).astimezone(CN_TZ).date(),
                amount=self.rng.choice([None, 500, 2000, 8000]),
                now=at(5),
            )
            if stage == S.SIGNING:
                return d
            signing = at(6)
            day = signing.astimezone(CN_TZ).date()
            for party in d.parties.all():
                d = services.sign(self.actor, d, party=party, signed_on=day, now=signing)
            d = services.sign(self.actor, d, mediator=mediators[0], signed_on=day, now=signing)
            d = services.stamp(self.actor, d, signed_on=day, now=signing)
        if stage in (S.EFFECTIVE, S.ORAL):
            return d
        d = services.follow_up(self.actor, d, performance="done", note="回访：协议已履行。", now=at(25)).dispute
        d = services.close(self.actor, d, now=at(26))
        if stage == S.ARCHIVED:
            return services.archive(self.actor, d, note="卷宗整理完毕，归档。", now=at(40))
        return d

    def one(self):
        stage = self.rng.choices([s for s, _w in STAGES], weights=[w for _s, w in STAGES])[0]
        grid = self.rng.choice(self.nodes["grids"])
        category = self.rng.choice(list(FACTS))
        title, facts, issues = FACTS[category]
        # Open stages are recent; finished ones older (so none is past its clocks by accident).
        back = self.rng.randint(0, 20) if stage in (S.REGISTERED, S.MEDIATING) else self.rng.randint(30, 70)
        received = self.now - dt.timedelta(days=back, hours=self.rng.randint(0, 8))
        risk = self.rng.choices(["low", "medium", "high"], weights=[7, 2, 1])[0]
        with transaction.atomic():
            d = services.register(
                self.actor,
                committee=self._committee(grid),
                node=grid,
                category=category,
                title=title,
                facts=facts,
                issues=issues,
                parties=self._parties(grid),
                received_at=received,
                risk=risk,
                risk_reason="" if risk == "low" else "双方情绪激动，有激化可能",
                source=self.rng.choice(["application", "application", "initiative", "grid"]),
            )
            return self.advance(d, stage, received)

    def transfers(self):
        """转人民调解: the 邻里纠纷 requests a department returned ("请社区调解") go to the
        committee, as the dispatcher would send them."""
        from gongzhi.requests.choices import Status as RS
        from gongzhi.requests.models import ServiceRequest

        dispatcher = User.objects.filter(username="paidan").first()
        if dispatcher is None:
            return
        # The returned ones first, then any still open: a few go to the committee.
        open_ = ServiceRequest.objects.filter(
            category__name="邻里纠纷", status__in=(RS.RECEIVED, RS.DISPATCHED, RS.HANDLING)
        ).order_by("-dispatched_at", "pk")
        returned = [r for r in open_ if r.status == RS.RECEIVED and r.dispatched_at] or list(open_[:3])
        for r in returned[:5]:
            parties = [
                {"role": "applicant", "name": r.requester_name or self._name(False), "phone": r.requester_phone},
                {"role": "respondent", "name": self._name(self.rng.random() < 0.5)},
            ]
            with transaction.atomic():
                services.transfer_from_request(
                    dispatcher, r, committee=self._committee(r.grid or r.node), category="neighbour", parties=parties
                )

    def wall(self):
        """Story 6: the 宅基地 wall, 周老师 invited, the agreement signed 25 days ago."""
        grid = self.nodes["grids"][0]
        received = self.now - dt.timedelta(days=40)
        signed = self.today - dt.timedelta(days=25)
        with transaction.atomic():
            d = services.register(
                self.actor,
                committee=self._committee(grid),
                node=grid,
                category="homestead",
                title="宅基地围墙纠纷",
                facts="两家因新砌围墙的位置发生争执，一方认为围墙占用其宅基地约半米。",
                issues="围墙是否越界；越界部分如何处理；拆除重砌费用由谁承担。",
                parties=self._parties(grid),
                received_at=received,
                risk="medium",
                risk_reason="双方多次争吵，曾有推搡",
            )
            zhou = self.pool["周老师"]
            d = services.assign(
                self.actor, d, [self.members[d.committee_id][0], zhou], now=received + dt.timedelta(days=1)
            )
            services.record_session(
                self.actor,
                d,
                held_at=received + dt.timedelta(days=5),
                place="村民委员会调解室",
                attendees="双方当事人、周老师、调委会委员",
                record="周老师现场丈量，对照宅基地使用证释明界址。",
                now=received + dt.timedelta(days=5, hours=3),
            )
            d.refresh_from_db()
            at = dt.datetime.combine(signed, dt.time(10, 0), tzinfo=CN_TZ)
            d = services.agree_written(
                self.actor,
                d,
                responsibilities="围墙越界约二十厘米，由砌墙一方负责。",
                terms="砌墙一方于三十日内拆除越界部分并后移重砌，费用自理；另一方予以配合。",
                performance_manner="砌墙一方自行拆除重砌",
                performance_deadline=signed + dt.timedelta(days=30),
                amount=3000,
                now=at,
            )
            for party in d.parties.all():
                d = services.sign(self.actor, d, party=party, signed_on=signed, now=at)
            d = services.sign(self.actor, d, mediator=zhou, signed_on=signed, now=at)
            return services.stamp(self.actor, d, signed_on=signed, now=at)


def build_demo_mediation(town_nodes, n=100, seed=1, today=None):
    """Committees, mediators, the pool and `n` disputes plus the 宅基地 wall; returns the demo
    account rows (role, username, password, name, scope) for the accounts it added."""
    from .clock import tick

    builder = _Builder(town_nodes, n, seed, today)
    with transaction.atomic():
        rows = builder.setup()
    for _ in range(n):
        builder.one()
    builder.transfers()
    builder.wall()
    tick(builder.now)
    return rows
