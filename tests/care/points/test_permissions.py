"""Permission matrix of points (role × action × in/out of scope), the public page (rules
only, no personal data, no login) and the transition tables' shape."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from gongzhi.care.points import selectors, services
from gongzhi.care.points.transitions import APPEAL, ENTRY, SCHEME
from gongzhi.core.exceptions import NotFound
from tests.cases.test_transition_tables import test_table_is_well_formed

from .conftest import enter

# role → (sees 南庄's entry, may approve it, may enter for 张建国, may decide an appeal on it)
MATRIX = {
    "clerk": (True, False, True, True),  # entered it: never approves it
    "approver": (True, True, True, True),
    "grid": (True, False, True, False),
    "grid2": (False, False, False, False),
    "community2": (False, False, False, False),
    "town": (True, True, True, True),
    "supervisor": (True, False, False, False),
    "department": (False, False, False, False),
    "zhang": (True, False, False, False),  # the participant herself
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix(pts, role):
    sees, approves, enters, decides = MATRIX[role]
    user = getattr(pts.users, role)
    entry = enter(pts)
    assert selectors.entries_for(user).filter(pk=entry.pk).exists() is sees
    try:
        services.approve_entry(user, entry)
        approved = True
    except PermissionDenied:
        approved = False
    assert approved is approves
    try:
        enter(pts, by=user)
        entered = True
    except (PermissionDenied, NotFound):
        entered = False
    assert entered is enters
    rejected = enter(pts, by=pts.users.grid)
    services.reject_entry(pts.users.town if role != "town" else pts.users.approver, rejected, reason="缺材料")
    appeal = services.file_appeal(pts.users.zhang, rejected, reason="有材料")
    try:
        services.decide_appeal(user, appeal, uphold=False, reason="核实")
        decided = True
    except PermissionDenied:
        decided = False
    assert decided is decides


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clerk", 200),
        ("grid", 200),
        ("town", 200),
        ("supervisor", 200),
        ("community2", 404),
        ("grid2", 404),
        ("department", 403),
        ("zhang", 403),  # a resident reads the ranking and her own entries, not the list
    ],
)
def test_entry_list_per_role(pts, role, status):
    client = Client()
    client.force_login(getattr(pts.users, role))
    assert client.get(reverse("care:points:entries", args=[pts.party.pk])).status_code == status


def test_anonymous_is_sent_to_login(pts):
    client = Client()
    for name in ("schemes",):
        assert client.get(reverse(f"care:points:{name}")).status_code == 302
    assert client.get(reverse("care:points:ranking", args=[pts.party.pk])).status_code == 302
    entry = enter(pts)
    assert client.get(reverse("care:points:entry", args=[entry.pk])).status_code == 302


def test_public_page_shows_rules_and_nothing_personal(pts, town):
    entry = enter(pts)
    services.approve_entry(pts.users.approver, entry)
    draft = services.create_scheme(pts.users.clerk, node=town["c1"], name="草稿方案", kind="other", year=pts.party.year)
    client = Client()
    index = client.get(reverse("points_public:index")).content.decode()
    assert "南庄社区党员积分" in index and "草稿方案" not in index
    page = client.get(reverse("points_public:scheme", args=[pts.party.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "参加组织生活" in text and "无故缺席组织生活" in text and "-5" in text
    for personal in ("张建国", "张*国", "李秀英", pts.people.zhang.id_number[:6] + pts.people.zhang.id_number[6:]):
        assert personal not in text
    assert client.get(reverse("points_public:scheme", args=[draft.pk])).status_code == 404
    assert "积分规则公示" in client.get(reverse("disclosure:index")).content.decode()


@pytest.mark.parametrize("table", [SCHEME, ENTRY, APPEAL], ids=lambda t: t.name)
def test_tables_are_well_formed(table):
    test_table_is_well_formed(table)
