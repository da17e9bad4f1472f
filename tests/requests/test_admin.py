"""The back office lists requests scoped like the app, shows no phone numbers, edits
categories through the services (audited) and changes no request."""

from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.requests.choices import Status
from tests import factories

from .conftest import PHONE


def test_changelists_render_and_hide_phones(client, world, flow):
    r = flow.to(Status.CLOSED)
    admin = factories.make_user("admin", world.town["d"])
    client.force_login(admin)
    for name in (
        "servicerequests_servicerequest",
        "servicerequests_category",
        "cases_journalentry",
        "cases_returnvisit",
        "cases_notification",
    ):
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    page = client.get(reverse("admin:servicerequests_servicerequest_change", args=[r.pk])).content.decode()
    assert r.tracking_number in page and PHONE not in page


def test_category_edit_is_audited(client, world):
    admin = factories.make_user("admin", world.town["d"])
    client.force_login(admin)
    before = AuditEntry.objects.filter(object_repr="噪声扰民").count()
    url = reverse("admin:servicerequests_category_change", args=[world.noise.pk])
    data = {
        "name": "噪声扰民",
        "kind": "complaint",
        "default_assignee": world.orgs.cg.pk,
        "deadline_days": 7,
        "max_extension_days": 10,
        "return_window_days": 2,
        "service_code": "noise",
        "description": "",
        "visibility": "public",
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    world.noise.refresh_from_db()
    assert world.noise.deadline_days == 7
    assert AuditEntry.objects.filter(object_repr="噪声扰民").count() == before + 1


def test_admin_makes_a_category_private_and_it_leaves_open311(client, world, flow):
    """Visibility is edited in the admin like any field (through the service, audited), and
    the public channels follow at once."""
    r = flow.file(received_at=factories_now())
    assert str(r.pk) in client.get("/open311/v2/requests.json").content.decode()
    client.force_login(factories.make_user("admin", world.town["d"]))
    url = reverse("admin:servicerequests_category_change", args=[world.noise.pk])
    data = {
        "name": "噪声扰民",
        "kind": "complaint",
        "default_assignee": world.orgs.cg.pk,
        "deadline_days": 5,
        "max_extension_days": 10,
        "return_window_days": 2,
        "service_code": "noise",
        "description": "",
        "visibility": "private",
        "active": "on",
    }
    assert client.post(url, data).status_code == 302
    world.noise.refresh_from_db()
    assert world.noise.visibility == "private"
    entry = AuditEntry.objects.filter(object_repr="噪声扰民").latest("pk")
    assert entry.before["visibility"] == "public" and entry.after["visibility"] == "private"
    client.logout()
    assert client.get("/open311/v2/requests.json").json() == []
    assert client.get(f"/open311/v2/requests/{r.pk}.json").status_code == 404


def factories_now():
    from django.utils import timezone

    return timezone.now()
