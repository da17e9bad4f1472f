"""Committees and the mediator pool: the composition rule (人民调解法 Art. 8), parties
validated like the registry's, and the pool suggested by territory and category."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.mediation import services
from gongzhi.mediation.models import Committee

from .conftest import Flow


def _members(w, node, committee, genders):
    return [
        services.add_mediator(w.users.town, name=f"委员{i}", gender=g, kind="member", node=node, committee=committee)
        for i, g in enumerate(genders)
    ]


def test_committee_needs_three_members(world):
    c = services.create_committee(world.users.town, name="梁丰新村调委会", node=world.town["c2"])
    _members(world, world.town["c2"], c, "FM")
    with pytest.raises(ValidationError) as e:
        services.constitute_committee(world.users.town, c)
    assert "三至九人" in str(e.value) and "现有 2 人" in str(e.value)
    assert not Committee.objects.get(pk=c.pk).constituted


def test_committee_needs_a_woman(world):
    c = services.create_committee(world.users.town, name="梁丰新村调委会", node=world.town["c2"])
    _members(world, world.town["c2"], c, "MMM")
    with pytest.raises(ValidationError) as e:
        services.constitute_committee(world.users.town, c)
    assert "妇女成员" in str(e.value)


def test_committee_at_most_nine(world):
    c = services.create_committee(world.users.town, name="梁丰新村调委会", node=world.town["c2"])
    _members(world, world.town["c2"], c, "FMMMMMMMMM")
    with pytest.raises(ValidationError, match="现有 10 人"):
        services.constitute_committee(world.users.town, c)


def test_constituted_committee_accepts_no_tenth_member(world):
    c = services.create_committee(world.users.town, name="梁丰新村调委会", node=world.town["c2"])
    _members(world, world.town["c2"], c, "FMMMMMMMM")
    services.constitute_committee(world.users.town, c)
    c.refresh_from_db()
    with pytest.raises(ValidationError, match="已满九人"):
        _members(world, world.town["c2"], c, "M")


def test_last_woman_cannot_retire(world):
    woman = world.members[1]
    with pytest.raises(ValidationError) as e:
        services.retire_mediator(world.users.town, woman)
    assert "妇女成员" in str(e.value) and "先增补" in str(e.value)
    # With a successor appointed first, she may leave.
    services.add_mediator(
        world.users.town, name="周丽", gender="F", kind="member", node=world.town["c1"], committee=world.committee
    )
    assert services.retire_mediator(world.users.town, woman).active is False


def test_only_managers_create_committees(world):
    with pytest.raises(PermissionDenied):
        services.create_committee(world.users.mediator, name="私设调委会", node=world.town["c1"])


def test_unknown_skill_refused(world):
    with pytest.raises(ValidationError, match="擅长领域"):
        services.add_mediator(
            world.users.town, name="某人", gender="M", kind="invited", node=world.town["t"], skills=["astrology"]
        )


def test_pool_suggested_by_area_and_skill(world):
    d = Flow(world).register()
    pool = services.suggest_pool(d)
    # 周老师 (whole town, 宅基地) first; 郑律师 (南庄, 合同) after; 冯乡贤 (梁丰 only) not at all.
    assert [m.name for m in pool] == ["周老师", "郑律师"]
