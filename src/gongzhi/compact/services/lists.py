"""Publishing the year's 依法履职事项, 协助政府工作事项 and 行政权力限制事项 lists. A list is built as a draft, its
items added, then published; a published list is fixed (a new year gets a new list)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core

from .. import permissions as perms
from ..choices import ListStatus
from ..models import AssistanceItem, AssistanceList, DutyItem, DutyList, RestrictionItem, RestrictionList


def _perm(model):
    return f"compact.change_{model._meta.model_name}"


def _create_list(model, user, node, year, title, reason):
    perms.require(user, _perm(model), node.path, _("无权在该区域发布清单"))
    if model.objects.filter(node=node, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(node)s%(year)s年的%(verbose_name)s已存在")
                % {"node": node, "year": year, "verbose_name": model._meta.verbose_name}
            }
        )
    return core.create(model, node=node, year=year, title=title, reason=reason)


def create_duty_list(user, *, node, year, title="", items=(), reason=""):
    """Start the year's 依法履职事项 list of a town or county, with items [(title, basis)…]."""
    with transaction.atomic():
        lst = _create_list(DutyList, user, node, year, title, reason)
        for title_, basis in items:
            add_duty_item(user, lst, title=title_, basis=basis)
        return lst


def create_assistance_list(user, *, node, year, title="", items=(), reason=""):
    """Start the year's 协助政府工作事项 list; `items` are dicts of add_assistance_item fields."""
    with transaction.atomic():
        lst = _create_list(AssistanceList, user, node, year, title, reason)
        for fields in items:
            add_assistance_item(user, lst, **fields)
        return lst


def create_restriction_list(user, *, node, year, title="", items=(), reason=""):
    """Start the year's 行政权力限制事项清单 of a town or county, with items
    [(title, basis, keywords)…]; once published the gate refuses any task naming one."""
    with transaction.atomic():
        lst = _create_list(RestrictionList, user, node, year, title, reason)
        for title_, basis, keywords in items:
            add_restriction_item(user, lst, title=title_, basis=basis, keywords=keywords)
        return lst


def add_restriction_item(user, restriction_list, *, title, basis="", keywords="", reason=""):
    """Add one 行政权力限制事项 (the power, its basis, the words that recognise it) to a draft."""
    _editable(user, restriction_list)
    seq = restriction_list.items.count() + 1
    return core.create(
        RestrictionItem,
        restriction_list=restriction_list,
        seq=seq,
        title=title,
        basis=basis,
        keywords=keywords,
        reason=reason,
    )


def _editable(user, lst):
    perms.require(user, _perm(type(lst)), lst.node.path, _("无权修改该清单"))
    if lst.is_published:
        raise ValidationError(_("清单已公布，不能再修改；请编制下一年度清单"))


def add_duty_item(user, duty_list, *, title, basis="", reason=""):
    """Add one 依法履职事项 to a draft list."""
    _editable(user, duty_list)
    seq = duty_list.items.count() + 1
    return core.create(DutyItem, duty_list=duty_list, seq=seq, title=title, basis=basis, reason=reason)


def add_assistance_item(
    user,
    assistance_list,
    *,
    title,
    department,
    work="",
    evidence="",
    funding_mode="per_item",
    amount=0,
    unit="",
    reason="",
):
    """Add one 协助政府工作事项 (responsible department, work, evidence, funding standard)."""
    _editable(user, assistance_list)
    seq = assistance_list.items.count() + 1
    return core.create(
        AssistanceItem,
        assistance_list=assistance_list,
        seq=seq,
        title=title,
        department=department,
        work=work,
        evidence=evidence,
        funding_mode=funding_mode,
        amount=amount,
        unit=unit,
        reason=reason,
    )


def publish_list(user, lst, *, reason="", expected_version=None):
    """Publish a draft duty, assistance or restriction list; from now on it is fixed and (for the current
    year) citable."""
    _editable(user, lst)
    if not lst.items.exists():
        raise ValidationError(_("清单没有事项，不能公布"))
    return core.update(
        lst,
        {"status": ListStatus.PUBLISHED, "published_at": timezone.now()},
        reason=reason or "公布清单",
        expected_version=expected_version,
    )
