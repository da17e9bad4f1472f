"""Points entries of people the registry hides, and free text on entries, per channel (web list,
entry page, statement, API, Excel export): a grid worker without the sensitive right does not
learn that an entry exists for a sensitively tagged person in her grid, and a reader who may not
see a person reads the evidence note and reasons with the name and numbers masked."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.care.points import selectors, services
from gongzhi.registry.models import Resident
from tests import factories
from tests.api_client import ApiClient

from .conftest import enter


def url(name, *args):
    return reverse(f"care:points:{name}", args=args)


def _secret_entry(pts, town):
    admin = factories.make_user("admin", town["d"])
    entry = enter(pts, resident=pts.people.secret, by=admin)
    services.approve_entry(pts.users.approver, entry)
    return entry, admin


def test_the_grid_worker_does_not_learn_a_hidden_person_has_an_entry_web(client, pts, town):
    entry, admin = _secret_entry(pts, town)
    enter(pts)  # 张建国's, which she sees
    client.force_login(pts.users.grid)
    page = client.get(url("entries", pts.party.pk)).content.decode()
    assert "张建国" in page and "邱*敏" not in page and "邱梅敏" not in page
    assert client.get(url("entry", entry.pk)).status_code == 404
    assert client.get(url("statement", pts.party.pk, pts.people.secret.pk)).status_code == 404
    client.force_login(admin)  # who holds the sensitive right still sees it
    assert "邱梅敏" in client.get(url("entries", pts.party.pk)).content.decode()


def test_the_grid_worker_does_not_learn_a_hidden_person_has_an_entry_api(pts, town):
    entry, admin = _secret_entry(pts, town)
    enter(pts)
    body = ApiClient(pts.users.grid).get(f"/care/points/schemes/{pts.party.pk}/entries").json()
    assert [r["name"] for r in body["results"]] == ["张建国"] and body["count"] == 1
    body = ApiClient(admin).get(f"/care/points/schemes/{pts.party.pk}/entries").json()
    assert entry.pk in {r["id"] for r in body["results"]}


def test_the_hidden_persons_entry_is_not_exported_for_the_community_without_the_sensitive_right(client, pts, town):
    _secret_entry(pts, town)
    enter(pts)
    client.force_login(pts.users.clerk)
    rows = list(
        load_workbook(io.BytesIO(client.get(url("entries", pts.party.pk), {"export": "xlsx"}).content)).active.values
    )
    names = [r[0] for r in rows[1:]]
    assert names == ["张建国"]
    assert not selectors.entries_for(pts.users.clerk).filter(resident=pts.people.secret).exists()


EVIDENCE = "张建国 参加了志愿服务，电话 13812345678，身份证 320582198001011234"


def _moved_entry(pts):
    """An entry made while 张建国 lived on g11 (the grid worker's), after which he moved to g12:
    she still sees the entry (made in her grid) but may no longer see him."""
    entry = enter(pts, rule=pts.rules.service, evidence=EVIDENCE)
    services.reject_entry(pts.users.approver, entry, reason="张建国 材料不全")
    services.file_appeal(pts.users.clerk, entry, reason="张建国 已补交，联系 13812345678")
    Resident.objects.filter(pk=pts.people.zhang.pk).update(grid=pts.town["g12"])
    return entry


def test_evidence_and_reasons_are_masked_for_a_reader_who_may_not_see_the_person(client, pts):
    entry = _moved_entry(pts)
    client.force_login(pts.users.grid)
    page = client.get(url("entry", entry.pk)).content.decode()
    assert "张*国" in page and "张建国" not in page
    assert "138****5678" in page and "13812345678" not in page
    assert "3205" + "*" * 14 in page and "320582198001011234" not in page
    client.force_login(pts.users.clerk)  # who may see him reads it as written
    page = client.get(url("entry", entry.pk)).content.decode()
    assert EVIDENCE in page and "张建国 已补交，联系 13812345678" in page


def test_no_free_text_of_an_entry_goes_out_through_the_api_or_the_export(client, pts):
    entry = _moved_entry(pts)
    body = ApiClient(pts.users.grid).get(f"/care/points/schemes/{pts.party.pk}/entries").text
    assert str(entry.pk) in body and "张建国" not in body and "13812345678" not in body
    client.force_login(pts.users.approver)
    content = client.get(url("entries", pts.party.pk), {"export": "xlsx"}).content
    cells = [c for row in load_workbook(io.BytesIO(content)).active.values for c in row if isinstance(c, str)]
    assert cells and not any("13812345678" in c or "320582198001011234" in c for c in cells)


def test_masked_text_masks_the_name_and_every_number():
    class Person:
        name = "张建国"

    text = selectors.masked_text(EVIDENCE, Person())
    assert text == "张*国 参加了志愿服务，电话 138****5678，身份证 3205" + "*" * 14
    assert selectors.masked_text("", Person()) == ""
