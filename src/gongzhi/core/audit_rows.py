"""The one builder of audit rows, for every writer: `core.services.record` (the ORM) and the
raw fast paths (the resident import, the ballot) that insert with `cursor.executemany`.

Everything an audit row holds is decided here once — the actor and its name, the channel,
the client address and the correlation id from the audit context; the reason bounded; the
record's text cut to its column; the time; before/after encoded by the model's JSON field —
so a row written by SQL is the row the ORM would have written (a test compares them column
by column). `entry(...)` gives an unsaved AuditEntry; `sql()` gives the column list, the
INSERT statement and the parameter tuples, built from the same values.

The fast path of a raw writer: the columns that are the same for a whole run (who, through
which channel, which action on which kind of record) come first and are prepared once as a
`head` tuple; each row appends only its own values (`params`). A writer that already holds
before/after as JSON text (the import encodes each snapshot while cleaning) passes
`encoded=True` and the text is stored as given.
"""

from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from . import audit
from .limits import AUDIT_REASON_MAX_LENGTH
from .models import AuditEntry

SYSTEM_NAME = "系统"
REPR_MAX = AuditEntry._meta.get_field("object_repr").max_length


def actor_name(user, source: str | None = None, system: str = SYSTEM_NAME) -> str:
    """The name a log shows for who acted: the user's full name (else the username); without
    a user the channel ("cli", "import" …); for the system itself `system` ("系统")."""
    if user is not None:
        return user.get_full_name() or user.username
    return source if source and source != "system" else system


def bounded_reason(reason) -> str:
    """The reason as an audit entry keeps it: at most AUDIT_REASON_MAX_LENGTH characters (cut
    with "…") and without NUL characters, whichever writer it came from. Input channels refuse
    a longer reason of their own (core.limits.REASON_MAX_LENGTH); this bounds every row."""
    if not reason:
        return ""
    reason = str(reason).replace("\x00", "")  # str(): it may be a lazy translation
    if len(reason) > AUDIT_REASON_MAX_LENGTH:
        reason = reason[: AUDIT_REASON_MAX_LENGTH - 1] + "…"
    return reason


def context_values(ctx=None) -> dict:
    """The columns the audit context decides: actor, its name, channel, address, correlation id."""
    ctx = ctx or audit.current()
    user = ctx.user if getattr(ctx.user, "is_authenticated", False) else None
    return {
        "actor": user,
        "actor_name": actor_name(user, ctx.source),
        "source": ctx.source,
        "ip": ctx.ip,
        "correlation_id": ctx.correlation_id,
    }


def _content_type_id(model):
    return ContentType.objects.get_for_model(model).pk if model is not None else None


def entry(
    action,
    *,
    model=None,
    object_id="",
    object_repr="",
    before=None,
    after=None,
    reason="",
    node_path="",
    at=None,
    ctx=None,
) -> AuditEntry:
    """An unsaved AuditEntry as the current actor (`core.services.build_entry` works out the
    record's id, text and path from the object and calls this)."""
    return AuditEntry(
        at=at or timezone.now(),
        action=action,
        content_type_id=_content_type_id(model),
        object_id=str(object_id),
        object_repr=str(object_repr)[:REPR_MAX],
        before=before,
        after=after,
        reason=bounded_reason(reason),
        node_path=node_path or "",
        **context_values(ctx),
    )


# Columns each row brings (in this order, after the head); the others are the head's.
ROW_COLUMNS = ("object_id", "object_repr", "before", "after", "reason", "node_path", "at")


class AuditSql:
    """Column list, INSERT statement and parameter tuples of audit rows for raw writers, on the
    default connection. Columns come from the model's metadata: a field another change adds to
    AuditEntry is written with its default."""

    def __init__(self):
        fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
        self.head_fields = [f for f in fields if f.attname not in ROW_COLUMNS]
        self.fields = self.head_fields + [AuditEntry._meta.get_field(a) for a in ROW_COLUMNS]
        self.columns = [f.column for f in self.fields]
        qn = connection.ops.quote_name
        pg = connection.vendor == "postgresql"
        # JSON text (pre-encoded by a fast path) needs the cast on PostgreSQL; a value the
        # field prepared is jsonb already, which the cast leaves alone.
        marks = ["%s::jsonb" if pg and f.get_internal_type() == "JSONField" else "%s" for f in self.fields]
        self.sql = (
            f"INSERT INTO {qn(AuditEntry._meta.db_table)} ({', '.join(qn(c) for c in self.columns)}) "
            f"VALUES ({', '.join(marks)})"
        )
        self._json = AuditEntry._meta.get_field("after")
        self._at = AuditEntry._meta.get_field("at")

    def head(self, action, model=None, ctx=None) -> tuple:
        """The leading parameters, the same for every row of `action` on `model` by the
        current actor: prepare once per run (or per call), then pass to `params`."""
        values = context_values(ctx)
        user = values.pop("actor")
        values.update(actor_id=user.pk if user else None, action=action, content_type_id=_content_type_id(model))
        return tuple(
            f.get_db_prep_save(values[f.attname] if f.attname in values else f.get_default(), connection)
            for f in self.head_fields
        )

    def stamp(self, at=None):
        """A time as the `at` column stores it (now, unless given); prepare once per batch."""
        return self._at.get_db_prep_save(at or timezone.now(), connection)

    def params(self, head, object_id, object_repr, node_path, at, *, before=None, after=None, reason="", encoded=False):
        """One row's parameter tuple: `head` + this row's values. `at` as `stamp` made it;
        with `encoded`, before/after are JSON text already (None stays NULL)."""
        if not encoded:
            prep = self._json.get_db_prep_save
            before = prep(before, connection) if before is not None else None
            after = prep(after, connection) if after is not None else None
        return head + (
            str(object_id),
            object_repr[:REPR_MAX],
            before,
            after,
            bounded_reason(reason),
            node_path or "",
            at,
        )

    def insert(self, params: list[tuple]):
        """Insert ready parameter tuples (one executemany)."""
        if not params:
            return
        with connection.cursor() as cursor:
            if len(params) == 1:  # a ballot's one row: a plain execute costs less
                cursor.execute(self.sql, params[0])
            else:
                cursor.executemany(self.sql, params)


@cache
def _sql_for(vendor: str) -> AuditSql:
    return AuditSql()


def sql() -> AuditSql:
    """The raw writers' statement and row builder for the current database."""
    return _sql_for(connection.vendor)
