"""Building blocks for evaluation and payment tests."""

import datetime as dt

from django.utils import timezone

from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.compact.models import CommunityTask

from .conftest import YEAR, assign


def confirmed_task(world, item=None, units=1, community=None, confirmed_at=None):
    """A task of 民政局 to `community` (南庄) taken through to confirmation."""
    kw = {"item": item} if item is not None else {}
    task = assign(world, communities=[community or world.c1], **kw).community_tasks.get()
    staff = world.staff1 if (community or world.c1) == world.c1 else world.staff2
    svc.accept(staff, task)
    svc.complete(staff, task, units_done=units)
    task = svc.confirm(world.civil_user, task)
    if confirmed_at is not None:  # place the confirmation in a given half-year
        CommunityTask.objects.filter(pk=task.pk).update(confirmed_at=confirmed_at)
    return task


def local(month, day):
    return dt.datetime(YEAR, month, day, 12, 0, tzinfo=timezone.get_current_timezone())


def criteria(rnd, direction):
    return list(rnd.criteria.filter(direction=direction).order_by("seq"))


def score_community(world, rnd, community, values, evaluator=None, user=None):
    """The town scores a community on each to-community criterion with `values` (in order)."""
    for crit, v in zip(criteria(rnd, Direction.TO_COMMUNITY), values):
        svc.score(
            user or world.official,
            round=rnd,
            criterion=crit,
            evaluator=evaluator or world.t,
            subject=community,
            value=v,
        )
