"""Legal thresholds of meetings, evaluated with integer arithmetic only.

The parameters (fractions, "more than" or "at least", notice days, article numbers) are data:
`BodyRule` rows seeded by migration 0002 and editable in the admin, so a corrected article or
a revised threshold needs no release. This module only evaluates them, and says how in a
sentence in the active language ("出席 19/30，需 ≥ 20，未达法定人数").

"More than half" is strict: count * 2 > total. "At least two thirds" is count * 3 >= total * 2.
Never floats: 2/3 of 30 in floating point is 19.999…, which is how 19 people become a quorum.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .choices import BodyKind, Constituency, ThresholdBasis


@dataclass(frozen=True)
class RuleResult:
    """One threshold checked: whether it is met, and the arithmetic as a sentence."""

    met: bool
    count: int
    total: int
    needed: int  # the smallest count that meets the threshold
    text: str

    def __bool__(self):
        return self.met


@dataclass(frozen=True)
class TallyResult:
    """A vote judged under a rule: the quorum, the passing threshold, and the outcome."""

    quorum: RuleResult
    passage: RuleResult
    ayes: int
    nays: int
    abstentions: int

    @property
    def met(self) -> bool:
        return self.quorum.met and self.passage.met

    passed = met

    @property
    def text(self) -> str:
        if not self.quorum.met:
            # Without a quorum the count decides nothing; say so rather than "通过".
            return _("%(quorum)s；表决无效（赞成 %(ayes)s/%(total)s）") % {
                "quorum": self.quorum.text,
                "ayes": self.passage.count,
                "total": self.passage.total,
            }
        return _("%(quorum)s；%(passage)s") % {"quorum": self.quorum.text, "passage": self.passage.text}


def requirement(total: int, num: int, den: int, strict: bool) -> tuple[int, str]:
    """(smallest count meeting the threshold, how to say it) for "more than num/den of total"
    (strict) or "at least num/den of total"."""
    if strict:
        floor, exact = divmod(total * num, den)
        return floor + 1, (f"> {floor}" if exact == 0 else f"≥ {floor + 1}")
    needed = -(-total * num // den)  # ceiling division in integers
    return needed, f"≥ {needed}"


def meets(count: int, total: int, num: int, den: int, strict: bool) -> bool:
    """count > num/den × total (strict) or count ≥ num/den × total, in integers."""
    if total <= 0:
        return False
    return count * den > total * num if strict else count * den >= total * num


def _result(count, total, num, den, strict, label, yes, no) -> RuleResult:
    needed, need_text = requirement(total, num, den, strict)
    met = meets(count, total, num, den, strict)
    if total <= 0:
        text = _("%(label)s %(count)s/0，应到人数为 0，%(outcome)s") % {"label": label, "count": count, "outcome": no}
        return RuleResult(False, count, total, needed, text)
    text = _("%(label)s %(count)s/%(total)s，需 %(need)s，%(outcome)s") % {
        "label": label,
        "count": count,
        "total": total,
        "need": need_text,
        "outcome": yes if met else no,
    }
    return RuleResult(met, count, total, needed, text)


def quorum(rule, *, present: int, eligible: int, cast: int | None = None) -> RuleResult:
    """Is the meeting (or the vote, for rules counting ballots cast) quorate under `rule`?"""
    if rule.quorum_basis == ThresholdBasis.VOTES_CAST:
        return _result(
            cast or 0,
            eligible,
            rule.quorum_num,
            rule.quorum_den,
            rule.quorum_strict,
            _("投票"),
            _("投票人数达到法定要求"),
            _("投票人数未达法定要求"),
        )
    return _result(
        present,
        eligible,
        rule.quorum_num,
        rule.quorum_den,
        rule.quorum_strict,
        _("出席"),
        _("达到法定人数"),
        _("未达法定人数"),
    )


def passage(rule, *, ayes: int, present: int, cast: int) -> RuleResult:
    """Do the ayes carry the motion? The base is those present (abstaining or not voting
    counts against) or, where the rule says so (recall, Art. 16), the ballots cast."""
    base = cast if rule.pass_basis == ThresholdBasis.VOTES_CAST else present
    return _result(ayes, base, rule.pass_num, rule.pass_den, rule.pass_strict, _("赞成"), _("通过"), _("未通过"))


def tally(rule, *, eligible: int, present: int, ayes: int, nays: int = 0, abstentions: int = 0) -> TallyResult:
    """Judge a vote: quorum first, then the passing threshold."""
    cast = ayes + nays + abstentions
    return TallyResult(
        quorum=quorum(rule, present=present, eligible=eligible, cast=cast),
        passage=passage(rule, ayes=ayes, present=present, cast=cast),
        ayes=ayes,
        nays=nays,
        abstentions=abstentions,
    )


def notice(rule, *, notice_date, meeting_date) -> RuleResult:
    """Was the meeting announced early enough? The day of the notice does not count
    (民法典 Art. 201), so a notice on the 1st for a meeting on the 11th gives 10 days."""
    days = (meeting_date - notice_date).days
    needed = rule.notice_days or 0
    met = days >= needed
    text = _("提前 %(days)s 天通知，需 ≥ %(needed)s 天，%(outcome)s") % {
        "days": days,
        "needed": needed,
        "outcome": _("符合通知期限") if met else _("通知期限不足"),
    }
    return RuleResult(met, days, needed, needed, text)


def convening_support(rule, population: int) -> int:
    """Co-signatures that oblige the committee to convene (e.g. 1/10 of adult villagers,
    Art. 21; 1/5 of adult residents, 居组法 Art. 9): the smallest whole number reaching the
    fraction. 0 when the rule names none."""
    if not rule.convene_num or not rule.convene_den:
        return 0
    return requirement(population, rule.convene_num, rule.convene_den, strict=False)[0]


@dataclass(frozen=True)
class ConveningThreshold:
    """The co-signatures the law gives for convening a body: the figure, the count it is a
    fraction of, and the arithmetic with the article as a sentence."""

    needed: int
    population: int
    text: str


def convening_threshold(rule, population: int, *, counted: str) -> ConveningThreshold:
    """The legal convening threshold of `rule` over `population` (`counted` names who they are,
    e.g. "十八周岁以上村民"): 村民会议 1/10 of villagers (村委法 Art. 21), 居民会议 1/5 of adult
    residents (居组法 Art. 9), as seeded in BodyRule.convene_num/den. 0 when the rule names none."""
    needed = convening_support(rule, population)
    if not needed:
        return ConveningThreshold(0, population, "")
    text = _("%(counted)s %(population)s 人的 %(num)s/%(den)s，需 ≥ %(needed)s 人联署（%(law)s%(article)s）") % {
        "counted": counted,
        "population": population,
        "num": rule.convene_num,
        "den": rule.convene_den,
        "needed": needed,
        "law": rule.law,
        "article": rule.article,
    }
    return ConveningThreshold(needed, population, text)


# ---------------------------------------------------------------------------------------------
# One function per legal rule. Each looks up its seeded parameters by code; the article each
# code implements is beside it (村民委员会组织法 in its 2018 numbering; verify after the
# 2025-10-28 amendment in force 2026-01-01 — the numbers are data in BodyRule.article).


def rule_for(code: str):
    from .models import BodyRule

    return BodyRule.objects.get(code=code)


def villager_assembly(*, eligible, present, ayes=0, nays=0, abstentions=0, households=False) -> TallyResult:
    """村民会议 — 村民委员会组织法 Art. 22: more than half of villagers aged 18+, or at least two
    thirds of households' representatives; decisions by more than half of those present."""
    code = "villager_assembly_households" if households else "villager_assembly_adults"
    return tally(rule_for(code), eligible=eligible, present=present, ayes=ayes, nays=nays, abstentions=abstentions)


def villager_representatives(*, eligible, present, ayes=0, nays=0, abstentions=0) -> TallyResult:
    """村民代表会议 — Art. 26: at least two thirds of its members; more than half of those present."""
    return tally(
        rule_for("villager_representatives"),
        eligible=eligible,
        present=present,
        ayes=ayes,
        nays=nays,
        abstentions=abstentions,
    )


def villager_group(*, eligible, present, ayes=0, nays=0, abstentions=0, households=False) -> TallyResult:
    """村民小组会议 — Art. 28 (verify): at least two thirds of adults or of household
    representatives; more than half of those present."""
    code = "villager_group_households" if households else "villager_group_adults"
    return tally(rule_for(code), eligible=eligible, present=present, ayes=ayes, nays=nays, abstentions=abstentions)


def resident_assembly(*, eligible, present, ayes=0, nays=0, abstentions=0) -> TallyResult:
    """居民会议 — 城市居民委员会组织法 (1989/2018) Art. 9: more than half of adults, household
    representatives or group delegates; decisions by more than half of those present."""
    return tally(
        rule_for("resident_assembly"), eligible=eligible, present=present, ayes=ayes, nays=nays, abstentions=abstentions
    )


def resident_representatives(*, eligible, present, ayes=0, nays=0, abstentions=0) -> TallyResult:
    """居民代表会议 — 居组法 2025 revision, chapter 4 (verify; local rules until confirmed):
    at least two thirds of members; more than half of those present."""
    return tally(
        rule_for("resident_representatives"),
        eligible=eligible,
        present=present,
        ayes=ayes,
        nays=nays,
        abstentions=abstentions,
    )


def party_members_review(*, eligible, present, ayes=0, nays=0, abstentions=0) -> TallyResult:
    """党员大会审议 — 四议两公开 step 3: at least two thirds of party members present, more than
    half of those present agree."""
    return tally(
        rule_for("party_members"), eligible=eligible, present=present, ayes=ayes, nays=nays, abstentions=abstentions
    )


def recall(*, registered, ayes, nays=0, abstentions=0) -> TallyResult:
    """罢免村民委员会成员 — Art. 16: more than half of registered voters vote, and more than half
    of the votes cast agree. (Cannot be delegated to the 村民代表会议.)"""
    cast = ayes + nays + abstentions
    return tally(rule_for("recall"), eligible=registered, present=cast, ayes=ayes, nays=nays, abstentions=abstentions)


# The seeded rule a new body gets, by kind and constituency (a body may name another).
DEFAULT_RULE = {
    (BodyKind.VILLAGER_ASSEMBLY, Constituency.ADULTS): "villager_assembly_adults",
    (BodyKind.VILLAGER_ASSEMBLY, Constituency.HOUSEHOLDS): "villager_assembly_households",
    (BodyKind.VILLAGER_REPRESENTATIVES, Constituency.MEMBERS): "villager_representatives",
    (BodyKind.VILLAGER_GROUP, Constituency.ADULTS): "villager_group_adults",
    (BodyKind.VILLAGER_GROUP, Constituency.HOUSEHOLDS): "villager_group_households",
    (BodyKind.RESIDENT_ASSEMBLY, Constituency.ADULTS): "resident_assembly",
    (BodyKind.RESIDENT_ASSEMBLY, Constituency.HOUSEHOLDS): "resident_assembly",
    (BodyKind.RESIDENT_ASSEMBLY, Constituency.MEMBERS): "resident_assembly",
    (BodyKind.RESIDENT_REPRESENTATIVES, Constituency.MEMBERS): "resident_representatives",
    (BodyKind.PARTY_MEMBERS, Constituency.MEMBERS): "party_members",
    (BodyKind.COUNCIL, Constituency.MEMBERS): "council",
    (BodyKind.TWO_COMMITTEES, Constituency.MEMBERS): "two_committees",
    (BodyKind.MEMBERS_CONGRESS, Constituency.MEMBERS): "members_congress",
}


def default_rule_code(kind: str, constituency: str) -> str | None:
    return DEFAULT_RULE.get((kind, constituency))
