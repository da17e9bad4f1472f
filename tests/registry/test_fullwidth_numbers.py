"""An ID number or phone typed in full-width digits (`３２０５８２…`, `Ｘ`) is the same number in
every channel: the form, the API, the import and the search all store and compare it in ASCII,
so the same person cannot be registered twice."""

import pytest
from django.urls import reverse

from gongzhi.registry import selectors
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import Resident
from tests.api_client import ApiClient, errors
from tests.factories import id_number, make_resident, make_user

from .test_import import row, write_csv

FULL = str.maketrans("0123456789X-", "０１２３４５６７８９Ｘ－")


def test_form_stores_ascii_and_finds_the_duplicate(client, town):
    user = make_user("grid", town["g11"])
    client.force_login(user)
    number = id_number()
    data = {
        "name": "赵六",
        "id_number": number.translate(FULL),
        "phone": "１３８－１２３４－５６７８",
        "ethnicity": "汉族",
        "residence_type": "resident",
        "separation": "none",
        "status": "active",
        "relation": "head",
        "grid": town["g11"].pk,
    }
    client.post(reverse("registry:resident_create"), data)
    stored = Resident.objects.get(name="赵六")
    assert (stored.id_number, stored.phone) == (number, "13812345678")
    again = client.post(reverse("registry:resident_create"), {**data, "name": "赵六二"})
    assert "该身份证号已登记" in again.content.decode()
    assert Resident.objects.filter(id_number__startswith=number[:6]).count() == 1


def test_api_stores_ascii_and_refuses_the_duplicate(town):
    api = ApiClient(make_user("grid", town["g11"]))
    number = "11010519491231002x"
    created = api.post(
        "/residents",
        {
            "name": "李四",
            "id_number": number.translate(FULL).replace("x", "ｘ"),
            "grid": town["g11"].pk,
            "phone": "１３９００００１１１１",
        },
    )
    assert created.status_code == 201, created.content
    stored = Resident.objects.get(pk=created.json()["id"])
    assert (stored.id_number, stored.phone) == ("11010519491231002X", "13900001111")
    again = api.post("/residents", {"name": "李四", "id_number": "11010519491231002X", "grid": town["g11"].pk})
    assert again.status_code == 422 and "该身份证号已登记" in errors(again)["id_number"]


@pytest.mark.parametrize("parallel", [False, True])
def test_import_stores_ascii_and_matches_the_known_person(tmp_path, town, parallel):
    known = make_resident(town["g11"], name="居民1")
    rows = [
        row(1, town["g11"], 身份证号=known.id_number.translate(FULL), 联系电话="１３９－００００－２２２２"),
        row(2, town["g11"]),
        row(3, town["g11"], 身份证号=row(2, town["g11"])[2].translate(FULL)),
    ]
    result = import_residents(write_csv(tmp_path / "f.csv", rows), parallel=parallel)
    assert (result.imported, result.updated, result.rejected) == (1, 1, 1)  # row 4 repeats row 3's number
    assert not Resident.objects.exclude(id_number__regex=r"^[0-9]{17}[0-9X]$").exists()
    known.refresh_from_db()
    assert known.phone == "13900002222"


def test_search_by_full_width_number_finds_the_ascii_one(town):
    user = make_user("grid", town["g11"])
    person = make_resident(town["g11"], phone="13812340000")
    qs = Resident.objects.visible_to(user)
    assert list(selectors.search(qs, person.id_number.translate(FULL))) == [person]
    assert list(selectors.search(qs, "１３８１２３４００００")) == [person]
