"""Demo service requests for the demo town: categories with their departments, a dispatcher,
a hotline operator, a return visitor, one handler per department, and a few hundred requests
in every stage (some overdue, some returned as wrongly assigned, some reopened after a
dissatisfied return visit, some merged as duplicates), all made through the services.

Deterministic for a seed and a day: times are counted back from 08:00 (Beijing) of `today`,
so the stages stay meaningful (some requests due soon, some overdue) whenever it is run.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import Organisation, User
from gongzhi.cases import inbox
from gongzhi.core import audit
from gongzhi.core.demo.names import GIVEN_FEMALE, GIVEN_MALE, SURNAMES
from gongzhi.core.workdays import CN_TZ
from gongzhi.territory.models import Building

from . import services
from .choices import Channel

PASSWORD = "gongzhi-demo-2026"  # the same as accounts.demo.DEMO_PASSWORD
# name, kind, department, working days, Open311 code, what people write
CATEGORIES = [
    (
        "噪声扰民",
        "complaint",
        "城市管理局",
        5,
        "noise",
        ["晚上十点后广场舞音乐声音太大，影响老人和孩子休息", "夜间施工噪声扰民"],
    ),
    ("占道经营", "complaint", "城市管理局", 5, "street-vending", ["小区门口流动摊贩占道经营，影响通行"]),
    (
        "路灯损坏",
        "help",
        "城市管理局",
        3,
        "streetlight",
        ["路灯不亮已经一周，晚上出行不安全", "楼道灯坏了，老人上下楼不方便"],
    ),
    ("违章停车", "complaint", "公安派出所", 5, "parking", ["消防通道被私家车长期占用", "小区内乱停车，救护车进不来"]),
    (
        "社保咨询",
        "consult",
        "人社所",
        3,
        "social-insurance",
        ["灵活就业人员如何续缴养老保险？", "医保异地备案怎么办理？"],
    ),
    ("困难救助", "help", "民政办", 10, "assistance", ["家中老人重病，生活困难，申请临时救助", "咨询低保申请条件"]),
    ("邻里纠纷", "help", "司法所", 5, "neighbour-dispute", ["楼上漏水到我家，协商不成", "邻居在公共区域堆放杂物"]),
    ("环境卫生", "complaint", "城市管理局", 5, "sanitation", ["垃圾桶满了没人清运，气味很大"]),
    ("医疗卫生建议", "suggestion", "卫健办", 10, "health", ["建议社区卫生服务站周末开放"]),
]
WRONG = {"邻里纠纷": "城市管理局", "困难救助": "人社所", "违章停车": "城市管理局"}
DEPARTMENT_USERS = [
    ("paichusuo", "周警官", "公安派出所"),
    ("minzheng", "吴主任", "民政办"),
    ("renshe", "郑科员", "人社所"),
    ("sifa", "冯所长", "司法所"),
    ("weijian", "何医生", "卫健办"),
]
# Stage mix (weights): the last stage each request reaches.
STAGES = [
    ("received", 6),
    ("dispatched", 8),
    ("handling", 22),
    ("replied", 7),
    ("closed", 14),
    ("completed", 30),
    ("reopened", 6),
    ("duplicate", 3),
    ("returned", 4),
]


def _user(username, display, role, node, org=None):
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return accounts.create_user(
        username=username, password=PASSWORD, display_name=display, role=role, node=node, organisation=org
    )


class _Builder:
    def __init__(self, nodes, n, seed, today):
        self.rng = random.Random(seed)
        self.nodes, self.n = nodes, n
        today = today or dt.datetime.now(CN_TZ).date()
        self.now = dt.datetime.combine(today, dt.time(8, 0), tzinfo=CN_TZ)
        self.made: dict[str, list] = {}
        self.workers: dict[int, object] = {}

    def setup(self):
        town = self.nodes["town"]
        orgs = {o.name: o for o in Organisation.objects.all()}
        self.categories = [
            services.create_category(
                name=name,
                kind=kind,
                default_assignee=orgs.get(dept),
                deadline_days=days,
                service_code=code,
                description=texts[0][:200],
            )
            for name, kind, dept, days, code, texts in CATEGORIES
        ]
        self.texts = {c[0]: c[5] for c in CATEGORIES}
        self.orgs = orgs
        self.dispatcher = _user("paidan", "李派单", "dispatcher", town, orgs.get("杨舍镇人民政府"))
        self.visitor = _user("huifang", "孙回访", "visitor", town)
        self.hotline = _user("rexian", "钱接线", "hotline", town)
        self.supervisor = User.objects.filter(username="likezhang").first() or self.dispatcher
        self.handlers = {
            u.organisation_id: u
            for u in User.objects.filter(organisation__kind__in=["department", "committee"]).order_by("pk")
        }
        for username, display, org in DEPARTMENT_USERS:
            if org in orgs and orgs[org].pk not in self.handlers:
                self.handlers[orgs[org].pk] = _user(username, display, "department", town, orgs[org])
        self.buildings = {}
        for b in Building.objects.filter(grid__in=self.nodes["grids"]).values_list("grid_id", "pk", "lat", "lng"):
            self.buildings.setdefault(b[0], []).append(b[1:])
        rows = [
            ("dispatcher", "paidan", PASSWORD, "李派单", town.name),
            ("visitor", "huifang", PASSWORD, "孙回访", town.name),
            ("hotline", "rexian", PASSWORD, "钱接线", town.name),
        ]
        rows += [("department", u, PASSWORD, d, town.name) for u, d, o in DEPARTMENT_USERS if o in orgs]
        return rows

    # --------------------------------------------------------------- one request
    def _name(self):
        male = self.rng.random() < 0.5
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        second = self.rng.choice(pool) if self.rng.random() < 0.6 else ""
        return self.rng.choice(SURNAMES) + self.rng.choice(pool) + second

    def _received(self, category, stage):
        # Requests still being worked are mostly recent (a few run late); finished ones older.
        recent = stage in ("received", "dispatched", "handling", "replied")
        back = dt.timedelta(days=self.rng.uniform(0.2, 12) if recent else self.rng.uniform(3, 40))
        at = self.now - back
        if category.name == "噪声扰民" and self.rng.random() < 0.5:
            at = at.replace(hour=22, minute=10)  # story 4: the square-dance complaint at 22:10
        return min(at, self.now - dt.timedelta(minutes=30))

    def _place(self, grid):
        spots = self.buildings.get(grid.pk) or []
        if spots and self.rng.random() < 0.6:
            pk, lat, lng = self.rng.choice(spots)
            return {"building": Building.objects.get(pk=pk), "lat": lat, "lng": lng}
        ring = grid.geojson["coordinates"][0] if grid.geojson else None
        if ring:
            lng0, lat0 = ring[0]
            return {
                "lat": Decimal(f"{lat0 + self.rng.random() * 0.01:.6f}"),
                "lng": Decimal(f"{lng0 + self.rng.random() * 0.01:.6f}"),
                "address": f"{grid.name}附近",
            }
        return {"address": f"{grid.name}附近"}

    def file(self, stage):
        category = self.rng.choice(self.categories)
        grid = self.rng.choice(self.nodes["grids"])
        channel = self.rng.choice([Channel.WEB] * 4 + [Channel.HOTLINE] * 3 + [Channel.GRID] * 3)
        actor = self.hotline if channel == Channel.HOTLINE else None
        if channel == Channel.GRID:
            actor = self._grid_worker(grid) or self.hotline
            channel = Channel.GRID if actor is not self.hotline else Channel.HOTLINE
        phone = self.rng.choice(["138", "139", "150", "186", "177"]) + f"{self.rng.randrange(10**8):08d}"
        with audit.acting(user=actor):  # outside any channel, the demo opens each actor's context
            return services.file_request(
                channel=channel,
                category=category,
                description=self.rng.choice(self.texts[category.name]),
                actor=actor,
                grid=grid,
                requester_name=self._name(),
                requester_phone=phone,
                received_at=self._received(category, stage),
                **self._place(grid),
            )

    def _grid_worker(self, grid):
        if grid.pk not in self.workers:
            self.workers[grid.pk] = User.objects.filter(memberships__node=grid, memberships__role__slug="grid").first()
        return self.workers[grid.pk]

    def _assignee(self, r, wrong=False):
        name = WRONG.get(r.category.name, "城市管理局") if wrong else r.category.default_assignee.name
        org = self.orgs[name]
        if (
            r.category.name in ("路灯损坏", "邻里纠纷")
            and not wrong
            and r.node.path.startswith(self.nodes["c001"].path)
        ):
            org = self.orgs.get("南庄社区居委会", org)  # the community handles its own stair lights and neighbours
        return org

    def _step(self, at, hours):
        t = at + dt.timedelta(hours=self.rng.uniform(*hours))
        return t if t < self.now else None

    def advance(self, r, stage):
        """Take `r` towards `stage`; stops early where the next step would lie in the future."""
        if stage == "received":
            return r
        if stage == "duplicate":
            same = [o for o in self.made.get(r.category.name, []) if o.pk != r.pk]
            if same:
                with audit.acting(user=self.dispatcher):
                    return services.link_duplicate(
                        r,
                        self.dispatcher,
                        original=self.rng.choice(same),
                        now=self._step(r.received_at, (0.1, 2)) or self.now,
                    )
            stage = "handling"
        at = self._step(r.received_at, (0.2, 20))
        if at is None:
            return r
        if stage == "returned":
            with audit.acting(user=self.dispatcher):
                r = services.dispatch(r, self.dispatcher, assignee=self._assignee(r, wrong=True), now=at)
            at = self._step(at, (1, 20))
            if at is None:
                return r
            with audit.acting(user=self.handlers[r.assignee_id]):
                r = services.return_wrong_assignment(
                    r, self.handlers[r.assignee_id], reason="不属于本单位职责，请改派", now=at
                )
            at, stage = self._step(at, (0.5, 8)), "handling"
            if at is None:
                return r
        with audit.acting(user=self.dispatcher):
            r = services.dispatch(r, self.dispatcher, assignee=self._assignee(r), now=at)
        return self._work(r, stage, at)

    def _work(self, r, stage, at):
        handler = self.handlers[r.assignee_id]
        if stage == "dispatched" or (at := self._step(at, (1, 30))) is None:
            return r
        with audit.acting(user=handler):
            r = services.accept(r, handler, now=at)
        if stage == "handling":
            return self._maybe_extend_or_flag(r, handler, at)
        late = self.rng.random() < 0.15
        at = self._step(at, (24 * 6, 24 * 9) if late else (2, 60))
        if at is None:
            return r
        with audit.acting(user=handler):
            r = services.reply(r, handler, text="已现场核实并处理，感谢您的反映。", now=at)
        if stage == "replied" or (at := self._step(at, (0.5, 6))) is None:
            return r
        with audit.acting(user=handler):
            r = services.close(r, handler, now=at)
        if stage == "closed" or (at := self._step(at, (20, 60))) is None:
            return r
        result = self.rng.choice(["satisfied"] * 6 + ["basically"] * 3) if stage != "reopened" else None
        with audit.acting(user=self.visitor):
            if stage == "reopened":
                return services.return_visit(r, self.visitor, result="unsatisfied", note="群众反映问题仍未解决", now=at)
            return services.return_visit(r, self.visitor, result=result, now=at)

    def _maybe_extend_or_flag(self, r, handler, at):
        roll = self.rng.random()
        if roll < 0.2 and (t := self._step(at, (2, 20))):
            with audit.acting(user=handler):
                r = services.request_extension(r, handler, days=self.rng.choice([3, 5]), reason="需协调相关单位", now=t)
            if self.rng.random() < 0.6 and (t := self._step(t, (1, 10))):
                with audit.acting(user=self.dispatcher):
                    r = services.grant_extension(r, self.dispatcher, now=t)
        elif roll < 0.5 and r.overdue_at(self.now):
            with audit.acting(user=self.supervisor):
                r = services.flag(
                    r, self.supervisor, note="超期未办结，请加快办理", now=self.now - dt.timedelta(minutes=5)
                )
        return r

    def one(self):
        stage = self.rng.choices([s for s, _ in STAGES], weights=[w for _, w in STAGES])[0]
        with transaction.atomic():
            r = self.advance(self.file(stage), stage)
        self.made.setdefault(r.category.name, []).append(r)
        return r


def build_demo_requests(town_nodes, n=300, seed=1, today=None):
    """Create the demo's categories, request-handling users and `n` requests; returns the
    demo account rows (role, username, password, name, scope) for the accounts it added."""
    builder = _Builder(town_nodes, n, seed, today)
    with transaction.atomic():
        rows = builder.setup()
    for _ in range(n):
        builder.one()
    inbox.tick(builder.now)
    return rows
