"""Service-request fixtures: the small test town with two departments and two community
committees, two categories, one user per role, and `Flow`, which files a request and walks
it to any status through the real services at fixed Beijing times."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gongzhi.accounts.models import Organisation
from gongzhi.cases.choices import VisitResult
from gongzhi.core.workdays import CN_TZ
from gongzhi.requests import services
from gongzhi.requests.choices import Status
from tests import factories


def cn(*args) -> dt.datetime:
    """An aware Beijing datetime."""
    return dt.datetime(*args, tzinfo=CN_TZ)


# Monday 2 November 2026, 09:00: the deadline of 5 working days ends Monday 9 November.
T0 = cn(2026, 11, 2, 9, 0)
PHONE = "13812345678"


def make_world(town):
    t, c1, c2 = town["t"], town["c1"], town["c2"]
    orgs = SimpleNamespace(
        cg=Organisation.objects.create(name="城市管理局", kind="department", node=t),
        mz=Organisation.objects.create(name="民政办", kind="department", node=t),
        nz=Organisation.objects.create(name="南庄社区居委会", kind="committee", node=c1),
        lf=Organisation.objects.create(name="梁丰社区居委会", kind="committee", node=c2),
        gov=Organisation.objects.create(name="杨舍镇人民政府", kind="government", node=t),
    )
    noise = services.create_category(
        name="噪声扰民", kind="complaint", default_assignee=orgs.cg, deadline_days=5, service_code="noise"
    )
    light = services.create_category(
        name="路灯损坏", kind="help", default_assignee=orgs.cg, deadline_days=3, service_code="light"
    )
    mk = factories.make_user
    users = SimpleNamespace(
        dispatcher=mk("dispatcher", t, organisation=orgs.gov),
        town=mk("town", t, organisation=orgs.gov),
        dept=mk("department", t, organisation=orgs.cg),
        dept2=mk("department", t, organisation=orgs.mz),
        community=mk("community", c1, organisation=orgs.nz),
        community2=mk("community", c2, organisation=orgs.lf),
        grid=mk("grid", town["g11"]),
        grid_other=mk("grid", town["g21"]),
        supervisor=mk("supervisor", t),
        visitor=mk("visitor", t),
        hotline=mk("hotline", t),
        resident=mk("resident", town["g11"]),
        dispatcher_c2=mk("dispatcher", c2, organisation=orgs.gov),
    )
    return SimpleNamespace(town=town, orgs=orgs, noise=noise, light=light, users=users)


@pytest.fixture
def world(town):
    return make_world(town)


class Flow:
    """Walks one request through the loop at fixed times (hours after T0)."""

    # The time each step is taken, so later tests can reason about windows and deadlines.
    AT = {
        "dispatch": T0 + dt.timedelta(hours=1),
        "accept": T0 + dt.timedelta(hours=2),
        "reply": T0 + dt.timedelta(days=1),
        "close": T0 + dt.timedelta(days=1, hours=1),
        "visit": T0 + dt.timedelta(days=2),
    }

    def __init__(self, world):
        self.w = world

    def file(self, *, received_at=T0, category=None, **kw):
        """File through the public channel in grid g11 unless told otherwise (grid=None: none)."""
        fields = {
            "channel": "web",
            "category": category or self.w.noise,
            "description": "晚上广场舞音乐太响，影响休息",
            "grid": self.w.town["g11"],
            "requester_name": "张三",
            "requester_phone": PHONE,
            "received_at": received_at,
            **kw,
        }
        return services.file_request(**fields)

    def to(self, status, **kw):
        """A new request in `status`."""
        u, r = self.w.users, self.file(**kw)
        if status == Status.RECEIVED:
            return r
        if status == Status.DUPLICATE:
            return services.link_duplicate(r, u.dispatcher, original=self.file(), now=self.AT["dispatch"])
        if status == Status.TRANSFERRED:
            # The request's own move (with its figures kept, as every move); mediation's
            # transfer_from_request takes it while registering the dispute
            # (tests/mediation/test_workflow.py).
            return services._move(r, "transfer_mediation", u.dispatcher, now=self.AT["dispatch"])
        r = services.dispatch(r, u.dispatcher, assignee=self.w.orgs.cg, now=self.AT["dispatch"])
        if status == Status.DISPATCHED:
            return r
        r = services.accept(r, u.dept, now=self.AT["accept"])
        if status == Status.HANDLING:
            return r
        r = services.reply(r, u.dept, text="已联系广场舞队伍调整时间和音量", now=self.AT["reply"])
        if status == Status.REPLIED:
            return r
        r = services.close(r, u.dept, now=self.AT["close"])
        if status == Status.CLOSED:
            return r
        return services.return_visit(r, u.visitor, result=VisitResult.SATISFIED, now=self.AT["visit"])


@pytest.fixture
def flow(world):
    return Flow(world)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
