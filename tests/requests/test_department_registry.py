"""Issue 9, finding 6 (second half): a department does not browse the town's registry. The
seeded department role holds no registry read (accounts/roles.py); migration servicerequests
0004 takes the old reads away from existing databases, and seeding does not give them back.
A department still sees the resident and household its assigned request refers to — masked,
on the request page — and nobody else's."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse

from gongzhi.accounts.models import Membership, Role
from gongzhi.accounts.roles import SEEDED_ROLES, seed_roles
from gongzhi.core.masking import mask_id
from gongzhi.core.models import AuditEntry
from gongzhi.core.scoping import forget
from gongzhi.requests import services
from tests import factories
from tests.api_client import ApiClient

MIGRATION = import_module("gongzhi.requests.migrations.0004_department_role_reads_only_its_cases")
OLD_READS = ["view_household", "view_resident", "view_tag", "view_residentmove"]
ID = "320582199001010014"


@pytest.fixture
def people(world):
    household = factories.make_household(world.town["g11"], room="2-301", address="人民路 18 号 3 幢")
    named = factories.make_resident(
        household=household, name="王秀英", phone="13900001234", id_number=factories.id_number()
    )
    other = factories.make_resident(world.town["g21"], name="赵其他", with_household=False)
    return named, other, household


@pytest.fixture
def assigned(world, flow, people):
    named, _, household = people
    r = flow.file(resident=named, household=household, description="楼上漏水")
    return services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg)


def registry_reads(client, api, resident) -> dict:
    """What the department gets from each registry channel for `resident`."""
    web_list = client.get(reverse("registry:resident_list"))
    api_list = api.get("/residents", page_size=1000)
    return {
        "web list": web_list.status_code,
        "web list shows": resident.name in web_list.content.decode(),
        "web detail": client.get(reverse("registry:resident_detail", args=[resident.pk])).status_code,
        "api list": api_list.status_code,
        "api list shows": api_list.status_code == 200 and resident.pk in {x["id"] for x in api_list.json()["results"]},
        "api detail": api.get(f"/residents/{resident.pk}").status_code,
        "household": client.get(reverse("registry:household_detail", args=[resident.household_id or 0])).status_code,
    }


def grant_old_reads():
    """The department role as seeded before: registry reads on its whole area."""
    role = Role.objects.get(slug="department")
    role.permissions.add(*Permission.objects.filter(content_type__app_label="registry", codename__in=OLD_READS))


def test_seeded_department_role_has_no_registry_read(db):
    perms = SEEDED_ROLES["department"][2]
    assert not [p for p in perms if p.startswith("registry.")]
    held = set(Role.objects.get(slug="department").permissions.values_list("content_type__app_label", flat=True))
    assert "registry" not in held


def test_migration_takes_the_old_reads_away(client, world, people):
    named, other, _ = people
    grant_old_reads()
    dept = world.users.dept
    client.force_login(dept)
    api = ApiClient(dept)
    before = registry_reads(client, api, other)
    # Before: 城管 read any resident of the town (this one has no household: 404 there).
    assert before == {
        "web list": 200,
        "web list shows": True,
        "web detail": 200,
        "api list": 200,
        "api list shows": True,
        "api detail": 200,
        "household": 404,
    }
    assert client.get(reverse("registry:household_detail", args=[named.household_id])).status_code == 200
    MIGRATION.forwards(apps, None)
    forget(dept)
    seed_roles()  # seeding adds what roles.py lists; it must not bring the reads back
    for resident in (named, other):
        after = registry_reads(client, ApiClient(dept), resident)
        assert after == {
            "web list": 403,
            "web list shows": False,
            "web detail": 403,
            "api list": 403,
            "api list shows": False,
            "api detail": 404,
            "household": 403,
        }
    assert "职能部门" in Role.objects.get(slug="department").name
    assert "诉求涉及" in Role.objects.get(slug="department").description


def test_migration_back_restores_the_reads(world):
    MIGRATION.backwards(apps, None)
    codes = set(
        Role.objects.get(slug="department")
        .permissions.filter(content_type__app_label="registry")
        .values_list("codename", flat=True)
    )
    assert codes == set(OLD_READS)


def test_department_sees_the_referenced_resident_masked_on_its_request(client, world, people, assigned):
    named, other, household = people
    client.force_login(world.users.dept)
    html = client.get(reverse("requests_staff:detail", args=[assigned.pk])).content.decode()
    assert 'id="referenced-resident"' in html and "王秀英" in html
    assert named.id_number not in html and "13900001234" not in html and "139****1234" in html
    assert mask_id(named.id_number) in html
    assert 'id="referenced-household"' in html and household.number in html and "2-301" in html
    assert "赵其他" not in html
    # … and still no registry page of that resident.
    assert client.get(reverse("registry:resident_detail", args=[named.pk])).status_code == 403


def test_another_department_sees_neither_request_nor_resident(client, world, people, assigned):
    client.force_login(world.users.dept2)
    assert client.get(reverse("requests_staff:detail", args=[assigned.pk])).status_code == 404


def test_a_referenced_resident_with_a_sensitive_tag_stays_protected(client, world, flow):
    person = factories.make_resident(
        world.town["g11"], name="孙敏感", tags=[factories.sensitive_tag()], with_household=False
    )
    r = services.dispatch(flow.file(resident=person), world.users.dispatcher, assignee=world.orgs.cg)
    client.force_login(world.users.dept)
    html = client.get(reverse("requests_staff:detail", args=[r.pk])).content.decode()
    assert "孙敏感" not in html and "该居民信息受保护" in html
    assert not AuditEntry.objects.filter(action="view").exists()
    # A carer holding registry.view_sensitive there sees the person, and that view is logged.
    carer = world.users.dispatcher
    Membership.objects.create(user=carer, role=Role.objects.get(slug="sensitive"), node=world.town["t"])
    forget(carer)
    client.force_login(carer)
    html = client.get(reverse("requests_staff:detail", args=[r.pk])).content.decode()
    assert "孙敏感" in html and person.id_number not in html
    assert AuditEntry.objects.filter(action="view", object_id=str(person.pk)).count() == 1
