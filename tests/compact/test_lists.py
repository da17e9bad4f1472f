"""Lists by year: a town's lists are read by the communities below it; last year's stay
readable but are not citable; publishing fixes a list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.compact import selectors
from gongzhi.compact import services as svc

from .conftest import YEAR


def test_lists_are_read_below_the_issuing_node_and_kept_by_year(world):
    years = sorted(selectors.assistance_lists(world.staff1).values_list("year", flat=True))
    assert years == [YEAR - 1, YEAR]  # last year's list stays readable
    assert list(selectors.duty_lists(world.staff2)) == [world.duty]
    citable = set(selectors.citable_items(world.staff1, world.t, YEAR))
    assert citable == {world.item_a, world.item_b, world.item_s} and world.item_old not in citable
    assert not selectors.assistance_lists(world.grid).exists()


def test_publishing(world):
    lst = svc.create_assistance_list(world.official, node=world.t, year=YEAR + 1)
    with pytest.raises(ValidationError, match="没有事项，不能公布"):
        svc.publish_list(world.official, lst)
    svc.add_assistance_item(world.official, lst, title="低保入户核查", department=world.civil, amount=220)
    with pytest.raises(PermissionDenied):
        svc.publish_list(world.staff1, lst)
    lst = svc.publish_list(world.official, lst)
    assert lst.is_published and lst.published_at and lst.items.get().seq == 1
    with pytest.raises(ValidationError, match="清单只能由镇（街道）或区县发布"):
        svc.create_duty_list(world.admin, node=world.c1, year=YEAR)
    with pytest.raises(ValidationError, match="责任部门须为职能部门"):
        from gongzhi.accounts.models import Organisation

        gov = Organisation.objects.create(name="杨舍镇人民政府", kind="government", node=world.t)
        svc.add_assistance_item(
            world.official,
            svc.create_assistance_list(world.official, node=world.t, year=YEAR + 2),
            title="x",
            department=gov,
        )
