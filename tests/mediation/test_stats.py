"""人民调解统计: figures against hand-built disputes (Beijing month and year boundaries, the
success rate, the escalation figure, the average days), the page and the annual-report export
per role (in and out of scope), the export's audit entry and a query-count guard."""

import datetime as dt
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.core.workdays import CN_TZ
from gongzhi.mediation import stats, summary
from gongzhi.mediation.choices import CASE_TYPE
from gongzhi.mediation.choices import Status as S
from gongzhi.mediation.models import Dispute, Report

pytestmark = pytest.mark.django_db
_seq = itertools.count(1)
UTC = dt.UTC


def cn(*args):
    return dt.datetime(*args, tzinfo=CN_TZ)


def dispute(w, *, received, node=None, category="neighbour", outcome="", outcome_at=None, status=None, **kw):
    """A dispute row as the services would leave it, built directly (a statistics fixture: the
    figures depend only on these columns), with its statistics row as the services write it
    (summary.keep, the one function every service calls)."""
    status = status or {"": S.MEDIATING, "written": S.EFFECTIVE, "oral": S.ORAL, "failed": S.FAILED}[outcome]
    made = Dispute.objects.create(
        tracking_number=f"TJST{next(_seq):06d}",
        case_type=CASE_TYPE,
        status=status,
        node=node or w.town["g11"],
        committee=w.committee,
        category=category,
        source="application",
        title="统计用纠纷",
        facts="事实",
        received_at=received,
        time_limit=received.date() + dt.timedelta(days=30),
        outcome=outcome,
        outcome_at=outcome_at,
        **kw,
    )
    summary.keep(made)
    return made


@pytest.fixture
def cases(world):
    """2026 in Beijing time, around the year's and the months' edges:

    a  neighbour, g11, received 2026-01-01 00:30 (2025-12-31 16:30 UTC), written 2026-01-11 00:30,
       agreed 1,000, amount 5,000, risk 高                                  → in 2026, Q1, Jan
    b  neighbour, g12, received 2025-12-31 23:59 (15:59 UTC), oral 2026-01-01 00:00 (16:00 UTC),
       agreed 200, reported to the police                                   → received 2025, oral 2026
    c  marriage, g21, received 2026-03-31 23:30 (15:30 UTC), failed 2026-04-01 00:10 → Mar / Apr
    d  labour, town itself, received 2026-06-01, ended (refused) 2026-06-03
    e  homestead, g11, received 2026-12-31 23:59:59, still mediating        → in 2026
    f  homestead, g11, received 2027-01-01 00:00 (2026-12-31 16:00 UTC)     → not in 2026
    g  contract, g22, received 2026-02-01, written 2026-02-21, agreed 300, risk 高, confirmed
       by the court 2026-03-05
    """
    w = world
    t = w.town
    made = {
        "a": dispute(
            w,
            received=dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC),
            outcome="written",
            outcome_at=cn(2026, 1, 11, 0, 30),
            agreed_amount=Decimal("1000.00"),
            amount=Decimal("5000.00"),
            risk="high",
        ),
        "b": dispute(
            w,
            node=t["g12"],
            received=dt.datetime(2025, 12, 31, 15, 59, tzinfo=UTC),
            outcome="oral",
            outcome_at=dt.datetime(2025, 12, 31, 16, 0, tzinfo=UTC),
            agreed_amount=Decimal("200.00"),
        ),
        "c": dispute(
            w,
            node=t["g21"],
            category="marriage",
            received=dt.datetime(2026, 3, 31, 15, 30, tzinfo=UTC),
            outcome="failed",
            outcome_at=cn(2026, 4, 1, 0, 10),
        ),
        "d": dispute(
            w,
            node=t["t"],
            category="labour",
            received=cn(2026, 6, 1, 10),
            status=S.TERMINATED,
            closed_at=cn(2026, 6, 3, 10),
        ),
        "e": dispute(w, category="homestead", received=cn(2026, 12, 31, 23, 59, 59)),
        "f": dispute(w, category="homestead", received=dt.datetime(2026, 12, 31, 16, 0, tzinfo=UTC)),
        "g": dispute(
            w,
            node=t["g22"],
            category="contract",
            received=cn(2026, 2, 1, 9),
            outcome="written",
            outcome_at=cn(2026, 2, 21, 9),
            agreed_amount=Decimal("300.00"),
            risk="high",
            court_result="confirmed",
            court_decided_on=dt.date(2026, 3, 5),
        ),
    }
    Report.objects.create(dispute=made["b"], at=cn(2026, 1, 1, 8), to="派出所", content="双方扬言动手")
    return made


def test_year_figures(world, cases):
    data = stats.tables(world.users.town, stats.Period.year(2026))
    total = data["total"]
    assert total.received == 5  # a, c, d, e, g (b is 2025, f is 2027)
    assert (total.written, total.oral, total.failed, total.ended) == (2, 1, 1, 1)  # a+g, b, c, d
    assert total.mediated == 4 and total.settled == 3 and total.concluded == 5
    assert total.success_rate == 0.75  # 3 settled ÷ 4 mediated; the refusal is not mediated
    assert total.agreed_amount == Decimal("1500.00") and total.amount == Decimal("5000.00")
    assert total.prevented == 3  # a (高), g (高), b (reported)
    assert total.reported == 1 and total.confirmed == 1
    # a: 10 days; b: 1 minute; c: 40 minutes; g: 20 days → 30.0 days / 4
    assert total.avg_days == 7.5
    cats = {r.key: r for r in data["categories"]}
    assert [r.key for r in data["categories"]][:3] == ["marriage", "neighbour", "homestead"]  # the national list
    assert len(cats) == 16 and cats["medical"].received == 0 and cats["medical"].success_rate is None
    assert (cats["neighbour"].received, cats["neighbour"].settled) == (1, 2)
    assert (cats["homestead"].received, cats["homestead"].concluded) == (1, 0)
    areas = {r.name: r for r in data["areas"]}
    assert set(areas) == {"南庄社区", "梁丰社区", "杨舍镇"}
    assert (areas["南庄社区"].received, areas["南庄社区"].settled) == (2, 2)  # a, e; a, b
    assert (areas["梁丰社区"].received, areas["梁丰社区"].mediated) == (2, 2)  # c, g
    assert areas["杨舍镇"].ended == 1


def test_month_and_quarter_edges_in_beijing_time(world, cases):
    town = world.users.town
    jan = stats.tables(town, stats.Period.month(2026, 1))["total"]
    assert (jan.received, jan.written, jan.oral) == (1, 1, 1)  # a received; a written, b oral
    march = stats.tables(town, stats.Period.month(2026, 3))["total"]
    assert (march.received, march.failed, march.confirmed) == (1, 0, 1)  # c in March, failed in April
    april = stats.tables(town, stats.Period.month(2026, 4))["total"]
    assert (april.received, april.failed, april.success_rate) == (0, 1, 0.0)
    q1 = stats.tables(town, stats.Period.quarter(2026, 1))["total"]
    assert (q1.received, q1.settled, q1.failed) == (3, 3, 0)
    y2025 = stats.tables(town, stats.Period.year(2025))["total"]
    assert (y2025.received, y2025.concluded) == (1, 0)
    y2027 = stats.tables(town, stats.Period.year(2027))["total"]
    assert y2027.received == 1
    one_day = stats.tables(town, stats.Period(dt.date(2026, 12, 31), dt.date(2026, 12, 31)))["total"]
    assert one_day.received == 1  # e, not f
    months = stats.by_month(town, stats.Period.year(2026))
    assert [m.name for m in months][:2] == ["2026-01", "2026-02"] and len(months) == 12
    by = {m.name: m for m in months}
    assert (by["2026-01"].received, by["2026-01"].settled) == (1, 2)
    assert (by["2026-03"].received, by["2026-04"].failed, by["2026-12"].received) == (1, 1, 1)
    assert sum(m.received for m in months) == 5


def test_scope_community_sees_only_its_own(world, cases):
    own = stats.tables(world.users.community, stats.Period.year(2026))
    assert own["total"].received == 2 and [r.name for r in own["areas"]] == ["南庄社区"]
    other = stats.tables(world.users.community2, stats.Period.year(2026))
    assert other["total"].received == 2 and [r.name for r in other["areas"]] == ["梁丰社区"]
    assert stats.tables(world.users.director, stats.Period.year(2026))["total"].received == 2


def _get(client, user, **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("mediation:stats"), params)


@pytest.mark.parametrize(
    "role,page,export",
    [
        ("town", 200, 200),
        ("community", 200, 200),
        ("director", 200, 200),
        ("mediator", 403, 403),
        ("zhou", 403, 403),
        ("grid", 403, 403),
        ("department", 403, 403),
        ("supervisor", 403, 403),
        ("resident", 403, 403),
        ("dispatcher", 403, 403),
    ],
)
def test_permission_matrix(client, world, cases, role, page, export):
    user = getattr(world.users, role)
    assert _get(client, user, year=2026).status_code == page
    assert _get(client, user, year=2026, export="xlsx").status_code == export


def test_anonymous_redirected(client, world):
    assert _get(client, None).status_code == 302


def test_page_shows_the_scoped_figures(client, world, cases):
    page = _get(client, world.users.community2, kind="year", year=2026)
    assert page.status_code == 200
    assert "梁丰社区" in page.text and "南庄社区" not in page.text
    assert "50.0%" in page.text  # g settled, c failed
    page = _get(client, world.users.town, kind="range", since="2026-12-31", until="2026-12-30")
    assert "结束日期不能早于开始日期" in page.text  # the current year is shown instead


def test_annual_report_export(client, world, cases):
    response = _get(client, world.users.town, kind="year", year=2026, export="xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "人民调解工作统计年报表"
    heads = [c.value for c in ws[3]]
    assert heads[:4] == ["纠纷类型", "行次", "受理纠纷（件）", "调解纠纷（件）"]
    total = dict(zip(heads, [c.value for c in ws[4]]))
    assert total["纠纷类型"] == "合计" and total["受理纠纷（件）"] == 5 and total["调解成功（件）"] == 3
    assert total["调解成功率（%）"] == 75 and total["协议涉及金额（元）"] == 1500
    assert total["防止民转刑、群体性事件（件）"] == 3 and total["平均调结天数（日）"] == 7.5
    rows = {ws.cell(r, 1).value: r for r in range(5, 21)}
    assert len(rows) == 16 and ws.cell(rows["婚姻家庭"], 2).value == 2
    entry = AuditEntry.objects.filter(action="export", object_repr__startswith="人民调解统计").get()
    assert entry.after["rows"] == 16 and entry.actor_id == world.users.town.pk


def test_query_count_does_not_grow_with_cases(client, world, django_assert_max_num_queries):
    client.force_login(world.users.town)
    for i in range(3):
        dispute(world, received=cn(2026, 5, 1 + i), outcome="written", outcome_at=cn(2026, 5, 10))
    with django_assert_max_num_queries(12) as few:
        assert _get(client, None, year=2026).status_code == 200
    nodes = [world.town[k] for k in ("g11", "g12", "g21", "g22", "t")]
    for i in range(30):
        dispute(
            world, node=nodes[i % 5], category=["labour", "other", "traffic"][i % 3], received=cn(2026, 1 + i % 12, 3)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert _get(client, None, year=2026).status_code == 200


def test_archived_cases_keep_counting_by_what_ended_them(world, cases):
    """Archiving replaces 已结案/终止 with 已归档; the figures read the outcome and dates."""
    before = stats.tables(world.users.town, stats.Period.year(2026))["total"]
    Dispute.objects.filter(pk__in=[cases["a"].pk, cases["d"].pk]).update(status=S.ARCHIVED)
    after = stats.tables(world.users.town, stats.Period.year(2026))["total"]
    assert (after.written, after.ended, after.received) == (before.written, before.ended, before.received)
    assert after.ended == 1


def _naive(disputes, reported, period):
    """The definitions of stats.py applied dispute by dispute in Python."""
    start, end = period.start, period.end
    rows: dict = {}
    months = {mo.first: stats.StatRow(key=mo.first, name="") for mo in stats.months_of(period)}

    def month_of(at):
        return next((k for k, mo in zip(months, stats.months_of(period)) if mo.start <= at < mo.end), None)

    for d in disputes:
        r = rows.setdefault(d.category, stats.StatRow(key=d.category, name=""))
        got = d.received_at is not None and start <= d.received_at < end
        concluded = d.outcome_at is not None and start <= d.outcome_at < end
        settled = concluded and d.outcome in ("written", "oral")
        r.received += got
        r.amount += (d.amount or 0) if got else 0
        if concluded and d.outcome:
            setattr(r, d.outcome, getattr(r, d.outcome) + 1)
            r.days_sum += (d.outcome_at - d.received_at).total_seconds() / 86400
        r.ended += not d.outcome and d.closed_at is not None and start <= d.closed_at < end
        r.prevented += settled and (d.risk == "high" or d.pk in reported)
        r.reported += settled and d.pk in reported
        r.agreed_amount += (d.agreed_amount or 0) if settled else 0
        r.confirmed += d.court_result == "confirmed" and period.first <= d.court_decided_on <= period.last
        if got:
            months[month_of(d.received_at)].received += 1
        if concluded and d.outcome:
            m = months[month_of(d.outcome_at)]
            setattr(m, d.outcome, getattr(m, d.outcome) + 1)
    return rows, list(months.values())


FIGURES = ("received", "written", "oral", "failed", "ended", "prevented", "reported", "confirmed")


def test_aggregates_equal_a_naive_recount(world):
    """Generated disputes around month and year edges, in every outcome, with and without
    reports: the one-pass aggregates (stats.tables, stats.by_month) equal a recount in Python
    for the town and for a community, for a year, a quarter and a month."""
    import random

    rng = random.Random(7)
    t = world.town
    nodes = [t["g11"], t["g12"], t["g21"], t["g22"], t["c1"], t["t"]]
    cats = ["neighbour", "marriage", "homestead", "labour"]
    edges = [cn(2026, 1, 1), cn(2026, 4, 1), cn(2026, 7, 1), cn(2027, 1, 1), cn(2026, 3, 1)]
    made = []
    for _i in range(120):
        received = rng.choice(edges) + dt.timedelta(minutes=rng.randint(-3000, 3000))
        outcome = rng.choice(["", "", "written", "oral", "failed"])
        outcome_at = received + dt.timedelta(hours=rng.randint(1, 900)) if outcome else None
        closed = received + dt.timedelta(days=2) if not outcome and rng.random() < 0.4 else None
        confirmed = outcome == "written" and rng.random() < 0.3
        made.append(
            dispute(
                world,
                node=rng.choice(nodes),
                category=rng.choice(cats),
                received=received,
                outcome=outcome,
                outcome_at=outcome_at,
                status=S.TERMINATED if closed else None,
                closed_at=closed,
                risk=rng.choice(["low", "medium", "high"]),
                amount=Decimal(rng.randint(0, 900)) if rng.random() < 0.5 else None,
                agreed_amount=Decimal(rng.randint(0, 500)) if outcome in ("written", "oral") else None,
                court_result="confirmed" if confirmed else "",
                court_decided_on=outcome_at.date() + dt.timedelta(days=rng.randint(0, 40)) if confirmed else None,
            )
        )
    reported = {d.pk for d in made if rng.random() < 0.2}
    for pk in reported:
        Report.objects.create(dispute_id=pk, at=cn(2026, 6, 1), to="派出所", content="可能激化")
    c1_path = t["c1"].path
    for user, mine in (
        (world.users.town, made),
        (world.users.community, [d for d in made if d.node.path.startswith(c1_path)]),
    ):
        for period in (stats.Period.year(2026), stats.Period.quarter(2026, 1), stats.Period.month(2026, 4)):
            expected, months = _naive(mine, reported, period)
            got = stats.tables(user, period)
            for row in got["categories"]:
                want = expected.get(row.key, stats.StatRow(key=row.key, name=""))
                assert [getattr(row, f) for f in FIGURES] == [getattr(want, f) for f in FIGURES], (row.key, period)
                assert row.amount == want.amount and row.agreed_amount == want.agreed_amount
                assert row.days_sum == pytest.approx(want.days_sum)
            total = got["total"]
            assert [getattr(total, f) for f in FIGURES] == [
                sum(getattr(r, f) for r in expected.values()) for f in FIGURES
            ]
            assert sum(r.received for r in got["areas"]) == total.received
            by_month = stats.by_month(user, period)
            assert [(m.received, m.written, m.oral, m.failed) for m in by_month] == [
                (m.received, m.written, m.oral, m.failed) for m in months
            ]
