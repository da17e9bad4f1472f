"""A resident in a sensitive group (社区矫正 …) who comes to the hall: her name and phone reach
only readers holding `registry.view_sensitive` at her grid, by every channel the hall has — the
lists and record pages, the Excel exports, the API and the audit list — and each read of her
record by such a reader is logged, as the registry's own pages do."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.accounts import services as accounts
from gongzhi.core.audit import acting
from gongzhi.core.models import AuditEntry
from gongzhi.registry.models import Resident
from gongzhi.services.models import Enquiry, Errand
from tests import factories
from tests.api_client import ApiClient

from .conftest import errand, log

NAME, PHONE = "钱矫正", "13700009876"


@pytest.fixture
def secret(hall):
    """钱矫正 on g11, and a 社区 worker of 南庄 who also holds the sensitive right there (the
    one who received her); `hall.users.colleague` works at the same hall without it."""
    person = factories.make_resident(hall.town["g11"], name=NAME, phone=PHONE, tags=[factories.sensitive_tag()])
    carer = factories.make_user("community", hall.town["c1"], username="hall_carer")
    accounts.grant(carer, role="sensitive", node=hall.town["c1"])
    with acting(user=carer, source="web"):
        enquiry = log(hall, by=carer, resident=person)
        job = errand(hall, by=carer, resident=person, enquiry=enquiry)
    return person, carer, enquiry, job


def _reads_of(person) -> int:
    return AuditEntry.objects.filter(
        action="view", content_type__model="resident", object_id=str(person.pk), reason__contains="敏感"
    ).count()


def _pages(hall, enquiry, job):
    return [
        reverse("services:enquiries"),
        reverse("services:enquiry", args=[enquiry.pk]),
        reverse("services:errands"),
        reverse("services:errand", args=[job.pk]),
    ]


def test_pages_hide_her_from_colleagues_without_the_right(client, hall, secret):
    person, carer, enquiry, job = secret
    client.force_login(hall.users.colleague)
    for url in _pages(hall, enquiry, job):
        html = client.get(url).content.decode()
        assert NAME not in html and "9876" not in html, url
        assert "受保护人员" in html, url
    assert _reads_of(person) == 0


def test_pages_name_her_to_the_holder_of_the_right_and_log_each_read(client, hall, secret):
    person, carer, enquiry, job = secret
    client.force_login(carer)
    for n, url in enumerate(_pages(hall, enquiry, job), start=1):
        html = client.get(url).content.decode()
        assert NAME in html and "受保护人员" not in html, url
        assert _reads_of(person) == n


def test_an_errand_opened_from_her_enquiry_does_not_carry_her_over_to_a_colleague(client, hall, secret):
    person, carer, enquiry, job = secret
    client.force_login(hall.users.colleague)
    html = client.get(reverse("services:errand_new"), {"enquiry": enquiry.pk}).content.decode()
    assert NAME not in html and f'data-resident="{person.pk}"' not in html


@pytest.mark.parametrize("reader", ["colleague", "carer"])
def test_exports_name_her_only_to_the_holder_of_the_right(client, hall, secret, reader):
    person, carer, enquiry, job = secret
    user = carer if reader == "carer" else hall.users.colleague
    client.force_login(user)
    for name in ("services:enquiries", "services:errands"):
        response = client.get(reverse(name), {"state": "all", "export": "xlsx"})
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert (NAME in cells) is (reader == "carer"), name
        assert ("（受保护人员）" in cells) is (reader == "colleague"), name
    assert _reads_of(person) == (2 if reader == "carer" else 0)


def test_api_hides_her_from_colleagues_and_logs_reads_by_the_holder(hall, secret):
    person, carer, enquiry, job = secret
    api = ApiClient(hall.users.colleague)
    answers = [
        api.get("/services/enquiries").json()["results"][0],
        api.get(f"/services/enquiries/{enquiry.pk}").json(),
        api.get("/services/errands").json()["results"][0],
        api.get(f"/services/errands/{job.pk}").json(),
    ]
    assert [a["person"] if "person" in a else a["applicant"] for a in answers] == ["（受保护人员）"] * 4
    assert all(a["phone"] == "" for a in answers)
    assert _reads_of(person) == 0
    api = ApiClient(carer)
    assert api.get(f"/services/errands/{job.pk}").json()["applicant"] == NAME
    assert api.get("/services/enquiries").json()["results"][0]["person"] == NAME
    assert _reads_of(person) == 2


def test_audit_list_hides_her_hall_records_from_colleagues(client, hall, secret):
    person, carer, enquiry, job = secret
    assert AuditEntry.objects.filter(content_type__model="errand", object_id=str(job.pk)).exists()
    client.force_login(hall.users.colleague)
    html = client.get(reverse("core:audit_list")).content.decode()
    assert NAME not in html
    client.force_login(carer)
    assert NAME in client.get(reverse("core:audit_list")).content.decode()


def test_a_record_read_outside_the_selectors_hides_her_whoever_reads_it(hall, secret):
    person, carer, enquiry, job = secret
    # Deny by default: without the selectors' annotation the model cannot know the reader.
    assert Enquiry.objects.get(pk=enquiry.pk).person_name == "（受保护人员）"
    assert Errand.objects.get(pk=job.pk).person_phone == ""
    plain = log(hall)
    assert Enquiry.objects.get(pk=plain.pk).person_name == hall.people.mei.name
    assert Resident.objects.get(pk=person.pk).has_sensitive
