"""Vote gates: conditions another app sets on opening the vote on a matter's motion.

A 重大事项 (`Matter.major`) may not be put to the vote before its social-stability risk
assessment (稳评) is filed. The assessment belongs to the civil app, which builds on
consultation; consultation must not import it. So consultation keeps this small registry and
`services.voting.open_motion` — the one place the web page, the API, the demo and the tally
sheet path open a vote — asks every registered gate; an app registers its gate in its
AppConfig.ready(). This was chosen over consultation calling a civil function lazily by name:
the dependency then points one way (civil → consultation), consultation runs and is tested
without civil, and a second condition (an audit, a legality review) is one more `register`.

A gate may also describe itself on the matter page (`panel`), so what it checks is shown
where the vote is prepared — to the committee and to the supervisor alike.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class VoteGate:
    """`refusal(matter)` → the Chinese message why the vote may not open yet, or "" / None;
    `panel(user, matter)` → a dict for the matter page (template, context) or None."""

    key: str
    refusal: Callable
    panel: Callable | None = None


_GATES: dict[str, VoteGate] = {}


def register(gate: VoteGate) -> None:
    """Add (or replace, by key — ready() may run twice in tests) a gate."""
    _GATES[gate.key] = gate


def registered() -> list[VoteGate]:
    return list(_GATES.values())


def refusal(matter) -> str:
    """The first gate's refusal for `matter`, or "" when the vote may open."""
    if matter is None:
        return ""
    for gate in registered():
        message = gate.refusal(matter)
        if message:
            return str(message)
    return ""


def panels(user, matter) -> list[dict]:
    """What the gates show on the matter page for `user` (each {"template", ...context})."""
    out = []
    for gate in registered():
        if gate.panel is not None:
            part = gate.panel(user, matter)
            if part:
                out.append(part)
    return out
