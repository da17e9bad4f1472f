"""Disclosure reminders: affairs quarterly, finances monthly (村委法 Art. 30)."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.consultation import reminders, services

TZ = dt.timezone(dt.timedelta(hours=8))


def test_add_months_clamps_to_the_month_end():
    assert reminders.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert reminders.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert reminders.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert reminders.add_months(dt.date(2026, 5, 15), 1) == dt.date(2026, 6, 15)


def test_due_dates_and_overdue(town):
    c1 = town["c1"]
    services.publish(
        node=c1, kind="finance", title="5月财务", body="…", published_at=dt.datetime(2026, 6, 3, 9, tzinfo=TZ)
    )
    services.publish(
        node=c1, kind="affairs", title="二季度村务", body="…", published_at=dt.datetime(2026, 4, 10, 9, tzinfo=TZ)
    )
    items = {d.kind: d for d in reminders.due(c1, today=dt.date(2026, 7, 5))}
    assert items["finance"].due_on == dt.date(2026, 7, 3) and items["finance"].overdue
    assert items["finance"].text == "财务公开：上次 2026-06-03，应于 2026-07-03 前公开，已逾期 2 天"
    assert items["affairs"].due_on == dt.date(2026, 7, 10) and not items["affairs"].overdue
    never = {d.kind: d for d in reminders.due(town["c2"], today=dt.date(2026, 7, 5))}
    assert never["affairs"].text == "村（居）务公开：尚未公开过，下次应于 2026-07-05 前公开"


def test_command_lists_overdue_boards(town):
    services.publish(
        node=town["c1"], kind="finance", title="财务", body="…", published_at=dt.datetime(2020, 1, 1, 9, tzinfo=TZ)
    )
    out = StringIO()
    call_command("disclosure-reminders", stdout=out)
    text = out.getvalue()
    assert "南庄社区（320582100001）财务公开：上次 2020-01-01" in text and "已逾期" in text


def test_intervals_are_seeded_with_the_statutory_default():
    from gongzhi.consultation.models import DisclosureInterval

    rows = dict(DisclosureInterval.objects.filter(node=None).values_list("kind", "months"))
    assert rows == {"affairs": 3, "finance": 1}


def test_a_changed_default_interval_changes_when_reminders_are_due(town):
    c1 = town["c1"]
    services.publish(
        node=c1, kind="finance", title="5月财务", body="…", published_at=dt.datetime(2026, 6, 3, 9, tzinfo=TZ)
    )
    today = dt.date(2026, 7, 5)
    before = {d.kind: d for d in reminders.due(c1, today=today)}["finance"]
    assert before.due_on == dt.date(2026, 7, 3) and before.overdue

    services.set_interval(kind="finance", months=2, reason="全镇财务往来少，按两个月公开")
    after = {d.kind: d for d in reminders.due(c1, today=today)}["finance"]
    assert after.due_on == dt.date(2026, 8, 3) and not after.overdue


def test_town_and_community_rows_override_the_default_nearest_first(town):
    c1, c2 = town["c1"], town["c2"]
    for node in (c1, c2):
        services.publish(
            node=node, kind="affairs", title="村务", body="…", published_at=dt.datetime(2026, 1, 10, 9, tzinfo=TZ)
        )
    services.set_interval(node=town["t"], kind="affairs", months=2)
    services.set_interval(node=c2, kind="affairs", months=1)
    today = dt.date(2026, 2, 20)
    assert reminders.schedule_for(c1) == {"affairs": 2, "finance": 1}
    assert reminders.schedule_for(c2) == {"affairs": 1, "finance": 1}
    assert {d.kind: d.due_on for d in reminders.due(c1, today=today)}["affairs"] == dt.date(2026, 3, 10)
    assert {d.kind: d.due_on for d in reminders.due(c2, today=today)}["affairs"] == dt.date(2026, 2, 10)


def test_set_interval_is_audited_and_checked(town):
    from django.core.exceptions import ValidationError

    from gongzhi.consultation.models import DisclosureInterval
    from gongzhi.core.models import AuditEntry

    row = services.set_interval(kind="affairs", months=2, reason="试行")
    assert row.node is None and DisclosureInterval.objects.filter(node=None, kind="affairs").count() == 1
    entry = AuditEntry.objects.filter(content_type__model="disclosureinterval", object_id=str(row.pk)).latest("id")
    assert entry.before == {"months": 3} and entry.after == {"months": 2} and entry.reason == "试行"
    for bad in (0, 13):
        with pytest.raises(ValidationError) as exc:
            services.set_interval(kind="affairs", months=bad)
        assert "months" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.set_interval(node=town["g11"], kind="affairs", months=1)
    assert exc.value.message_dict == {"node": ["提醒间隔按街道/乡镇或社区/村设置"]}


def test_without_any_row_the_statutory_minimum_still_applies(town):
    from gongzhi.consultation.models import DisclosureInterval

    DisclosureInterval.objects.all().delete()
    assert reminders.schedule_for(town["c1"]) == {"affairs": 3, "finance": 1}


def test_administrator_edits_an_interval_in_the_admin(client, town):
    from django.urls import reverse

    from gongzhi.consultation.models import DisclosureInterval
    from gongzhi.core.models import AuditEntry
    from tests import factories

    client.force_login(factories.make_user("admin", town["d"]))
    row = DisclosureInterval.objects.get(node=None, kind="finance")
    url = reverse("admin:consultation_disclosureinterval_change", args=[row.pk])
    assert client.get(url).status_code == 200
    resp = client.post(url, {"kind": "finance", "months": "3", "basis": row.basis, "node": ""})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert DisclosureInterval.objects.get(pk=row.pk).months == 3
    assert AuditEntry.objects.filter(
        content_type__model="disclosureinterval", object_id=str(row.pk), after={"months": 3}
    ).exists()


def test_every_board_is_read_in_two_queries(town, django_assert_num_queries):
    """The staff board overview lists every community of a town: two queries in all, not two
    per community, and the same answers as one board at a time."""
    services.publish(
        node=town["c1"], kind="finance", title="5月财务", body="…", published_at=dt.datetime(2026, 6, 3, 9, tzinfo=TZ)
    )
    services.set_interval(kind="affairs", months=1, node=town["c2"], reason="本村按月公开村务")
    nodes = [town["c1"], town["c2"]]
    today = dt.date(2026, 7, 5)
    with django_assert_num_queries(2):
        many = reminders.due_many(nodes, today=today)
    assert many == {n.pk: reminders.due(n, today=today) for n in nodes}
    assert {d.kind: d.due_on for d in many[town["c2"].pk]} == {"affairs": today, "finance": today}
    assert {d.kind: d.due_on for d in many[town["c1"].pk]}["finance"] == dt.date(2026, 7, 3)


def test_board_overview_queries_do_not_grow_with_communities(client, town):
    from django.urls import reverse

    from gongzhi.territory import services as territory
    from tests.factories import make_user

    official = make_user("town", town["t"])
    client.force_login(official)
    url = reverse("consultation:board_index")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(3, 8):
        territory.create_node(parent=town["t"], kind="community", code=f"320582100{i:03d}", name=f"第{i}社区")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200 and "第7社区" in page.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
