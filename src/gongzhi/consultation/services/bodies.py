"""Bodies, their members and the rules they follow."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import services as core

from .. import rules
from ..models import Body, BodyMember, BodyRule


def create_body(*, node, kind, name, constituency, rule=None, notes="", reason="") -> Body:
    """Set up a body of a community (or a village group's grid). Without a rule it gets the
    seeded legal rule for its kind and constituency."""
    if rule is None:
        code = rules.default_rule_code(kind, constituency)
        rule = BodyRule.objects.filter(code=code).first() if code else None
        if rule is None:
            raise ValidationError({"rule": _("该类型与组成方式没有默认议事规则，请选择规则")})
    return core.create(
        Body, node=node, kind=kind, name=name, constituency=constituency, rule=rule, notes=notes, reason=reason
    )


def add_member(body, resident, *, since, role="member", until=None, reason="") -> BodyMember:
    """Seat a resident of the body's area on the body from `since`."""
    if not resident.grid.path.startswith(body.node.path):
        raise ValidationError(
            {"resident": _("%(name)s 不是%(place)s的居民") % {"name": resident.name, "place": body.node.name}}
        )
    overlapping = body.members.filter(resident=resident).active_on(since).exists()
    if overlapping:
        raise ValidationError(
            {"resident": _("%(name)s 已是%(body)s的成员") % {"name": resident.name, "body": body.name}}
        )
    return core.create(BodyMember, body=body, resident=resident, role=role, since=since, until=until, reason=reason)


def end_membership(member, *, until, reason="") -> BodyMember:
    """End a member's term on `until` (the last day they serve)."""
    return core.update(member, {"until": until}, reason=reason or "任期结束")


def update_rule(rule, changes: dict, *, reason, expected_version=None) -> BodyRule:
    """Correct a legal rule (an article number, a fraction). A reason is required: it is the
    record of why the law as applied changed."""
    if not reason:
        raise ValidationError({"reason": _("修改议事规则须说明依据")})
    with transaction.atomic():
        return core.update(rule, changes, reason=reason, expected_version=expected_version)
