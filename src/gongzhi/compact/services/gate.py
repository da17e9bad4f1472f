"""The assignment gate (准入): a department's task reaches a community only if it names no power
on the town's (or county's) 行政权力限制事项清单, the item it cites is on the published
assistance list of the current year, is the department's own item, and is in that community's
signed agreement of the year. Each refused community gets one code and one Chinese reason.
The three lists: 依法履职 (the committee's own work), 协助政府工作 (what it may be asked to
help with) and 行政权力限制 (what it may never be given, not even by the town's override)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..choices import AgreementStatus, GateCode, ListStatus
from ..models import AgreementItem, AssistanceItem, CompactAgreement, RestrictionItem
from ..permissions import ancestor_paths


@dataclass
class GateResult:
    """Per community: the AgreementItem that funds the work, or (code, message) refusing it."""

    item: AssistanceItem | None
    funded: dict = field(default_factory=dict)  # community id → AgreementItem
    refused: dict = field(default_factory=dict)  # community id → (GateCode, message)

    @property
    def ok(self):
        return not self.refused

    @property
    def restricted(self):
        """The refusal is a power the committees may not be given: no override lifts it."""
        return any(code == GateCode.RESTRICTED for code, _msg in self.refused.values())


class GateRefused(ValidationError):
    """The gate refused at least one community; nothing was assigned. `result.refused` holds
    the reason per community."""

    def __init__(self, result: GateResult, communities):
        self.result = result
        names = {c.pk: c.name for c in communities}
        lines = [
            _("%(name)s：%(message)s") % {"name": names[cid], "message": msg}
            for cid, (_code, msg) in result.refused.items()
        ]
        super().__init__(_("任务未派发（不在协助事项清单或协议范围内）：") + _("；").join(lines), code="gate_refused")


def resolve_item(item):
    """An AssistanceItem from an instance or an id; None when unknown (a refusal, not a crash)."""
    if item is None or isinstance(item, AssistanceItem):
        return item
    try:
        return AssistanceItem.objects.select_related("assistance_list__node", "department").get(pk=int(item))
    except (AssistanceItem.DoesNotExist, TypeError, ValueError):
        return None


def _item_refusal(item, cited, department, town, year):
    """A refusal that applies to every community (the item itself is not citable), or None."""
    if cited is not None and item is None:
        return GateCode.UNKNOWN_ITEM, _("引用的协助事项（%(cited)s）不存在") % {"cited": cited}
    if item is None:
        return GateCode.NOT_ON_LIST, _("未引用协助政府工作事项清单中的事项，属清单外事项")
    lst = item.assistance_list
    if lst.year < year:
        return GateCode.EXPIRED, _("“%(title)s”属于%(year)s年清单，已失效，不能用于新派发的任务") % {
            "title": item.title,
            "year": lst.year,
        }
    if lst.year != year or not lst.is_published or lst.node.path not in (town.path, *ancestor_paths(town.path)):
        return GateCode.NOT_ON_LIST, _("“%(title)s”不在%(name)s%(year)s年协助政府工作事项清单上") % {
            "title": item.title,
            "name": town.name,
            "year": year,
        }
    if item.department_id != department.pk:
        return GateCode.WRONG_DEPARTMENT, _("“%(title)s”的责任部门是%(department)s，本部门不能引用") % {
            "title": item.title,
            "department": item.department,
        }
    return None


def restricted_power(town, year, *texts):
    """The first item of the town's (or its county's) published 行政权力限制事项清单 of `year`
    that one of `texts` (the task's title, its description, the cited item's title) names, or
    None."""
    text = " ".join(t for t in texts if t)
    if not text:
        return None
    items = RestrictionItem.objects.filter(
        restriction_list__year=year,
        restriction_list__status=ListStatus.PUBLISHED,
        restriction_list__node__path__in=(town.path, *ancestor_paths(town.path)),
    ).order_by("restriction_list__node__level", "seq")
    return next((ri for ri in items if any(term in text for term in ri.terms())), None)


def _restriction_refusal(restricted):
    return GateCode.RESTRICTED, _(
        "属于行政权力限制事项清单第 %(seq)s 项“%(title)s”，不得交由居（村）民委员会承担%(basis)s"
    ) % {
        "seq": restricted.seq,
        "title": restricted.title,
        "basis": _("（依据：%(basis)s）") % {"basis": restricted.basis} if restricted.basis else "",
    }


def evaluate(*, department, item, communities, town, year, title="", description="") -> GateResult:
    """Run the gate for each community; three queries whatever the number of communities."""
    cited = item if not isinstance(item, AssistanceItem) else item.pk
    resolved = resolve_item(item)
    result = GateResult(item=resolved)
    restricted = restricted_power(town, year, title, description, resolved.title if resolved else "")
    refusal = _restriction_refusal(restricted) if restricted else None
    refusal = refusal or _item_refusal(resolved, cited, department, town, year)
    if refusal:
        result.refused = {c.pk: refusal for c in communities}
        return result
    ids = [c.pk for c in communities]
    signed = set(
        CompactAgreement.objects.filter(community_id__in=ids, year=year, status=AgreementStatus.SIGNED).values_list(
            "community_id", flat=True
        )
    )
    funded = {
        ai.agreement.community_id: ai
        for ai in AgreementItem.objects.select_related("agreement").filter(
            agreement__community_id__in=ids,
            agreement__year=year,
            agreement__status=AgreementStatus.SIGNED,
            item=resolved,
        )
    }
    for c in communities:
        if c.pk in funded:
            result.funded[c.pk] = funded[c.pk]
        elif c.pk not in signed:
            result.refused[c.pk] = (
                GateCode.NO_AGREEMENT,
                _("%(name)s尚未签订%(year)s年协助管理协议") % {"name": c.name, "year": year},
            )
        else:
            result.refused[c.pk] = (
                GateCode.NOT_IN_AGREEMENT,
                _("%(name)s%(year)s年协助管理协议未包含“%(title)s”")
                % {"name": c.name, "year": year, "title": resolved.title},
            )
    return result
