"""Disclosure reminders: affairs quarterly, finances monthly (村委法 Art. 30)."""
import datetime as dt
from io import StringIO

from django.core.management import call_command

from gongzhi.consultation import reminders, services

TZ = dt.timezone(dt.timedelta(hours=8))


def test_add_months_clamps_to_the_month_end():
    assert reminders.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert reminders.add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert reminders.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert reminders.add_months(dt.date(2026, 5, 15), 1) == dt.date(2026, 6, 15)


def test_due_dates_and_overdue(town):
    c1 = town["c1"]
    services.publish(node=c1, kind="finance", title="5月财务", body="…", published_at=dt.datetime(2026, 6, 3, 9, tzinfo=TZ))
    services.publish(node=c1, kind="affairs", title="二季度村务", body="…",
                     published_at=dt.datetime(2026, 4, 10, 9, tzinfo=TZ))
    items = {d.kind: d for d in reminders.due(c1, today=dt.date(2026, 7, 5))}
    assert items["finance"].due_on == dt.date(2026, 7, 3) and items["finance"].overdue
    assert items["finance"].text == "财务公开：上次 2026-06-03，应于 2026-07-03 前公开，已逾期 2 天"
    assert items["affairs"].due_on == dt.date(2026, 7, 10) and not items["affairs"].overdue
    never = {d.kind: d for d in reminders.due(town["c2"], today=dt.date(2026, 7, 5))}
    assert never["affairs"].text == "村（居）务公开：尚未公开过，下次应于 2026-07-05 前公开"


def test_command_lists_overdue_boards(town):
    services.publish(node=town["c1"], kind="finance", title="财务", body="…",
                     published_at=dt.datetime(2020, 1, 1, 9, tzinfo=TZ))
    out = StringIO()
    call_command("disclosure-reminders", stdout=out)
    text = out.getvalue()
    assert "南庄社区（320582100001）财务公开：上次 2020-01-01" in text and "已逾期" in text
