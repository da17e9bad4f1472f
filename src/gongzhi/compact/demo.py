"""Demo data of the compact (政社互动) for the demo town, all made through the services:
last year's and this year's published lists (seed 002: 依法履职事项 and 协助政府工作事项 with
their departments and funding standards), a signed 协助管理协议 for every community, tasks in
every state, gate refusals, red cards (story 5: the 统计站's census work, refused as off-list and
pushed through by a town override; a community's own card pending, one upheld, one dismissed)
and one closed, published mid-year evaluation round with scores in both directions.

    build_demo_compact(nodes, seed=…)   # nodes: the DemoTown's {"town": Node, "c001": Node, …}

Deterministic for a seed and a day (due dates count from today). Returns the demo accounts it
added, as (role, username, password, display name, scope) rows for `gongzhi demo` to print.
"""

import contextlib
import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import Organisation, User
from gongzhi.core import audit

from . import services as svc
from .choices import Direction

PASSWORD = "gongzhi-demo-2026"  # the same as accounts.demo.DEMO_PASSWORD
DUTIES = [
    ("召集居民会议（村民会议），报告工作", "《城市居民委员会组织法》第四条"),
    ("办理本居住地区居民的公共事务和公益事业", "《城市居民委员会组织法》第三条"),
    ("调解民间纠纷", "《人民调解法》第七条"),
    ("协助维护社会治安", "《城市居民委员会组织法》第三条"),
    ("向人民政府反映居民的意见、要求和提出建议", "《城市居民委员会组织法》第三条"),
    ("宣传宪法、法律、法规和国家的政策", "《城市居民委员会组织法》第三条"),
    ("开展便民利民的社区服务活动", "《城市居民委员会组织法》第四条"),
    ("管理本居民委员会的财产，实行居务公开", "《城市居民委员会组织法》第四条"),
    ("开展精神文明建设和移风易俗活动", "《城市居民委员会组织法》第三条"),
    ("组织居民制定和修订居民公约", "《城市居民委员会组织法》第十五条"),
]
# title, department, work, evidence, funding mode, amount, unit
ITEMS = [
    (
        "协助做好社会救助对象入户核查",
        "民政办",
        "对低保、特困申请家庭入户核查收入和财产状况",
        "入户核查表、照片",
        "per_unit",
        "20",
        "户",
    ),
    ("协助开展高龄津贴申报初审", "民政办", "受理高龄津贴申报，初审材料后报民政办", "申报汇总表", "per_unit", "5", "人"),
    (
        "协助做好流动人口信息采集",
        "公安派出所",
        "登记新来的租住人员，更新出租房屋信息",
        "采集登记表",
        "per_unit",
        "2",
        "人",
    ),
    (
        "协助开展城乡居民医保参保登记",
        "人社所",
        "宣传参保政策，组织未参保居民登记",
        "参保登记汇总表",
        "per_item",
        "800",
        "",
    ),
    ("协助开展就业困难人员摸底", "人社所", "摸清就业困难人员底数和就业意愿", "摸底台账", "per_item", "600", ""),
    ("协助开展法治宣传", "司法所", "组织“法律进社区”宣传活动", "活动照片、签到表", "per_item", "500", ""),
    ("协助开展社区矫正对象日常走访", "司法所", "配合司法所走访社区矫正对象", "走访记录", "per_item", "1000", ""),
    ("协助开展爱国卫生运动和健康宣教", "卫健办", "组织环境卫生整治和健康讲座", "活动记录、照片", "per_item", "600", ""),
    ("协助通知组织老年人健康体检", "卫健办", "通知 65 岁以上老人按时体检", "通知签收表", "per_unit", "3", "人"),
    (
        "协助开展文明城市创建环境整治",
        "城市管理局",
        "组织志愿者清理楼道堆物、整治小区环境",
        "整治前后照片",
        "per_item",
        "1500",
        "",
    ),
    (
        "协助开展征兵宣传",
        "人武部",
        "张贴征兵公告，上门宣传，动员适龄青年登记",
        "宣传照片、登记名单",
        "per_item",
        "500",
        "",
    ),
]
LAST_YEAR_ITEMS = [ITEMS[0], ITEMS[3], ITEMS[7]]
# title, basis, keywords: a few of the 27 行政权力事项 Taicang took away from the committees (seed 002).
RESTRICTED_POWERS = [
    ("行政处罚", "《行政处罚法》第十七条：由具有行政处罚权的行政机关实施", "罚款、处罚决定"),
    ("行政许可审批", "《行政许可法》第二十二条：由具有行政许可权的行政机关实施", "许可审批、审批发证"),
    ("行政强制", "《行政强制法》第十七条：不得委托", "强制拆除、查封、扣押"),
    ("出具无法核实的证明", "国务院办公厅关于做好证明事项清理工作的通知", "出具证明、开具证明"),
]
EXTRA_DEPARTMENTS = ["统计站", "人武部"]
# username, display, organisation (department users of the compact; some exist from the requests demo)
DEPARTMENT_USERS = [
    ("minzheng", "吴主任", "民政办"),
    ("paichusuo", "周警官", "公安派出所"),
    ("renshe", "郑科员", "人社所"),
    ("sifa", "冯所长", "司法所"),
    ("weijian", "何医生", "卫健办"),
    ("zhaoduizhang", "赵队长", "城市管理局"),
    ("tongji", "蒋站长", "统计站"),
    ("renwu", "韩部长", "人武部"),
]
COMMUNITY_USERS = {
    "c001": ("chenshuji", "陈书记"),
    "c002": ("liangfeng", "梁主任"),
    "c003": ("dongcheng", "东主任"),
    "c201": ("henghe", "何村主任"),
}
# The story of the year, per task: (item index, title, final state). States: assigned, accepted,
# done, sent_back, confirmed, carded (community card, pending), upheld, dismissed.
TASKS = [
    (0, "第一季度低保对象入户核查", "confirmed"),
    (0, "第三季度低保对象入户核查", "done"),
    (1, "高龄津贴年度申报", "confirmed"),
    (2, "出租房屋流动人口集中登记", "accepted"),
    (3, "城乡居民医保集中参保登记", "confirmed"),
    (4, "就业困难人员摸底调查", "sent_back"),
    (5, "“宪法宣传周”法治宣传活动", "confirmed"),
    (6, "社区矫正对象节前走访", "assigned"),
    (7, "夏季爱国卫生运动", "confirmed"),
    (8, "老年人健康体检通知", "done"),
    (9, "文明城市创建：小区楼道堆物清理", "accepted"),
    (9, "文明城市创建：沿街商铺“门前三包”检查", "carded"),
    (10, "秋季征兵宣传", "confirmed"),
]


def _user(username, display, role, node, org=None, made=None):
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    user = accounts.create_user(
        username=username, password=PASSWORD, display_name=display, role=role, node=node, organisation=org
    )
    if made is not None:
        made.append((role, username, PASSWORD, display, node.name))
    return user


def _as(user, service, *args, **kwargs):
    """Call a compact service as `user`: the demo runs outside any channel, so it opens the
    audit context of each actor itself (core.audit.acting, docs/decisions/0010)."""
    with audit.acting(user=user):
        return service(user, *args, **kwargs)


class _Builder:
    def __init__(self, nodes, seed, today):
        self.rng = random.Random(seed)
        self.town = nodes["town"]
        self.communities = [nodes[k] for k in sorted(nodes) if k.startswith("c") and k[1:].isdigit()]
        self.today = today or timezone.localdate()
        self.year = self.today.year
        self.made = []
        self.official = User.objects.get(username="likezhang")

    def people(self):
        for name in EXTRA_DEPARTMENTS:
            Organisation.objects.get_or_create(name=name, defaults={"kind": "department", "node": self.town})
        self.depts = {o.name: o for o in Organisation.objects.filter(kind="department")}
        self.dept_users = {
            org: _user(u, d, "department", self.town, self.depts[org], self.made)
            for u, d, org in DEPARTMENT_USERS
            if org in self.depts
        }
        self.staff = {}
        for key, (username, display) in COMMUNITY_USERS.items():
            node = next((c for c in self.communities if c.code.endswith(key[1:])), None)
            if node is not None:
                self.staff[node.pk] = _user(username, display, "community", node, made=self.made)

    def lists(self):
        o = self.official
        for year, items in ((self.year - 1, LAST_YEAR_ITEMS), (self.year, ITEMS)):
            duty = _as(
                o,
                svc.create_duty_list,
                node=self.town,
                year=year,
                title=f"{self.town.name}{year}年自治组织依法履职事项清单",
                items=DUTIES,
            )
            _as(o, svc.publish_list, duty)
            lst = _as(
                o,
                svc.create_assistance_list,
                node=self.town,
                year=year,
                title=f"{self.town.name}{year}年协助政府工作事项清单",
                items=[self._item(*spec) for spec in items],
            )
            _as(o, svc.publish_list, lst)
        self.items = list(lst.items.order_by("seq"))
        restricted = _as(
            o,
            svc.create_restriction_list,
            node=self.town,
            year=self.year,
            title=f"{self.town.name}{self.year}年行政权力限制事项清单",
            items=RESTRICTED_POWERS,
        )
        _as(o, svc.publish_list, restricted)

    def _item(self, title, dept, work, evidence, mode, amount, unit):
        return {
            "title": title,
            "department": self.depts[dept],
            "work": work,
            "evidence": evidence,
            "funding_mode": mode,
            "amount": Decimal(amount),
            "unit": unit,
        }

    def agreements(self):
        """Every community signs; the village leaves out the migrant registration (it has few tenants)."""
        self.agreements_by = {}
        for i, c in enumerate(self.communities):
            agr = _as(
                self.official,
                svc.create_agreement,
                town=self.town,
                community=c,
                year=self.year,
                base_amount=Decimal(60000 + 10000 * self.rng.randrange(0, 4)),
                payment_terms="年中、年末评估后各拨付一次；验收合格的协助事项按协议经费标准计付。",
            )
            for item in self.items:
                if c.kind == "village" and item.title == ITEMS[2][0]:
                    continue
                _as(self.official, svc.add_agreement_item, agr, item=item)
            _as(self.official, svc.sign_agreement, agr, signed_on=dt.date(self.year, 1, 10 + i))
            self.agreements_by[c.pk] = agr

    def tasks(self):
        due = self.today + dt.timedelta(days=self.rng.randrange(10, 40))
        for idx, title, state in TASKS:
            item = self.items[idx]
            targets = [c for c in self.communities if item.pk in self._covered(c)]
            dept_user = self.dept_users[item.department.name]
            a = _as(
                dept_user,
                svc.assign_task,
                department=item.department,
                item=item,
                communities=targets,
                title=title,
                due_date=due,
                today=self.today,
            )
            for task in a.community_tasks.select_related("community", "agreement_item", "department"):
                self._advance(task, state, dept_user)

    def _covered(self, community):
        return set(self.agreements_by[community.pk].items.values_list("item_id", flat=True))

    def _advance(self, task, state, dept_user):
        staff = self.staff[task.community_id]
        if state == "assigned":
            return
        if state == "carded":
            _as(staff, svc.raise_red_card, task, reason="沿街商铺检查属城管执法职责，不在协助事项范围内")
            return
        task = _as(staff, svc.accept, task)
        if state == "accepted":
            return
        units = self.rng.randrange(8, 60) if task.agreement_item.unit else None
        task = _as(
            staff,
            svc.complete,
            task,
            units_done=units,
            hours_spent=Decimal(self.rng.randrange(4, 40)),
            note="已按要求完成，台账已归档",
        )
        if state == "done":
            return
        if state == "sent_back":
            _as(dept_user, svc.send_back, task, reason="摸底台账缺少联系方式一栏，请补充后重新提交")
            return
        _as(dept_user, svc.confirm, task)

    def refusals_and_cards(self):
        """Story 5 and the other cards: off-list census work refused, then overridden; a village
        asked for work outside its agreement; the town's rulings on community cards."""
        stats, stats_user = self.depts["统计站"], self.dept_users["统计站"]
        census = {
            "item": None,
            "communities": self.communities,
            "title": "人口普查入户登记及底册整理",
            "due_date": self.today + dt.timedelta(days=20),
            "today": self.today,
        }
        with contextlib.suppress(svc.GateRefused):
            _as(stats_user, svc.assign_task, department=stats, **census)
        _as(
            self.official,
            svc.override_assignment,
            department=stats,
            reason="普查时点临近，经镇分管领导同意一次性派发",
            funding=Decimal("800.00"),
            **census,
        )
        village = [c for c in self.communities if c.kind == "village"]
        if village:
            with contextlib.suppress(svc.GateRefused):
                _as(
                    self.dept_users["公安派出所"],
                    svc.assign_task,
                    department=self.depts["公安派出所"],
                    item=self.items[2],
                    communities=village,
                    title="村内出租房屋流动人口登记",
                    due_date=census["due_date"],
                    today=self.today,
                )
        # A power the committees may not be given: refused at the gate whatever the item.
        with contextlib.suppress(svc.GateRefused):
            _as(
                self.dept_users["城市管理局"],
                svc.assign_task,
                department=self.depts["城市管理局"],
                item=self.items[9],
                communities=self.communities[:1],
                title="违法搭建强制拆除前入户告知",
                due_date=census["due_date"],
                today=self.today,
            )
        cards = self._community_cards()
        self._rule(cards)

    def _community_cards(self):
        """Two more tasks the communities refuse with a red card, for the town to rule on."""
        dept, user = self.depts["城市管理局"], self.dept_users["城市管理局"]
        a = _as(
            user,
            svc.assign_task,
            department=dept,
            item=self.items[9],
            communities=self.communities[:2],
            title="文明城市创建：占道经营劝离",
            due_date=self.today + dt.timedelta(days=15),
            today=self.today,
        )
        out = []
        for task in a.community_tasks.select_related("community"):
            out.append(
                _as(
                    self.staff[task.community_id],
                    svc.raise_red_card,
                    task,
                    reason="占道经营劝离属执法事项，社区无执法权",
                )
            )
        return out

    def _rule(self, cards):
        if cards:
            _as(self.official, svc.rule_red_card, cards[0], upheld=True, reason="占道经营管理属城管执法，不得下派社区")
        if len(cards) > 1:
            _as(
                self.official,
                svc.rule_red_card,
                cards[1],
                upheld=False,
                reason="仅为文明劝导宣传，属协助事项范围，由城管队员执法",
            )

    def evaluation(self):
        """The mid-year round: the town scores every community; each community scores the
        departments that assigned it work; closed and published."""
        rnd = _as(self.official, svc.open_round, town=self.town, year=self.year, kind="mid_year")
        to_comm = list(rnd.criteria.filter(direction=Direction.TO_COMMUNITY).order_by("seq"))
        to_dept = list(rnd.criteria.filter(direction=Direction.TO_DEPARTMENT).order_by("seq"))
        for c in self.communities:
            for crit in to_comm:
                _as(
                    self.official,
                    svc.score,
                    round=rnd,
                    criterion=crit,
                    evaluator=self.town,
                    subject=c,
                    value=self.rng.randrange(72, 98),
                )
            worked = Organisation.objects.filter(pk__in=self._departments_of(c)).order_by("name")
            for dept in worked:
                for crit in to_dept:
                    low = dept.name == "统计站" and crit.name.startswith("尊重自治")
                    _as(
                        self.staff[c.pk],
                        svc.score,
                        round=rnd,
                        criterion=crit,
                        evaluator=c,
                        subject=dept,
                        value=self.rng.randrange(20, 45) if low else self.rng.randrange(70, 97),
                    )
        _as(self.official, svc.close_round, rnd)
        rnd.refresh_from_db()
        _as(self.official, svc.publish_results, rnd)

    def _departments_of(self, community):
        from .models import CommunityTask

        return CommunityTask.objects.filter(community=community, year=self.year).values("department_id")


def build_demo_compact(nodes, seed=1, today=None):
    """Build the compact demo on the demo town `nodes`; return the demo accounts it added."""
    b = _Builder(nodes, seed, today)
    with transaction.atomic():
        b.people()
        b.lists()
        b.agreements()
        b.tasks()
        b.refusals_and_cards()
        b.evaluation()
    return b.made
