"""API of consultation (协商议事) under /api/v1/consultation: bodies, matters with their
co-signatures, triage, tasks and ratings, meetings with their sign-in, motions with ballots and
tallies, decisions, and the public disclosure boards.

The same rules as the web pages: every read goes through the scoped selectors (a record out of
scope answers 404, a role that reads none of a kind 403), every write through a service. A write
that changes an existing record (triage, task progress, cancelling a meeting) needs If-Match
(428 without, 412 when stale); adding a row under a record — a co-signature, a sign-in, a
ballot, a rating — is a create, like POST /residents, and needs none: many residents co-sign or
vote at once, and each would otherwise make the others' versions stale.

Secret ballots: nothing here returns how anyone voted on a secret motion. Its tallies are
totals, given once the vote is closed; the roll (for callers who may see voters) names who voted,
never how.
"""

from ninja import Router

router = Router(tags=["协商议事"])

from . import board, matters, meetings, motions  # noqa: E402,F401 (register their routes on the router)
