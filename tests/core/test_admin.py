"""The back office reads through scoped querysets and writes through the services."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident
from gongzhi.territory.models import Building
from tests.factories import id_number, make_resident, make_user

ADMIN_LISTS = [
    "territory_node",
    "territory_building",
    "territory_unit",
    "registry_household",
    "registry_resident",
    "registry_tag",
    "registry_residentmove",
    "core_auditentry",
    "accounts_user",
    "accounts_role",
]


@pytest.fixture
def superuser_client(client, town):
    client.force_login(make_user("admin", town["d"], username="root", is_staff=True))
    return client


@pytest.mark.parametrize("name", ADMIN_LISTS)
def test_every_admin_list_and_add_page_opens(superuser_client, town, name):
    make_resident(town["g11"])
    assert superuser_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_town_staff_works_in_the_product_not_in_the_django_admin(client, town):
    """The Django admin is for superusers only (accounts/admin.py); town staff are sent to its
    login page and use the product's own pages, scoped as everywhere."""
    mine = make_resident(town["g11"], name="本镇人")
    client.force_login(make_user("town", town["t"]))
    for url in (
        reverse("admin:registry_resident_changelist"),
        reverse("admin:registry_resident_change", args=[mine.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "本镇人" in client.get(reverse("registry:resident_list")).content.decode()


def test_admin_create_goes_through_service_and_is_audited_as_admin(superuser_client, town):
    response = superuser_client.post(
        reverse("admin:territory_building_add"),
        {"grid": town["g11"].pk, "name": "9号楼", "address": "人民路9号", "floors": 6, "rooms": 24},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    building = Building.objects.get(name="9号楼")
    entry = AuditEntry.objects.get(action="create", object_id=str(building.pk), content_type__model="building")
    assert entry.source == "admin"


def test_admin_resident_form_shows_service_validation_inline(superuser_client, town):
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = superuser_client.post(
        reverse("admin:registry_resident_add"),
        {
            "name": "李四",
            "id_number": bad,
            "gender": "M",
            "birth_date": "1990-01-01",
            "grid": town["g11"].pk,
            "residence_type": "registered",
            "separation": "none",
            "status": "active",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert not Resident.objects.filter(name="李四").exists()


def test_admin_resident_create_derives_fields_through_the_service(superuser_client, town):
    number = id_number(male=False)
    response = superuser_client.post(
        reverse("admin:registry_resident_add"),
        # The birth date the number carries: factories.id_number moves it on every 500 numbers.
        {
            "name": "王芳芳",
            "id_number": number.lower(),
            "gender": "F",
            "birth_date": f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
            "grid": town["g11"].pk,
            "residence_type": "registered",
            "separation": "none",
            "status": "active",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    person = Resident.objects.get(name="王芳芳")
    assert (person.id_number, person.name_initials) == (number.upper(), "wff")
    assert (
        AuditEntry.objects.get(action="create", object_id=str(person.pk), content_type__model="resident").source
        == "admin"
    )
