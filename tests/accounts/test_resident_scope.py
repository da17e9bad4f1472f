"""A linked resident's scope is their community/village (accounts/scoping.py): like 刘大爷,
living in a grid of 南庄社区, they see 南庄's matters, meetings and decisions — on the web, in
exports and wherever `visible_to` is asked — and nothing of 梁丰社区; unlinked, moved out or
deceased, they see none."""

import datetime as dt

from django.urls import reverse

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.consultation import selectors
from gongzhi.consultation import services as consultation
from gongzhi.core.scoping import has_perm_at, paths_for
from gongzhi.registry import services as registry
from tests.consultation.conftest import born
from tests.factories import make_user


def _resident_user(grid, username="liudaye"):
    person = born(grid, dt.date(1948, 3, 3), name="刘大爷")
    user = accounts.create_user(username=username, password="gongzhi-demo-2026", display_name="刘大爷")
    return linking.link(user, person), person


def _matters(town):
    raiser_own = born(town["g12"], dt.date(1970, 1, 1), name="邻居")
    raiser_other = born(town["g21"], dt.date(1970, 1, 1), name="外人")
    own = consultation.raise_matter(
        node=town["c1"],
        title="小区乱停车",
        resident=raiser_own,
        support_threshold=3,
        threshold_reason="测试设定的联署人数",
    )
    other = consultation.raise_matter(
        node=town["c2"],
        title="梁丰的议题",
        resident=raiser_other,
        support_threshold=3,
        threshold_reason="测试设定的联署人数",
    )
    return own, other


def test_linked_resident_holds_the_resident_role_on_the_community(town):
    user, _person = _resident_user(town["g11"])
    assert paths_for(user, "consultation.view_matter") == (town["c1"].path,)
    assert has_perm_at(user, "consultation.add_support", town["c1"].path)
    assert not has_perm_at(user, "consultation.view_matter", town["c2"].path)
    assert paths_for(user, "registry.view_resident") == ()  # the role reads no registry


def test_resident_sees_own_community_matter_and_not_another(client, town):
    user, _person = _resident_user(town["g11"])
    own, other = _matters(town)
    client.force_login(user)
    assert client.get(reverse("consultation:matter_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("consultation:matter_detail", args=[other.pk])).status_code == 404
    html = client.get(reverse("consultation:matter_list")).content.decode()
    assert "小区乱停车" in html and "梁丰的议题" not in html
    assert list(selectors.matters(user)) == [own]


def test_resident_export_holds_own_community_only(client, town):
    from io import BytesIO

    from openpyxl import load_workbook

    user, _person = _resident_user(town["g11"])
    _matters(town)
    client.force_login(user)
    resp = client.get(reverse("consultation:matter_list") + "?export=xlsx")
    assert resp.status_code == 200
    cells = [c for row in load_workbook(BytesIO(resp.content)).active.iter_rows(values_only=True) for c in row]
    assert "小区乱停车" in cells and "梁丰的议题" not in cells


def test_resident_co_signs_own_community_matter(client, town):
    user, person = _resident_user(town["g11"])
    own, other = _matters(town)
    client.force_login(user)
    resp = client.post(reverse("consultation:matter_co_sign", args=[own.pk]))
    assert resp.status_code == 302
    own.refresh_from_db()
    assert own.support_count == 1 and own.supports.get().resident == person
    assert client.post(reverse("consultation:matter_co_sign", args=[other.pk])).status_code == 404


def test_the_grid_membership_alone_sees_nothing_of_the_community(client, town):
    """The demo's old state: the role on the grid, no link — every matter answers 404."""
    own, _other = _matters(town)
    client.force_login(make_user("resident", town["g11"]))
    assert client.get(reverse("consultation:matter_detail", args=[own.pk])).status_code == 404


def test_unlinked_or_moved_resident_loses_the_community(client, town):
    user, person = _resident_user(town["g11"])
    own, _other = _matters(town)
    client.force_login(user)
    assert client.get(reverse("consultation:matter_detail", args=[own.pk])).status_code == 200
    registry.update_resident(person, {"status": "moved_out"}, reason="迁出")
    # No permission anywhere any more: the page is refused outright (403, core.web.perm_required).
    assert client.get(reverse("consultation:matter_detail", args=[own.pk])).status_code == 403
    registry.update_resident(person, {"status": "active"}, reason="迁回")
    assert client.get(reverse("consultation:matter_detail", args=[own.pk])).status_code == 200
    linking.unlink(user, reason="绑错了人")
    assert client.get(reverse("consultation:matter_detail", args=[own.pk])).status_code == 403


def test_scope_follows_the_registry_when_the_resident_moves_grid(client, town):
    user, person = _resident_user(town["g11"])
    own, other = _matters(town)
    registry.move_resident(person, grid=town["g21"], reason="搬到梁丰")
    client.force_login(user)
    assert client.get(reverse("consultation:matter_detail", args=[own.pk])).status_code == 404
    assert client.get(reverse("consultation:matter_detail", args=[other.pk])).status_code == 200


def test_grants_are_still_one_query(town, django_assert_num_queries):
    user, _person = _resident_user(town["g11"])
    from gongzhi.core import scoping

    scoping.forget(user)
    with django_assert_num_queries(1):
        scoping.grants(user)


def test_the_link_opens_no_registry_or_territory_api(town):
    """The API lists of today (registry, territory, mediation) stay closed to a linked
    resident: the link grants only the resident role's consultation reads on their community.
    A consultation API reading through consultation.selectors follows the same grants."""
    from tests.api_client import ApiClient

    user, _person = _resident_user(town["g11"])
    api = ApiClient(user)
    for path in ("/residents", "/households", "/nodes", "/mediation/disputes"):
        assert api.get(path).status_code == 403, path
    assert api.get("/auth/tokens").status_code == 200  # the token itself works
