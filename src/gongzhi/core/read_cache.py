"""Repeated reads answered from memory while the database provably has not changed.

A list endpoint decorated with `kept_answers` keeps its last answers per database connection.
An answer is reused only when the database is in exactly the state it was read from, judged
by SQLite's own change counters rather than by anything the application remembers to bump:

- `PRAGMA data_version` changes on this connection as soon as any *other* connection — another
  thread, another gunicorn worker, `gongzhi shell`, an import, a migration — has committed;
- the connection's `total_changes` counts every row *this* connection has written.

So a write through any path, including raw SQL and tools outside the application, makes every
kept answer stale before the next request can see it; nothing has to be invalidated by hand
(docs/decisions/0006-api-read-cache.md). The key is the caller, the full path with its query
string and the language, so an answer is only ever reused for the same user asking the same
question. Authentication still runs on every request (a deleted or expired token is refused
at once), and an answer whose computation wrote anything — an unmasking audit entry, a token's
last-use stamp — is never kept, so every audited read is audited every time.

Only on SQLite, only in autocommit (inside a transaction uncommitted rows could be rolled back
under a kept answer), and only answers of status 200, up to GONGZHI_READ_CACHE_BYTES per
connection, least recently used let go first (0 turns it off). PostgreSQL has no cheap
counter of this kind; there every request is read afresh.
"""

import threading
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language

_local = threading.local()


def budget() -> int:
    """Bytes of answers kept per connection (GONGZHI_READ_CACHE_BYTES); 0 turns keeping off."""
    return settings.GONGZHI_READ_CACHE_BYTES


def stamp():
    """The current connection's change counters, or None where answers can't be kept."""
    if connection.vendor != "sqlite" or connection.in_atomic_block or budget() <= 0:
        return None
    connection.ensure_connection()
    raw = connection.connection
    # PRAGMA data_version opens a read transaction, which is when SQLite notices another
    # connection's commit; total_changes counts this connection's own rows written.
    return raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes


class _Answers:
    """The answers kept on one connection, all read at one state of the database (`stamp`),
    least recently used first."""

    def __init__(self, raw, at):
        self.raw, self.stamp, self.bodies, self.size = raw, at, OrderedDict(), 0

    def get(self, key):
        found = self.bodies.get(key)
        if found is not None:
            self.bodies.move_to_end(key)
        return found

    def put(self, key, body: bytes, content_type: str, limit: int):
        if len(body) > limit:
            return
        old = self.bodies.pop(key, None)
        self.size += len(body) - (len(old[0]) if old else 0)
        self.bodies[key] = (body, content_type)
        while self.size > limit:
            _key, (dropped, _type) = self.bodies.popitem(last=False)
            self.size -= len(dropped)


def _answers(at) -> _Answers:
    """This thread's answers if they were read at the database state `at` on the connection
    the thread has now, else a new empty set. The counters only move forward, so once they
    have moved everything kept before is stale for good and is let go at once. A new connection's
    counters start again from the beginning: the set keeps the connection object it belongs to
    (closed or not) so that a new one is never mistaken for it because it was given the same
    address (sqlite3 connections take no weak references)."""
    raw = connection.connection
    answers = getattr(_local, "answers", None)
    if answers is None or answers.raw is not raw or answers.stamp != at:
        answers = _local.answers = _Answers(raw, at)
    return answers


def clear():
    """Forget this thread's kept answers."""
    _local.answers = None


def kept_answers(view):
    """Decorate a GET endpoint whose answer depends only on the caller, the request's path and
    query string, the language and the database (not the clock); see the module docstring."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        before = stamp()
        if before is None:
            return view(request, *args, **kwargs)
        key = (getattr(request.auth, "pk", None), request.get_full_path(), get_language())
        found = _answers(before).get(key)
        if found is not None:
            body, content_type = found
            return HttpResponse(body, content_type=content_type)
        response = view(request, *args, **kwargs)
        # Kept only if reading it wrote nothing and nobody else committed meanwhile.
        if (
            isinstance(response, HttpResponse)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
            and stamp() == before
        ):
            _answers(before).put(key, response.content, response["Content-Type"], budget())
        return response

    return wrapper
