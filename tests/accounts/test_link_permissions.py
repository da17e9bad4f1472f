"""Permission matrix of the staff screen that links residents' accounts (居民账号): role ×
action × resident in or out of the user's scope, on the web (the only channel it has).

Who may: whoever holds registry.change_resident on the resident's grid (town, community,
grid worker). Out of their scope the resident is not found (404); roles without the permission
anywhere are refused (403)."""

import pytest
from django.urls import reverse

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import LinkCode, User
from gongzhi.core.models import AuditEntry
from tests.factories import make_resident, make_user

PASSWORD = "gongzhi-demo-2026"
ROLES = {  # role → node key
    "town": "t",
    "community": "c1",
    "grid": "g11",
    "department": "t",
    "supervisor": "c1",
    "resident": "g11",
}
MAY = {"town": {"in", "out"}, "community": {"in"}, "grid": {"in"}}
ACTIONS = ["detail", "link", "create", "unlink", "code"]


def _actor(town, role):
    if role == "resident":  # a linked resident of the grid
        person = make_resident(town["g11"], name="居民甲")
        user = accounts.create_user(username="jumin", password=PASSWORD)
        return linking.link(user, person)
    return make_user(role, town[ROLES[role]])


def _call(client, action, target):
    pk = target.pk
    if action == "detail":
        return client.get(reverse("resident_link", args=[pk]))
    if action == "link":
        accounts.create_user(username=f"plain{pk}", password=PASSWORD)
        return client.post(reverse("resident_link_existing", args=[pk]), {"username": f"plain{pk}"})
    if action == "create":
        return client.post(
            reverse("resident_create_account", args=[pk]), {"username": f"new{pk}", "password": PASSWORD}
        )
    if action == "unlink":
        linking.link(accounts.create_user(username=f"had{pk}", password=PASSWORD), target)
        return client.post(reverse("resident_unlink", args=[pk]), {"reason": "绑错了人"})
    linking.request_code(target.phone, target.id_number)
    return client.post(reverse("resident_reveal_code", args=[pk]))


def _happened(action, target) -> bool:
    linked = User.objects.filter(resident=target).first()
    if action == "link":
        return linked is not None and linked.username == f"plain{target.pk}"
    if action == "create":
        return linked is not None and linked.username == f"new{target.pk}"
    if action == "unlink":
        return linked is None
    if action == "code":
        return AuditEntry.objects.filter(content_type__model="linkcode", action="view").exists()
    return True


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("scope", ["in", "out"])
@pytest.mark.parametrize("role", list(ROLES))
def test_link_screen_matrix(client, town, role, scope, action, settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.accounts.sms.CounterBackend"
    target = make_resident(town["g11" if scope == "in" else "g21"], name="刘德福", phone="13912345678")
    client.force_login(_actor(town, role))
    resp = _call(client, action, target)
    if scope in MAY.get(role, set()):
        assert resp.status_code == (200 if action in ("detail", "code") else 302)
        assert _happened(action, target)
        if action == "code":
            assert LinkCode.objects.get(resident=target).code in resp.content.decode()
    else:
        assert resp.status_code == (404 if role in MAY else 403)
        if action != "detail":
            assert not _happened(action, target)


@pytest.mark.parametrize("role", list(ROLES))
def test_search_matrix(client, town, role):
    make_resident(town["g11"], name="刘德福")
    make_resident(town["g21"], name="刘德贵")
    client.force_login(_actor(town, role))
    resp = client.get(reverse("resident_accounts"), {"q": "刘德"})
    if role not in MAY:
        assert resp.status_code == 403
        return
    html = resp.content.decode()
    assert resp.status_code == 200 and "刘德福" in html
    assert ("刘德贵" in html) == ("out" in MAY[role])


def test_search_shows_masked_numbers_and_who_is_linked(client, town):
    person = make_resident(town["g11"], name="刘德福", phone="13912345678")
    linking.link(accounts.create_user(username="liudaye", password=PASSWORD), person)
    client.force_login(make_user("grid", town["g11"]))
    html = client.get(reverse("resident_accounts"), {"q": "刘德福"}).content.decode()
    assert "liudaye" in html and "139****5678" in html and person.id_number not in html


def test_staff_account_cannot_be_linked_on_the_screen(client, town):
    target = make_resident(town["g11"], name="刘德福")
    make_user("grid", town["g12"], username="otherworker")
    client.force_login(make_user("community", town["c1"]))
    resp = client.post(reverse("resident_link_existing", args=[target.pk]), {"username": "otherworker"})
    assert resp.status_code == 422 and "工作人员账号" in resp.content.decode()
    assert not User.objects.filter(resident=target).exists()
