"""The SQL of the ballot hot path, written once against the models' tables.

A 村民会议 records thousands of ballots in a row; through the ORM each ballot spent most of
its time compiling queries, not running them (profiled: ~1.9 ms per ballot, of which the
database took a few per cent). Here one joined SELECT reads the motion's state and the voter's
sign-in, and one `INSERT … ON CONFLICT DO NOTHING RETURNING` writes the cast row — the
unique (motion, attendance) constraint turns a second vote into "no row returned" without a
savepoint. Plain SQL supported by SQLite ≥ 3.35 and PostgreSQL alike.

The ballot's audit entry is written by `insert_audit`, which stores exactly the row
`core.services.record` would (both build it with `core.audit_rows`, the one builder of audit
rows: same columns, same values, each prepared by its model field, so the JSON text and
timestamps are identical) without the ORM's per-call insert compilation: measured, that was 40 % of a ballot (430 → 260 µs of CPU). The
same trade as the resident import's fast path (docs/decisions/0001-import-fast-path.md); a
test writes one entry each way and compares every column.
"""

from functools import cache

from django.db import connection

from gongzhi.core import audit_rows

from ..models import Attendance, BallotCast, BallotChoice, Meeting, Motion


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _sql() -> dict[str, str]:
    motion, meeting = _q(Motion._meta.db_table), _q(Meeting._meta.db_table)
    attendance, cast, choice = (
        _q(Attendance._meta.db_table),
        _q(BallotCast._meta.db_table),
        _q(BallotChoice._meta.db_table),
    )
    node = _q(Meeting._meta.get_field("node").related_model._meta.db_table)
    return {
        "lookup": (
            f"SELECT m.status, m.secret, m.meeting_id, n.path, a.id FROM {motion} m "
            f"JOIN {meeting} g ON g.id = m.meeting_id JOIN {node} n ON n.id = g.node_id "
            f"LEFT JOIN {attendance} a ON a.meeting_id = m.meeting_id AND a.resident_id = %s WHERE m.id = %s"
            # PostgreSQL: hold the motion row shared until commit, so close_motion (FOR UPDATE)
            # waits for ballots in flight and later ballots see it closed. SQLite needs no
            # lock clause: BEGIN IMMEDIATE already serialises writers.
            + (" FOR SHARE OF m" if connection.vendor == "postgresql" else "")
        ),
        "cast": (
            f"INSERT INTO {cast} (motion_id, attendance_id, choice, at) VALUES (%s, %s, %s, %s) "
            f"ON CONFLICT DO NOTHING RETURNING id"
        ),
        "choice": f"INSERT INTO {choice} (id, motion_id, choice) VALUES (%s, %s, %s)",
    }


def lookup(motion_id: int, resident_id: int):
    """(status, secret, meeting id, territory path, attendance id or None), or None when the
    motion does not exist."""
    with connection.cursor() as cur:
        cur.execute(_sql()["lookup"], [resident_id, motion_id])
        return cur.fetchone()


def insert_cast(motion_id: int, attendance_id: int, choice: str, at) -> int | None:
    """The new cast row's id, or None if this voter already voted on the motion."""
    field = BallotCast._meta.get_field("at")
    with connection.cursor() as cur:
        cur.execute(_sql()["cast"], [motion_id, attendance_id, choice, field.get_db_prep_value(at, connection)])
        row = cur.fetchone()
    return row[0] if row else None


def insert_choice(motion_id: int, choice: str, key):
    field = BallotChoice._meta.get_field("id")
    with connection.cursor() as cur:
        cur.execute(_sql()["choice"], [field.get_db_prep_value(key, connection), motion_id, choice])


def insert_audit(action, model, object_id, *, after, object_repr, node_path, before=None, reason=""):
    """Write the audit entry `core.services.record(action, obj, after=…, object_repr=…,
    node_path=…)` would write for an object of `model` with primary key `object_id`: the row
    comes from core's one builder of audit rows, only the insert skips the ORM."""
    rows = audit_rows.sql()
    rows.insert(
        [
            rows.params(
                rows.head(action, model),
                object_id,
                object_repr,
                node_path,
                rows.stamp(),
                before=before,
                after=after,
                reason=reason,
            )
        ]
    )
