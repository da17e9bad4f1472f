"""API of the compact (政社互动) under /api/v1/compact: the duty and assistance lists, the
agreements, the departments' assignments and each community's task, red cards, and the
evaluation rounds.

The same rules as the web pages: reads through the compact's selectors (a community sees its
own, the town its communities', a department its own department's — out of scope is 404, a role
that reads none of a kind gets 403), and every write through the service of that action, which
checks the transition table and the actor (403 with the table's reason). Every write changes an
existing record, so every write needs If-Match (428 without, 412 when stale).
"""

from ninja import Router

router = Router(tags=["政社互动"])

from . import lists, redcards, rounds, tasks  # noqa: E402,F401 (register their routes on the router)
