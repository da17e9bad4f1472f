"""用户管理 inside the product: who may list, create, deactivate, grant roles to and reset the
password of whom (the permission matrix), each change audited; the Django admin is for
superusers only."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts import staff_admin
from gongzhi.accounts.models import Membership, Role, User
from gongzhi.core import audit
from gongzhi.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def people(town):
    mk = factories.make_user
    return {
        "root": mk("admin", town["d"]),  # superuser
        "town_admin": mk("admin", town["t"]),  # 系统管理员 of the town only
        "c1_admin": mk("admin", town["c1"]),
        "town": mk("town", town["t"]),
        "grid11": mk("grid", town["g11"]),
        "grid21": mk("grid", town["g21"]),
        "district": mk("town", town["d"]),  # works above the town
    }


# Who sees whom in the list: an administrator sees the users whose every role lies in their
# scope, never a superuser, never someone who also works outside it; others see no list.
MATRIX = {
    "root": {"town_admin", "c1_admin", "town", "grid11", "grid21", "district"},
    "town_admin": {"c1_admin", "town", "grid11", "grid21"},
    "c1_admin": {"grid11"},
    "town": None,
    "grid11": None,
}


@pytest.mark.parametrize("who", MATRIX)
def test_list_shows_the_users_in_scope(people, who):
    response = client_for(people[who]).get(reverse("staff_users"))
    expected = MATRIX[who]
    if expected is None:
        assert response.status_code == 403
        return
    listed = {u.username for u in response.context["page"].object_list}
    assert listed == {people[k].username for k in expected}
    for other in set(people) - expected:
        if other != who:
            assert client_for(people[who]).get(reverse("staff_user", args=[people[other].pk])).status_code == 404


def test_admin_creates_a_user_with_a_role_and_a_temporary_password(people, town):
    c = client_for(people["c1_admin"])
    grid_role = Role.objects.get(slug="grid")
    response = c.post(
        reverse("staff_user_create"),
        {"username": "wangfang", "display_name": "王芳", "phone": "", "role": grid_role.pk, "node": town["g12"].pk},
    )
    assert response.status_code == 200
    password = response.context["new_password"]
    user = User.objects.get(username="wangfang")
    assert user.check_password(password) and not user.is_staff and not user.is_superuser
    assert list(user.memberships.values_list("role__slug", "node__code")) == [("grid", town["g12"].code)]
    assert AuditEntry.objects.filter(object_id=str(user.pk), action="create").exists()
    # Not on a place outside the administrator's scope: a clear message, nothing saved.
    response = c.post(
        reverse("staff_user_create"),
        {"username": "lisi", "display_name": "李四", "role": grid_role.pk, "node": town["g21"].pk},
    )
    assert response.status_code == 422 and not User.objects.filter(username="lisi").exists()
    assert "选择一个有效的选项" in response.content.decode() or "不能在" in response.content.decode()


def test_deactivate_reset_and_grant_are_audited(people, town):
    c = client_for(people["town_admin"])
    target = people["grid11"]
    c.post(reverse("staff_user_active", args=[target.pk]), {"active": "0"})
    target.refresh_from_db()
    assert not target.is_active
    entry = AuditEntry.objects.filter(object_id=str(target.pk), action="update").latest("pk")
    assert entry.actor == people["town_admin"] and entry.after == {"is_active": False}

    response = c.post(reverse("staff_user_password", args=[target.pk]))
    target.refresh_from_db()
    assert target.check_password(response.context["new_password"])
    assert AuditEntry.objects.filter(object_id=str(target.pk), reason="管理员重置密码").exists()

    role = Role.objects.get(slug="community")
    c.post(reverse("staff_user_grant", args=[target.pk]), {"role": role.pk, "node": town["c1"].pk})
    m = Membership.objects.get(user=target, role=role)
    assert AuditEntry.objects.filter(action="create", object_id=str(m.pk)).exists()
    c.post(reverse("staff_user_withdraw", args=[target.pk, m.pk]))
    assert not Membership.objects.filter(pk=m.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(m.pk)).exists()


def test_no_one_hands_out_more_than_they_hold(people, town):
    admin_role = Role.objects.get(slug="admin")
    # The town's administrator may not make anyone an administrator of the district …
    with audit.acting(user=people["town_admin"]), pytest.raises(Exception, match="不能在"):
        staff_admin.assign_role(people["town_admin"], people["grid11"], role=admin_role, node=town["d"])
    # … nor reach a user who also works above the town, nor a superuser, nor themselves.
    for other in ("district", "root", "town_admin"):
        assert not staff_admin.can_manage(people["town_admin"], people[other])
        response = client_for(people["town_admin"]).post(reverse("staff_user_active", args=[people[other].pk]))
        assert response.status_code == 404
    # A grid worker is refused every action.
    response = client_for(people["grid11"]).post(reverse("staff_user_active", args=[people["grid21"].pk]))
    assert response.status_code == 403
    assert User.objects.get(pk=people["grid21"].pk).is_active


def test_django_admin_is_for_superusers_only(people):
    assert client_for(people["root"]).get("/admin/").status_code == 200
    for who in ("town_admin", "town"):
        response = client_for(people[who]).get("/admin/accounts/user/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_list_queries_stay_flat_and_export_is_audited(people, town, django_assert_max_num_queries):
    c = client_for(people["town_admin"])
    url = reverse("staff_users")
    with django_assert_max_num_queries(12) as few:
        c.get(url)
    for i in range(10):
        factories.make_user("grid", town["g12"], username=f"more{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):  # 10 more users, no more queries
        c.get(url)
    response = c.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="export", actor=people["town_admin"]).latest("pk")
    assert entry.after == {"rows": 14}
