"""Issue 9, finding 6 (first half): 联系来电人. Those who must call a citizen back — the
organisation the request is assigned to, the dispatcher, the hotline, the return-visit
officer — reveal that one number with a stated purpose; every reveal is one audit row; others
get 403 (or 404 when they cannot see the request) and write nothing; the web action is
rate-limited per user."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.requests import contact, services
from gongzhi.requests.choices import Status

from .conftest import PHONE

MASKED = "138****5678"


def url(r):
    return reverse("requests_staff:contact", args=[r.pk])


def unmasks():
    return AuditEntry.objects.filter(action="unmask")


@pytest.fixture
def handling(flow):
    """A request assigned to 城市管理局 (world.orgs.cg) and accepted."""
    return flow.to(Status.HANDLING)


# role → (status of the contact POST, may see the request page, offered the action there)
EXPECTED = {
    "dept": (200, True),  # 城市管理局, the assignee
    "dept2": (404, False),  # 民政办: not its request, cannot even see it
    "dispatcher": (200, True),
    "visitor": (200, True),  # return-visit officer
    "hotline": (200, True),
    "town": (200, True),  # holds registry.unmask_pii
    "grid": (403, False),  # sees the request of its grid, may not reveal the number
    "supervisor": (403, False),
    "community": (403, False),  # same community, but not the assignee
    "community2": (404, False),
    "resident": (403, False),  # no staff page at all
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_contact_per_role(client, world, handling, role):
    want, offered = EXPECTED[role]
    user = getattr(world.users, role)
    client.force_login(user)
    page = client.get(reverse("requests_staff:detail", args=[handling.pk]))
    if page.status_code == 200:
        html = page.content.decode()
        assert MASKED in html and PHONE not in html
        assert ('id="contact"' in html) is offered
    before = unmasks().count()
    response = client.post(url(handling), {"purpose": "核实噪声发生时间"})
    assert response.status_code == want
    html = response.content.decode()
    if want == 200:
        assert PHONE in html and "审计" in html
        entry = unmasks().latest("pk")
        assert unmasks().count() == before + 1
        assert entry.actor == user and entry.object_id == str(handling.pk)
        assert entry.reason == "联系来电人：核实噪声发生时间" and entry.after["purpose"] == "核实噪声发生时间"
        assert entry.node_path == handling.node.path and entry.source == "web"
    else:
        assert PHONE not in html and unmasks().count() == before


def test_each_reveal_is_one_audit_row(client, world, handling):
    client.force_login(world.users.visitor)
    for purpose in ("回访/联系来电人", "回访：第二次未接通"):
        assert client.post(url(handling), {"purpose": purpose}).status_code == 200
    assert list(unmasks().order_by("pk").values_list("reason", flat=True)) == [
        "联系来电人：回访/联系来电人",
        "联系来电人：回访：第二次未接通",
    ]


def test_the_page_offers_the_default_purpose(client, world, handling):
    client.force_login(world.users.dept)
    html = client.get(reverse("requests_staff:detail", args=[handling.pk])).content.decode()
    assert 'value="回访/联系来电人"' in html and "联系来电人" in html


@pytest.mark.parametrize("purpose", ["", "   ", "用" * 101])
def test_a_purpose_is_required_and_short(client, world, handling, purpose):
    client.force_login(world.users.dept)
    response = client.post(url(handling), {"purpose": purpose})
    assert response.status_code == 400
    html = response.content.decode()
    assert PHONE not in html and ("请说明联系来电人的用途" in html or "联系用途不能超过" in html)
    assert not unmasks().exists()


def test_a_department_loses_the_number_when_the_request_is_returned(client, world, flow):
    r = services.dispatch(flow.file(), world.users.dispatcher, assignee=world.orgs.cg)
    assert contact.may_contact(world.users.dept, r)
    r = services.return_wrong_assignment(r, world.users.dept, reason="不属于本局职责")
    r.refresh_from_db()
    assert not contact.may_contact(world.users.dept, r)
    with pytest.raises(PermissionDenied):
        contact.contact_requester(r, world.users.dept, purpose="回访")
    assert not unmasks().exists()


def test_a_community_committee_as_assignee_may_call_back(world, flow):
    r = services.dispatch(flow.file(), world.users.dispatcher, assignee=world.orgs.nz)
    assert contact.contact_requester(r, world.users.community, purpose="上门了解情况") == PHONE
    assert not contact.may_contact(world.users.community2, r)


def test_hotline_only_within_its_scope(world, flow):
    from tests import factories

    r = flow.file()  # grid g11 in community c1
    elsewhere = factories.make_user("hotline", world.town["c2"])
    assert contact.may_contact(world.users.hotline, r) and not contact.may_contact(elsewhere, r)


def test_no_number_left_is_a_message_not_an_entry(world, flow):
    r = flow.file(requester_phone="")
    with pytest.raises(ValidationError):
        contact.contact_requester(r, world.users.dispatcher, purpose="回访")
    assert not unmasks().exists()


def test_rate_limited_per_user(client, world, handling, settings):
    settings.GONGZHI_RATE_CONTACT = "2/h"
    client.force_login(world.users.visitor)
    for _ in range(2):
        assert client.post(url(handling), {"purpose": "回访"}).status_code == 200
    response = client.post(url(handling), {"purpose": "回访"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "过于频繁" in response.content.decode() and PHONE not in response.content.decode()
    assert unmasks().count() == 2
    client.force_login(world.users.dispatcher)  # another user has their own allowance
    assert client.post(url(handling), {"purpose": "回访"}).status_code == 200


def test_get_is_not_allowed(client, world, handling):
    client.force_login(world.users.dept)
    assert client.get(url(handling)).status_code == 405
    assert not unmasks().exists()
