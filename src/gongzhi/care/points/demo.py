"""The demo town's points (a step of `gongzhi demo`, declared in care/apps.py): one scheme of
each kind with published rules — 南庄社区's party-member points, the town's volunteer points
and 新市民积分 (seed 001: schooling, insurance, hukou), 南庄社区's 文明家庭 points — entries
entered by 王芳 and approved by 陈书记 (four-eyes), some still pending, and one appeal open
against a rejection. Idempotent: a town that has schemes already is left as it is."""

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core import audit
from gongzhi.registry.models import Resident

from . import services
from .choices import SchemeKind
from .models import PointsScheme

SCHEMES = [
    # kind, node key, name, rules: (code, description, points, evidence required, cap)
    (
        SchemeKind.PARTY,
        "c001",
        "南庄社区党员积分管理",
        [
            ("A1", "参加支部组织生活、主题党日", 2, False, 24),
            ("A2", "参加志愿服务、结对帮扶", 3, True, 30),
            ("A3", "“一户十联”联系走访群众", 1, False, 20),
            ("B1", "无故缺席组织生活", -5, False, 20),
        ],
    ),
    (
        SchemeKind.VOLUNTEER,
        "town",
        "杨舍镇志愿服务积分",
        [("V1", "志愿服务每小时", 1, True, 200), ("V2", "获评优秀志愿者", 20, True, 20)],
    ),
    (
        SchemeKind.MIGRANT,
        "town",
        "杨舍镇新市民积分",
        [
            ("M1", "连续缴纳社会保险每满一年", 10, True, 50),
            ("M2", "子女在本地就读", 5, True, 10),
            ("M3", "在本地有合法稳定住所", 10, True, 10),
            ("M4", "违反计划生育或治安管理处罚", -20, True, 40),
        ],
    ),
    (
        SchemeKind.OTHER,
        "c001",
        "南庄社区文明家庭积分",
        [("W1", "垃圾分类示范户", 5, False, 20), ("W2", "楼道乱堆放被劝导", -2, False, 10)],
    ),
]


def build_points(town):
    """The four schemes, their published rules, entries and one open appeal."""
    if PointsScheme.objects.exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=("likezhang", "chenshuji", "wangfang", "liudaye"))}
    if len(users) < 3:
        return
    made = {}
    for kind, key, name, rules in SCHEMES:
        owner = users["likezhang"] if key == "town" else users["chenshuji"]
        with audit.acting(user=owner, source="system"):
            scheme = services.create_scheme(
                owner, node=town.nodes[key], name=name, kind=kind, year=timezone.localdate().year, period="全年"
            )
            for order, (code, text, points, evidence, cap) in enumerate(rules):
                services.add_rule(
                    owner,
                    scheme,
                    code=code,
                    description=text,
                    points=points,
                    evidence_required=evidence,
                    cap=cap,
                    order=order,
                )
            services.publish_scheme(owner, scheme, reason="演示数据")
        made[kind] = scheme
    _entries(town, made, users)


def _day(n: int) -> dt.date:
    today = timezone.localdate()
    return max(today.replace(month=1, day=1), today - dt.timedelta(days=7 * n + 3))


def _entries(town, made, users):
    """王芳 enters for people of her grid, 陈书记 approves most; a few stay pending; a
    deduction of 刘大爷's is approved and he appeals it from his own account (open: 李科长
    may decide it, being neither who filed it nor who approved the deduction)."""
    wangfang, chen = users["wangfang"], users["chenshuji"]
    liudaye = users.get("liudaye")
    membership = wangfang.memberships.select_related("node").first()
    grid = membership.node if membership is not None else None
    people = Resident.objects.filter(has_sensitive=False, status="active")
    if grid is not None:
        people = people.filter(grid=grid)
    else:
        people = people.filter(grid__path__startswith=town.nodes["c001"].path)
    people = list(people.order_by("id")[:6])
    if not people:
        return
    liu = liudaye.resident if liudaye is not None and liudaye.resident_id else None
    plan = [
        # scheme kind, rule code, person index, quantity, approve?
        (SchemeKind.PARTY, "A1", 0, 3, True),
        (SchemeKind.PARTY, "A2", 1, 2, True),
        (SchemeKind.PARTY, "A3", 2, 4, True),
        (SchemeKind.PARTY, "A1", 1, 2, None),
        (SchemeKind.VOLUNTEER, "V1", 3, 8, True),
        (SchemeKind.VOLUNTEER, "V1", 0, 6, True),
        (SchemeKind.VOLUNTEER, "V1", 4, 4, None),
        (SchemeKind.MIGRANT, "M1", 5, 2, True),
        (SchemeKind.MIGRANT, "M2", 5, 1, None),
        (SchemeKind.OTHER, "W1", 2, 1, True),
        (SchemeKind.OTHER, "W2", "liu", 1, False),
    ]
    for n, (kind, code, who, quantity, approve) in enumerate(plan):
        scheme = made[kind]
        person = (liu or people[3 % len(people)]) if who == "liu" else people[who % len(people)]
        rule = scheme.rules.get(code=code)
        with audit.acting(user=wangfang, source="system"):
            entry = services.enter_points(
                wangfang,
                scheme=scheme,
                rule=rule,
                resident=person,
                occurred_on=_day(n),
                quantity=quantity,
                evidence="签到表、活动照片存社区" if rule.evidence_required else "",
            )
        if approve is True:
            with audit.acting(user=chen, source="system"):
                services.approve_entry(chen, entry, reason="材料齐全")
        elif approve is False:  # a deduction approved, then appealed
            with audit.acting(user=chen, source="system"):
                services.approve_entry(chen, entry, reason="有劝导记录")
            by = liudaye if liu is not None else wangfang
            with audit.acting(user=by, source="system"):
                services.file_appeal(by, entry, reason="楼道里的杂物不是我家堆放的，请复核")
