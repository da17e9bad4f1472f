"""Migrants (流动人口, 新市民): 户籍地, arrival, the 居住证 and its yearly 签注, the landlord of a
rented home — the same rules through the services, the web form, the API and the import; the
fields in the export; the permits due for 签注 on the grid worker's list and home page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.registry import exports, migrants, services
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import Household, Resident
from tests.api_client import ApiClient, errors

from .. import factories
from .test_export import sheet
from .test_import import HEADERS, error_rows, row, valid_id, write_xlsx

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


def migrant(grid, name="方一", **fields):
    household = factories.make_household(grid, tenure="tenant")
    values = {
        "residence_type": "migrant",
        "hukou_place": "安徽省阜阳市临泉县",
        "arrived_on": TODAY - 400 * DAY,
        "permit_issued_on": TODAY - 100 * DAY,
        "permit_valid_until": TODAY + 265 * DAY,
    }
    values.update(fields)
    return factories.make_resident(household=household, name=name, **values)


# ---- the rules -----------------------------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month():
    assert migrants.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert migrants.add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert migrants.add_months(dt.date(2026, 7, 15), 6) == dt.date(2027, 1, 15)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"residence_type": "registered"}, "permit_valid_until", "只有流动人口登记居住证"),
        ({"arrived_on": TODAY + DAY}, "arrived_on", "来本地日期不能晚于今天"),
        ({"permit_issued_on": TODAY + DAY, "arrived_on": None}, "permit_issued_on", "签发日期不能晚于今天"),
        ({"permit_valid_until": TODAY - 100 * DAY}, "permit_valid_until", "有效期应晚于签发日期"),
        ({"arrived_on": TODAY - 150 * DAY}, "permit_issued_on", "居住证须在居住满半年后申领"),
    ],
)
def test_refused_permits_name_the_field(town, fields, field, message):
    with pytest.raises(ValidationError) as caught:
        migrant(town["g11"], **fields)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Resident.objects.filter(name="方一").exists()


def test_half_a_year_is_counted_in_calendar_months():
    arrived = dt.date(2025, 8, 31)
    migrants.clean_migrant_fields(
        {"residence_type": "migrant", "arrived_on": arrived, "permit_issued_on": dt.date(2026, 2, 28)}
    )
    with pytest.raises(ValidationError):
        migrants.clean_migrant_fields(
            {"residence_type": "migrant", "arrived_on": arrived, "permit_issued_on": dt.date(2026, 2, 27)}
        )


def test_a_change_is_checked_against_the_stored_record(town):
    person = migrant(town["g11"])
    with pytest.raises(ValidationError) as caught:
        services.update_resident(person, {"residence_type": "registered"})
    assert "只有流动人口登记居住证" in caught.value.message_dict["permit_valid_until"][0]
    # Given hukou here, the card is cleared in the same change: accepted.
    services.update_resident(
        person, {"residence_type": "registered", "permit_issued_on": None, "permit_valid_until": None}
    )
    person.refresh_from_db()
    assert person.residence_type == "registered" and person.permit_valid_until is None


def test_endorsement_is_audited_with_before_and_after(town):
    person = migrant(town["g11"])
    old = person.permit_valid_until
    services.update_resident(person, {"permit_valid_until": old + 365 * DAY}, reason="签注")
    entry = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("-pk").first()
    assert entry.before["permit_valid_until"] == old.isoformat()
    assert entry.after["permit_valid_until"] == (old + 365 * DAY).isoformat() and entry.reason == "签注"


@pytest.mark.parametrize(
    "until, state",
    [(TODAY - DAY, "lapsed"), (TODAY, "due"), (TODAY + 31 * DAY, "due"), (TODAY + 32 * DAY, ""), (None, "")],
)
def test_permit_state(until, state):
    assert migrants.permit_state(Resident(permit_valid_until=until), TODAY) == state


def test_only_a_rented_home_has_a_landlord(town):
    with pytest.raises(ValidationError) as caught:
        factories.make_household(town["g11"], tenure="owner", landlord_name="房东")
    assert "只有租住的住户登记出租人" in caught.value.message_dict["landlord_name"][0]
    assert factories.make_household(town["g11"], tenure="tenant", landlord_name="房东").landlord_name == "房东"


# ---- the grid worker's list ------------------------------------------------------------------


@pytest.fixture
def permits(town):
    """Two due (one lapsed) in g11, one not yet due in g11, one due in another community."""
    return {
        "lapsed": migrant(town["g11"], "过期", permit_valid_until=TODAY - 5 * DAY),
        "due": migrant(town["g11"], "将到期", permit_valid_until=TODAY + 20 * DAY),
        "later": migrant(town["g11"], "未到期", permit_valid_until=TODAY + 200 * DAY),
        "elsewhere": migrant(town["g21"], "外社区", permit_valid_until=TODAY + 3 * DAY),
    }


def test_expiring_permits_soonest_first_within_the_scope(town, permits):
    worker = factories.make_user("grid", town["g11"])
    found = migrants.expiring_permits(Resident.objects.visible_to(worker))
    assert [r.name for r in found] == ["过期", "将到期"]


def test_list_filter_and_home_page_show_the_permits_due(client, town, permits):
    client.force_login(factories.make_user("grid", town["g11"]))
    html = client.get(reverse("registry:resident_list") + "?permit=due").content.decode()
    assert "过期" in html and "将到期" in html and "未到期" not in html and "外社区" not in html
    home = client.get(reverse("home")).content.decode()
    assert "2 名流动人口的居住证一个月内到期或已过期" in home
    detail = client.get(reverse("registry:resident_detail", args=[permits["lapsed"].pk])).content.decode()
    assert "已过期，请提醒签注" in detail and "安徽省阜阳市临泉县" in detail


def test_home_page_says_nothing_when_no_permit_is_due(client, town):
    migrant(town["g11"])
    client.force_login(factories.make_user("grid", town["g11"]))
    assert "居住证一个月内到期" not in client.get(reverse("home")).content.decode()


# ---- channels ------------------------------------------------------------------------------


def test_web_form_keeps_the_input_and_says_why(client, town):
    household = factories.make_household(town["g11"], tenure="tenant")
    client.force_login(factories.make_user("grid", town["g11"]))
    response = client.post(
        reverse("registry:resident_create") + f"?household={household.pk}",
        {
            "name": "方二",
            "id_number": factories.id_number(),
            "ethnicity": "汉族",
            "residence_type": "registered",
            "separation": "none",
            "status": "active",
            "relation": "head",
            "hukou_place": "河南省周口市郸城县",
            "permit_valid_until": (TODAY + 100 * DAY).isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "只有流动人口登记居住证" in html and "河南省周口市郸城县" in html
    assert not Resident.objects.filter(name="方二").exists()


def test_api_reads_and_writes_the_migrant_fields(town):
    api = ApiClient(factories.make_user("grid", town["g11"]))
    data = {
        "name": "方三",
        "id_number": factories.id_number(),
        "grid": town["g11"].pk,
        "residence_type": "migrant",
        "hukou_place": "四川省南充市营山县",
        "arrived_on": (TODAY - 300 * DAY).isoformat(),
        "permit_issued_on": (TODAY - 10 * DAY).isoformat(),
        "permit_valid_until": (TODAY + 355 * DAY).isoformat(),
    }
    created = api.post("/residents", data)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["hukou_place"] == "四川省南充市营山县" and body["permit_valid_until"] == data["permit_valid_until"]
    listed = api.get("/residents").json()["results"]
    assert listed[0]["arrived_on"] == data["arrived_on"]
    refused = api.post("/residents", {**data, "id_number": factories.id_number(), "residence_type": "registered"})
    assert "只有流动人口登记居住证" in errors(refused)["permit_valid_until"]


def test_household_landlord_through_the_api(town):
    api = ApiClient(factories.make_user("grid", town["g11"]))
    building = factories.make_building(town["g11"])
    body = {"number": "HHL1", "building": building.pk, "room": "1-101", "tenure": "tenant", "landlord_name": "钱房东"}
    assert api.post("/households", body).json()["landlord_name"] == "钱房东"
    refused = api.post("/households", {**body, "number": "HHL2", "tenure": "owner"})
    assert "只有租住的住户登记出租人" in errors(refused)["landlord_name"]
    assert not Household.objects.filter(number="HHL2").exists()


def test_export_carries_the_fields_under_the_import_headers(town):
    person = migrant(town["g11"])
    worker = factories.make_user("grid", town["g11"])
    headers, rows, _ = sheet(exports.export_residents(worker, Resident.objects.all()))
    assert {"户籍地", "来本地日期", "居住证签发日期", "居住证有效期至"} <= set(headers)
    assert rows[0]["户籍地"] == person.hukou_place
    assert rows[0]["居住证有效期至"].date() == person.permit_valid_until
    _, households, _ = sheet(exports.export_households(worker, Household.objects.all()))
    assert "出租人" in households[0]


IMPORT_HEADERS = [*HEADERS, "户籍地", "来本地日期", "居住证签发日期", "居住证有效期至"]


def _row(n, grid, kind="新市民", **migrant_cells):
    cells = {"户籍地": "贵州省毕节市织金县", "来本地日期": "2024-03-01", "居住证签发日期": "2024-10-08"}
    cells.update(migrant_cells)
    cells.setdefault("居住证有效期至", "2025-10-08")
    return row(n, grid, 人口类型=kind) + [cells[h] for h in IMPORT_HEADERS[len(HEADERS) :]]


def test_import_maps_xin_shimin_to_migrant_and_checks_the_permit(tmp_path, town):
    grid = town["g11"]
    rows = [
        _row(1, grid),
        _row(2, grid, kind="户籍人口"),
        _row(3, grid, 居住证签发日期="2024-05-01"),
        _row(4, grid, 来本地日期="2024-13-01"),
    ]
    result = import_residents(write_xlsx(tmp_path / "m.xlsx", rows, headers=IMPORT_HEADERS))
    assert (result.imported, result.rejected) == (1, 3)
    person = Resident.objects.get(id_number=valid_id(1))
    assert person.residence_type == "migrant" and person.hukou_place == "贵州省毕节市织金县"
    assert person.permit_valid_until == dt.date(2025, 10, 8) and person.arrived_on == dt.date(2024, 3, 1)
    _, errs = error_rows(result)  # by the row's number in the file (the header is row 1)
    assert "只有流动人口登记居住证" in errs[3][-1]
    assert "居住满半年后申领" in errs[4][-1]
    assert "来本地日期“2024-13-01”不是有效日期" in errs[5][-1]
