"""Issue 9, findings 3–5, per role and per channel (web, export, admin; the API is in
test_api_disclosure.py): numbers masked by default everywhere, full numbers only on an explicit
request by a holder of the unmask right, sensitive records shown only with the sensitive right
and every showing of one logged."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core import audit
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry
from gongzhi.registry import exports
from gongzhi.registry.models import Resident
from tests.factories import make_resident, make_user, sensitive_tag

# Roles that read the registry. Departments read none of it, only what their requests refer to
# (tests/requests/test_department_registry.py).
ROLES = {"town": "t", "community": "c1", "grid": "g11", "sensitive": "c1", "supervisor": "t"}
MAY_UNMASK, MAY_SEE_SENSITIVE = {"town"}, {"sensitive"}
MAY_EXPORT, STAFF = {"town", "community", "grid"}, {"town"}


@pytest.fixture
def people(town):
    plain = make_resident(town["g11"], name="张三", phone="13812345678")
    secret = make_resident(town["g11"], name="褚矫正", phone="13900001111", tags=[sensitive_tag()])
    return plain, secret


def views_by(user):
    return list(AuditEntry.objects.filter(action=AuditAction.VIEW, actor=user).values_list("object_id", flat=True))


@pytest.mark.parametrize("role", ROLES)
def test_web(client, town, people, role):
    plain, secret = people
    user = make_user(role, town[ROLES[role]])
    client.force_login(user)
    html = client.get(reverse("registry:resident_detail", args=[plain.pk])).content.decode()
    listing = client.get(reverse("registry:resident_list")).content.decode()
    for page in (html, listing):
        assert plain.id_number not in page and "13812345678" not in page and "138****5678" in page
    assert ('name="purpose"' in html) == (role in MAY_UNMASK)
    revealed = client.post(reverse("registry:resident_unmask", args=[plain.pk]), {"purpose": "核对"})
    if role in MAY_UNMASK:
        assert plain.id_number in revealed.content.decode()
    else:
        assert revealed.status_code == 403
    detail = client.get(reverse("registry:resident_detail", args=[secret.pk]))
    if role in MAY_SEE_SENSITIVE:
        assert detail.status_code == 200 and "褚矫正" in listing
        assert views_by(user) == [str(secret.pk)] * 2  # the list, then the detail page
    else:
        assert detail.status_code == 404 and "褚矫正" not in listing and views_by(user) == []


@pytest.mark.parametrize("role", ROLES)
def test_export(town, people, role):
    plain, secret = people
    user = make_user(role, town[ROLES[role]])
    with audit.acting(user=user, source="web"):
        if role not in MAY_EXPORT:
            with pytest.raises(PermissionDenied):
                exports.export_residents(user, Resident.objects.all())
            return
        response = exports.export_residents(user, Resident.objects.all())
        cells = {
            c
            for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
            for c in row
            if isinstance(c, str)
        }
        assert plain.id_number not in cells and "138****5678" in cells
        assert "褚矫正" not in cells  # none of these roles holds the sensitive right
        if role in MAY_UNMASK:
            full = exports.export_residents(user, Resident.objects.all(), unmask=True, purpose="核对")
            cells = {
                c
                for row in load_workbook(io.BytesIO(full.content)).active.iter_rows(values_only=True)
                for c in row
                if isinstance(c, str)
            }
            assert plain.id_number in cells
        else:
            with pytest.raises(PermissionDenied):
                exports.export_residents(user, Resident.objects.all(), unmask=True, purpose="核对")


@pytest.mark.parametrize("role", ROLES)
def test_admin(client, town, people, role):
    plain, secret = people
    user = make_user(role, town[ROLES[role]])
    client.force_login(user)
    response = client.get(reverse("admin:registry_resident_change", args=[plain.pk]))
    if role not in STAFF:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        return
    html = response.content.decode()
    assert plain.id_number not in html and "13812345678" not in html
    assert client.get(reverse("admin:registry_resident_change", args=[secret.pk])).status_code in (302, 404)
    assert "褚矫正" not in client.get(reverse("admin:registry_resident_changelist")).content.decode()
    assert views_by(user) == [] and not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()


def test_every_page_showing_a_sensitive_record_logs_the_view(client, town, people):
    """The edit and move forms and the answer to "显示完整号码" show the person as the detail
    page does, so each logs the sensitive view too (found by tests/test_permission_fuzz.py)."""
    from gongzhi.accounts import services as accounts

    _plain, secret = people
    user = make_user("town", town["t"])
    accounts.grant(user, role="sensitive", node=town["t"])
    client.force_login(user)
    for name in ("resident_edit", "resident_move"):
        assert client.get(reverse(f"registry:{name}", args=[secret.pk])).status_code == 200
    revealed = client.post(reverse("registry:resident_unmask", args=[secret.pk]), {"purpose": "核对"})
    assert secret.id_number in revealed.content.decode()
    assert views_by(user) == [str(secret.pk)] * 3
    assert AuditEntry.objects.filter(action=AuditAction.UNMASK, actor=user, object_id=str(secret.pk)).count() == 1
