"""Sign-in, motions, ballots and tallies through the services: each bad vote is refused with a
clear message and nothing recorded; secret ballots cannot be linked to voters."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.consultation import services
from gongzhi.consultation.models import Attendance, BallotCast, BallotChoice, Motion
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry

from .conftest import MEETING_DAY, adults, born, open_meeting_with


def _counts():
    return (BallotCast.objects.count(), BallotChoice.objects.count(), AuditEntry.objects.count())


def _refused(fn, *args, match):
    before = _counts()
    with pytest.raises(ValidationError) as err:
        fn(*args)
    assert match in " ".join(err.value.messages), err.value.messages
    assert _counts() == before, "a refused ballot must leave nothing behind"


@pytest.fixture
def vote(council):
    """The council met with 20 of 30 present; an open motion."""
    body, people = council
    meeting = open_meeting_with(body, people, 20)
    motion = services.open_motion(services.propose_motion(meeting, text="同意实行错时停车方案"))
    return meeting, motion, people


def test_open_motion_needs_quorum_and_says_why(council):
    body, people = council
    meeting = open_meeting_with(body, people, 19)
    motion = services.propose_motion(meeting, text="同意实行错时停车方案")
    with pytest.raises(ValidationError) as err:
        services.open_motion(motion)
    assert err.value.messages == ["出席 19/30，需 ≥ 20，未达法定人数，不能表决"]
    assert Motion.objects.get(pk=motion.pk).status == "draft"


def test_ballot_on_motion_of_meeting_without_quorum_is_refused(council):
    body, people = council
    meeting = open_meeting_with(body, people, 19)
    motion = services.propose_motion(meeting, text="同意实行错时停车方案")
    _refused(services.cast_ballot, motion, people[0], "for", match="出席 19/30，需 ≥ 20，未达法定人数")


def test_voting_twice_is_refused(vote):
    _, motion, people = vote
    services.cast_ballot(motion, people[0], "for")
    _refused(services.cast_ballot, motion, people[0], "against", match="不能重复投票")


def test_voting_after_close_is_refused(vote):
    _, motion, people = vote
    services.cast_ballot(motion, people[0], "for")
    services.close_motion(motion)
    _refused(services.cast_ballot, motion, people[1], "for", match="表决已结束")


def test_voting_as_non_member_is_refused(vote, town):
    _, motion, _ = vote
    outsider = born(town["g12"], dt.date(1970, 1, 1), name="王五")
    _refused(services.cast_ballot, motion, outsider, "for", match="不是南庄社区议事会的组成人员")


def test_voting_before_sign_in_is_refused(vote):
    _, motion, people = vote
    _refused(services.cast_ballot, motion, people[25], "for", match="尚未签到")


def test_a_wrong_choice_is_refused(vote):
    _, motion, people = vote
    _refused(services.cast_ballot, motion, people[0], "maybe", match="赞成、反对或弃权")


def test_sign_in_twice_and_outsider_sign_in_are_refused(vote, town):
    meeting, _, people = vote
    with pytest.raises(ValidationError, match="已签到"):
        services.sign_in(meeting, people[0])
    with pytest.raises(ValidationError, match="组成人员"):
        services.sign_in(meeting, born(town["g21"], dt.date(1970, 1, 1)))
    assert Attendance.objects.filter(meeting=meeting).count() == 20


def test_tally_ten_for_ten_against_fails_and_is_kept(vote):
    meeting, motion, people = vote
    for p in people[:10]:
        services.cast_ballot(motion, p, "for")
    for p in people[10:20]:
        services.cast_ballot(motion, p, "against")
    result = services.close_motion(motion)
    assert not result.passed
    assert result.text == "出席 20/30，需 ≥ 20，达到法定人数；赞成 10/20，需 > 10，未通过"
    motion.refresh_from_db()
    assert (motion.ayes, motion.nays, motion.abstentions, motion.passed) == (10, 10, 0, False)
    assert motion.result_text == result.text


def test_tally_passes_with_eleven(vote):
    _, motion, people = vote
    for i, p in enumerate(people[:20]):
        services.cast_ballot(motion, p, "for" if i < 11 else "abstain")
    assert services.close_motion(motion).passed


def test_secret_ballot_is_not_linkable(council):
    body, people = council
    meeting = open_meeting_with(body, people, 24)
    motion = services.open_motion(services.propose_motion(meeting, text="推选停车管理小组", secret=True))
    marks = ["for", "against", "abstain"]
    for i, p in enumerate(people[:24]):
        services.cast_ballot(motion, p, marks[i % 3])
    # Who voted is recorded; how is not, on the cast row or in the log.
    casts = BallotCast.objects.filter(motion=motion)
    assert casts.count() == 24 and set(casts.values_list("choice", flat=True)) == {""}
    logged = AuditEntry.objects.filter(content_type__model="ballotcast")
    assert logged.count() == 24 and {e.after["choice"] for e in logged} == {"（无记名）"}
    # The choice rows name nobody and carry no time.
    names = {f.name for f in BallotChoice._meta.get_fields()}
    assert names == {"id", "motion", "choice"}
    choices = list(BallotChoice.objects.filter(motion=motion).values_list("choice", flat=True))
    assert sorted(choices) == sorted(marks[i % 3] for i in range(24))
    # Their order (random keys) does not follow the order ballots were cast.
    assert choices != [marks[i % 3] for i in range(24)]


def test_open_ballot_shows_each_choice(vote):
    _, motion, people = vote
    services.cast_ballot(motion, people[0], "against")
    assert BallotCast.objects.get(motion=motion).choice == "against"


def test_members_count_at_the_meeting_date(council):
    body, people = council
    # One member's term ended before the meeting: 29 serve, so 20 is still two thirds.
    services.end_membership(body.members.get(resident=people[29]), until=MEETING_DAY - dt.timedelta(days=1))
    meeting = open_meeting_with(body, people, 20)
    assert meeting.eligible_count == 29
    with pytest.raises(ValidationError, match="不是南庄社区议事会的组成人员"):
        services.sign_in(meeting, people[29])


def test_household_representatives_vote_once_per_household(town):
    village = town["c2"]
    body = services.create_body(node=village, kind="villager_assembly", name="梁丰村民会议", constituency="households")
    heads = adults(town["g21"], 3)
    spouse = born(town["g21"], dt.date(1982, 1, 1), household=heads[0].household, relation="spouse", name="妻")
    meeting = services.schedule_meeting(
        body=body, title="村民会议", date=MEETING_DAY, notice_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    )
    # 村民会议: the notice period counts from the notice on the board.
    meeting = services.publish_meeting_notice(meeting, published_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC))
    services.sign_in(meeting, heads[0])
    with pytest.raises(ValidationError, match="该户已由 居民0 签到"):
        services.sign_in(meeting, spouse)
    services.sign_in(meeting, heads[1])
    meeting = services.open_meeting(meeting)
    assert meeting.eligible_count == 3 and services.meeting_quorum(meeting).met  # 2 of 3 households = 2/3
    motion = services.open_motion(services.propose_motion(meeting, text="集体资产分红方案"))
    _refused(services.cast_ballot, motion, spouse, "for", match="该户已由 居民0 签到")
    services.cast_ballot(motion, heads[0], "for")
    services.cast_ballot(motion, heads[1], "for")
    assert services.close_motion(motion).passed


def test_short_notice_for_villager_assembly_is_refused(town):
    body = services.create_body(node=town["c2"], kind="villager_assembly", name="梁丰村民会议", constituency="adults")
    with pytest.raises(ValidationError) as err:
        services.schedule_meeting(
            body=body,
            title="村民会议",
            date=dt.date(2026, 6, 11),
            notice_at=dt.datetime(2026, 6, 2, 1, tzinfo=dt.UTC),
        )
    assert "提前 9 天通知，需 ≥ 10 天，通知期限不足" in err.value.messages[0]
    assert services.schedule_meeting(
        body=body,
        title="村民会议",
        date=dt.date(2026, 6, 11),
        notice_at=dt.datetime(2026, 6, 1, 1, tzinfo=dt.UTC),
    )


def test_cast_ballot_query_count_is_constant(vote, django_assert_num_queries):
    """The hot path: one lookup, the cast row, the choice row, the audit entry (plus the
    savepoint pair the test transaction turns BEGIN/COMMIT into). Refusals may cost more."""
    _, motion, people = vote
    services.cast_ballot(motion, people[0], "for")  # warms the content-type cache
    for p in people[1:4]:
        with django_assert_num_queries(6):
            services.cast_ballot(motion, p, "against")


def test_ballot_choices_are_stored_in_key_order_on_sqlite():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite storage detail")
    with connection.cursor() as cur:
        cur.execute("SELECT sql FROM sqlite_master WHERE name = 'consultation_ballotchoice'")
        assert cur.fetchone()[0].rstrip().endswith("WITHOUT ROWID")
        cur.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'consultation_ballotchoice' AND type = 'index'")
        assert "ballotchoice_tally" in {row[0] for row in cur.fetchall()}


@pytest.mark.parametrize(
    "voters,ayes,passed,text",
    [
        (6, 4, True, "投票 6/10，需 > 5，投票人数达到法定要求；赞成 4/6，需 > 3，通过"),
        (5, 5, False, "投票 5/10，需 > 5，投票人数未达法定要求；表决无效（赞成 5/5）"),
        (6, 3, False, "投票 6/10，需 > 5，投票人数达到法定要求；赞成 3/6，需 > 3，未通过"),
    ],
)
def test_recall_is_judged_on_turnout_and_ballots_cast(town, voters, ayes, passed, text):
    from gongzhi.consultation.models import BodyRule

    body = services.create_body(node=town["c2"], kind="villager_assembly", name="梁丰村民会议", constituency="adults")
    villagers = adults(town["g21"], 10)
    meeting = services.schedule_meeting(
        body=body, title="罢免表决", date=MEETING_DAY, notice_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC)
    )
    meeting = services.publish_meeting_notice(meeting, published_at=dt.datetime(2026, 6, 1, 8, tzinfo=dt.UTC))
    for p in villagers[:8]:
        services.sign_in(meeting, p)
    meeting = services.open_meeting(meeting)
    motion = services.propose_motion(
        meeting, text="罢免村委会委员某某", secret=True, rule=BodyRule.objects.get(code="recall")
    )
    motion = services.open_motion(motion)  # turnout, not attendance, is what counts
    for i, p in enumerate(villagers[:voters]):
        services.cast_ballot(motion, p, "for" if i < ayes else "against")
    result = services.close_motion(motion)
    assert (result.passed, result.text) == (passed, text)


def test_ballot_audit_fast_path_writes_what_core_record_writes(town):
    """The ballot's audit entry bypasses the ORM insert; it must store exactly the row
    core.services.record stores (all columns but id and time, compared as stored)."""
    from django.db import connection

    from gongzhi.consultation.services import ballot_sql
    from gongzhi.core import services as core
    from tests import factories

    user = factories.make_user("community", town["c1"])
    after = {"motion": 7, "voter": 9, "choice": "（无记名）"}
    for who in ({"user": user, "source": "web", "ip": "10.0.0.8"}, {"source": "cli"}, {"source": "system"}):
        with audit.acting(**who):
            core.record("create", BallotCast(id=41), after=after, node_path="1/2/3/", object_repr="张三 投票")
            ballot_sql.insert_audit("create", BallotCast, 41, after=after, node_path="1/2/3/", object_repr="张三 投票")
        columns = [f.column for f in AuditEntry._meta.concrete_fields if f.column not in ("id", "at")]
        with connection.cursor() as cur:
            cur.execute(f"SELECT {', '.join(columns)} FROM core_auditentry ORDER BY id DESC LIMIT 2")
            fast, orm = cur.fetchall()
        assert fast == orm, who
