"""Story 2 (停车难, seed 000) through the services: a resident raises 乱停车, 43 neighbours
co-sign, the committee sends it to the 议事会, the first meeting misses quorum (出席 19/30) and
says why, the second passes a plan, the decision goes on the public board, tasks carry it
out, the result is published and residents rate it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.consultation import chain, selectors, services
from gongzhi.consultation.models import Matter
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import adults, born, open_meeting_with


def test_parking_in_nanzhuang(town, council):
    body, members = council
    c1 = town["c1"]
    liu = born(town["g11"], dt.date(1948, 3, 3), name="刘大爷")
    resident_user = factories.make_user("resident", c1, resident=liu)
    chen = factories.make_user("community", c1, username="chenshuji")

    with audit.acting(user=resident_user, source="web"):
        matter = services.raise_matter(
            node=c1,
            title="乱停车",
            description="小区道路两侧乱停车，消防通道被堵",
            support_threshold=40,
            threshold_reason="本社区议事会章程：40 人联署",
        )
    for neighbour in adults(town["g12"], 43):
        services.co_sign(matter, neighbour)
    matter.refresh_from_db()
    assert (matter.status, matter.support_count) == ("pending", 43)

    with audit.acting(user=chen, source="web"):
        matter = services.triage(matter, "council", body=body, reason="涉及全体居民，交议事会协商")

    # The June meetings are loaded as history (their notice time is in the past; through the
    # web the notice time is the system's clock).
    first = open_meeting_with(body, members, 19, date=dt.date(2026, 6, 15))
    with audit.acting(user=chen, source="web"):
        services.add_agenda_item(first, matter=matter)
        motion = services.propose_motion(first, text="实行错时停车方案", agenda_item=first.agenda.get())
        with pytest.raises(ValidationError) as err:
            services.open_motion(motion)
        assert err.value.messages == ["出席 19/30，需 ≥ 20，未达法定人数，不能表决"]
        assert services.meeting_quorum(first).text == "出席 19/30，需 ≥ 20，未达法定人数"
        services.close_meeting(first, minutes="出席 19/30，未达法定人数，改期再议")

    second = open_meeting_with(body, members, 24, date=dt.date(2026, 6, 29))
    with audit.acting(user=chen, source="web"):
        item = services.add_agenda_item(second, matter=matter)
        motion = services.open_motion(services.propose_motion(second, text="实行错时停车方案", agenda_item=item))
    for i, member in enumerate(members[:24]):
        services.cast_ballot(motion, member, "for" if i < 18 else "against" if i < 22 else "abstain")
    with audit.acting(user=chen, source="web"):
        result = services.close_motion(motion)
        assert result.passed and result.text == "出席 24/30，需 ≥ 20，达到法定人数；赞成 18/24，需 > 12，通过"
        decision = services.record_decision(motion)
        entry = services.publish_decision(decision)
        assert Matter.objects.get(pk=matter.pk).status == "decided"

        task = services.add_task(
            Matter.objects.get(pk=matter.pk), title="划设错时停车位", owner_name="物业公司", decision=decision
        )
        services.update_progress(task, 100, note="已划线 120 个车位")
        services.publish_result(Matter.objects.get(pk=matter.pk), body="已划设错时停车位 120 个")
    done = Matter.objects.get(pk=matter.pk)
    assert done.status == "done"
    services.rate(done, liu, 5, comment="通道通了")

    board = list(selectors.public_board(c1))
    assert [e.kind for e in board] == ["result", "decision"] and board[1] == entry
    assert "赞成 18/24，需 > 12，通过" in entry.body
    assert chain.verify(c1).ok
    assert selectors.rating_summary(done)["average"] == "5.0"
    # Every step is in the change log, with who did it.
    statuses = list(
        AuditEntry.objects.filter(content_type__model="matter", object_id=str(matter.pk), after__has_key="status")
        .order_by("id")
        .values_list("after__status", flat=True)
    )
    assert statuses == ["collecting", "pending", "in_council", "decided", "carrying_out", "done"]
    assert AuditEntry.objects.filter(content_type__model="matter", actor=chen).exists()
