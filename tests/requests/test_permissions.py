"""Permission matrix: who sees a request (role × in/out of scope) and who may take each action
(role × action × in/out of scope); phone masking; query-count guards on list selectors."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from gongzhi.core.audit import acting
from gongzhi.core.models import AuditEntry
from gongzhi.requests import contact, selectors, services
from gongzhi.requests.choices import Status

from .conftest import PHONE, T0

LATER = T0 + dt.timedelta(hours=3)
OVERDUE = dt.datetime(2026, 11, 10, 10, 0, tzinfo=T0.tzinfo)

# A request in grid g11 (南庄 community), assigned to 城管: who sees it?
VISIBILITY = [
    ("dispatcher", True),
    ("dispatcher_c2", False),
    ("town", True),
    ("dept", True),
    ("dept2", False),
    ("community", True),
    ("community2", False),
    ("grid", True),
    ("grid_other", False),
    ("supervisor", True),
    ("visitor", True),
    ("hotline", True),
    ("resident", False),
]


@pytest.mark.parametrize("who,sees", VISIBILITY)
def test_visibility(world, flow, who, sees):
    r = flow.to(Status.DISPATCHED)
    user = getattr(world.users, who)
    assert selectors.requests_for(user).filter(pk=r.pk).exists() is sees
    if sees:
        assert selectors.get_request(user, r.pk) == r
    else:
        with pytest.raises(Http404):
            selectors.get_request(user, r.pk)


def test_department_loses_sight_after_returning(world, flow):
    r = flow.to(Status.DISPATCHED)
    services.return_wrong_assignment(r, world.users.dept, reason="错派", now=LATER)
    assert not selectors.requests_for(world.users.dept).filter(pk=r.pk).exists()
    assert selectors.requests_for(world.users.dispatcher).filter(pk=r.pk).exists()


# (action, status the request is in, actor, allowed, kwargs)
MATRIX = [
    ("dispatch", Status.RECEIVED, "dispatcher", True),
    ("dispatch", Status.RECEIVED, "town", True),
    ("dispatch", Status.RECEIVED, "dispatcher_c2", False),
    ("dispatch", Status.RECEIVED, "dept", False),
    ("dispatch", Status.RECEIVED, "grid", False),
    ("dispatch", Status.RECEIVED, "hotline", False),
    ("dispatch", Status.RECEIVED, "supervisor", False),
    ("dispatch", Status.RECEIVED, "visitor", False),
    ("accept", Status.DISPATCHED, "dept", True),
    ("accept", Status.DISPATCHED, "dept2", False),
    ("accept", Status.DISPATCHED, "community", False),
    ("accept", Status.DISPATCHED, "dispatcher", False),
    ("return", Status.DISPATCHED, "dept", True),
    ("return", Status.DISPATCHED, "dept2", False),
    ("return", Status.DISPATCHED, "dispatcher", False),
    ("reply", Status.HANDLING, "dept", True),
    ("reply", Status.HANDLING, "dept2", False),
    ("reply", Status.HANDLING, "supervisor", False),
    ("reply", Status.HANDLING, "grid", False),
    ("close", Status.REPLIED, "dept", True),
    ("close", Status.REPLIED, "dept2", False),
    ("close", Status.REPLIED, "town", False),
    ("request_extension", Status.HANDLING, "dept", True),
    ("request_extension", Status.HANDLING, "dept2", False),
    ("grant_extension", Status.HANDLING, "dispatcher", True),
    ("grant_extension", Status.HANDLING, "dept", False),
    ("grant_extension", Status.HANDLING, "dispatcher_c2", False),
    ("flag", Status.HANDLING, "supervisor", True),
    ("flag", Status.HANDLING, "dispatcher", True),
    ("flag", Status.HANDLING, "dept", False),
    ("flag", Status.HANDLING, "grid", False),
    ("flag", Status.HANDLING, "visitor", False),
    ("visit", Status.CLOSED, "visitor", True),
    ("visit", Status.CLOSED, "dept", False),
    ("visit", Status.CLOSED, "supervisor", False),
    ("visit", Status.CLOSED, "dispatcher", False),
    ("link_duplicate", Status.RECEIVED, "dispatcher", True),
    ("link_duplicate", Status.RECEIVED, "hotline", False),
    ("link_duplicate", Status.RECEIVED, "dispatcher_c2", False),
]


def _do(world, original, action, r, user):
    call = {
        "dispatch": lambda: services.dispatch(r, user, assignee=world.orgs.cg, now=LATER),
        "accept": lambda: services.accept(r, user, now=LATER),
        "return": lambda: services.return_wrong_assignment(r, user, reason="错派", now=LATER),
        "reply": lambda: services.reply(r, user, text="已处理", now=LATER),
        "close": lambda: services.close(r, user, now=LATER),
        "request_extension": lambda: services.request_extension(r, user, days=2, reason="协调", now=LATER),
        "grant_extension": lambda: services.grant_extension(r, user, now=LATER),
        "flag": lambda: services.flag(r, user, now=OVERDUE),
        "visit": lambda: services.return_visit(r, user, result="satisfied", now=LATER),
        "link_duplicate": lambda: services.link_duplicate(r, user, original=original, now=LATER),
    }
    return call[action]()


@pytest.mark.parametrize("action,status,who,allowed", MATRIX)
def test_action_matrix(world, flow, action, status, who, allowed):
    r = flow.to(status)
    if action == "grant_extension":
        r = services.request_extension(r, world.users.dept, days=2, reason="协调", now=LATER)
    user, original = getattr(world.users, who), flow.file()
    audit = AuditEntry.objects.count()
    if allowed:
        _do(world, original, action, r, user)
        assert AuditEntry.objects.count() > audit
    else:
        with pytest.raises(PermissionDenied) as e:
            _do(world, original, action, r, user)
        assert "无权" in str(e.value) or "承办单位" in str(e.value)
        r.refresh_from_db()
        assert r.status == status and AuditEntry.objects.count() == audit


def test_community_committee_as_assignee(world, flow):
    r = services.dispatch(flow.file(), world.users.dispatcher, assignee=world.orgs.nz, now=LATER)
    with pytest.raises(PermissionDenied):
        services.accept(r, world.users.community2, now=LATER)
    assert services.accept(r, world.users.community, now=LATER).status == Status.HANDLING


def test_anonymous_cannot_act(world, flow):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="登录"):
        services.dispatch(flow.file(), AnonymousUser(), assignee=world.orgs.cg)


class TestMasking:
    def test_phone_shown_only_through_contact_with_a_purpose(self, world, flow):
        """No read unmasks by itself any more: the town too goes through 联系来电人 (test_contact.py)."""
        r = flow.to(Status.DISPATCHED)
        before = AuditEntry.objects.filter(action="unmask").count()
        with acting(user=world.users.town):  # the channel's audit context (decision 0010)
            assert contact.contact_requester(r, world.users.town, purpose="核实诉求地点") == PHONE
        entry = AuditEntry.objects.filter(action="unmask").latest("pk")
        assert AuditEntry.objects.filter(action="unmask").count() == before + 1
        assert entry.actor == world.users.town and entry.reason == "联系来电人：核实诉求地点"

    def test_list_rows_never_unmask(self, world, flow):
        flow.to(Status.DISPATCHED)
        rows = selectors.list_rows(world.users.town, selectors.requests_for(world.users.town))
        assert rows[0]["requester_phone"] == "138****5678" and rows[0]["requester_name"] == "张*"


class TestQueryCounts:
    @pytest.mark.parametrize(
        "who,selector",
        [
            ("dispatcher", "requests_for"),
            ("dept", "requests_for"),
            ("dept", "my_queue"),
            ("supervisor", "overdue_for"),
        ],
    )
    def test_constant(self, world, flow, django_assert_num_queries, who, selector):
        user = getattr(world.users, who)
        from gongzhi.core import scoping

        scoping.grants(user)

        def rows():
            return selectors.list_rows(user, getattr(selectors, selector)(user), now=OVERDUE)

        for _ in range(2):
            flow.to(Status.HANDLING)
        with django_assert_num_queries(1):
            small = rows()
        for _ in range(6):
            flow.to(Status.HANDLING)
        with django_assert_num_queries(1):
            big = rows()
        assert len(big) == len(small) + 6 and all(r["overdue"] for r in big)
