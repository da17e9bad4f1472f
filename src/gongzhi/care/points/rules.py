"""The arithmetic of points, in integers and in one place: what an entry is worth, whether a
rule's cap per period still allows it, and the ranking order. No database here, so the rules
are tested on their own (tests/care/points/test_rules.py)."""

from dataclasses import dataclass

# Bounds that keep every sum well inside a 32-bit integer column: a rule is worth at most
# ±1,000 points, an entry counts at most 100 occurrences, a cap is at most 1,000,000.
MAX_POINTS = 1000
MAX_QUANTITY = 100
MAX_TOTAL = 1_000_000


def entry_points(rule_points: int, quantity: int = 1) -> int:
    """An entry's points: the rule's value (negative for a deduction) times the occurrences."""
    if rule_points == 0:
        raise ValueError("a rule is worth a non-zero number of points")
    if not 1 <= quantity <= MAX_QUANTITY:
        raise ValueError("quantity out of range")
    return rule_points * quantity


@dataclass(frozen=True)
class CapCheck:
    """The outcome of checking a rule's cap: `have` is what the participant already holds by
    the rule (approved and pending), `room` what is left before the cap (None: no cap)."""

    allowed: bool
    have: int
    room: int | None


def check_cap(cap: int | None, have: int, add: int) -> CapCheck:
    """May `add` points more be counted by a rule capped at `cap` (in absolute value: a cap
    of 20 on a −5 rule allows deductions down to −20) for a participant holding `have`?
    Entries of a rule share its sign, so the absolute sum is what the cap bounds. An entry
    that would pass the cap is refused whole rather than cut, so nobody is credited less than
    what the record says without a decision."""
    if cap is None:
        return CapCheck(True, have, None)
    room = cap - abs(have)
    return CapCheck(abs(have + add) <= cap, have, max(room, 0))


def ranked(rows, key="total"):
    """Rows sorted by `key` (highest first) with a `rank` each: equal totals share a rank and
    the next rank skips (1, 2, 2, 4 — the competition ranking notices use). Ties keep the
    order they came in (by name), so the list is stable."""
    rows = sorted(rows, key=lambda r: -r[key])
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        if row[key] != previous:
            rank, previous = position, row[key]
        row["rank"] = rank
    return rows
