"""A duplicate ID number: refused everywhere; the record is named only to users who may see it;
everyone else gets one message (the same wherever the record is, and whether anybody may see it)
saying what to do; such a refusal is a look-up by number — audited and counted."""

import pytest
from django.urls import reverse

from gongzhi.accounts import services as accounts
from gongzhi.core.models import AuditEntry
from gongzhi.registry.duplicates import hidden_message
from gongzhi.registry.imports import import_residents
from gongzhi.registry.models import Resident
from gongzhi.territory import services as territory
from tests.api_client import ApiClient
from tests.factories import id_number, make_resident, make_user, sensitive_tag

from .test_import import error_rows, row, write_csv
from .test_views import _resident_post, field_errors


@pytest.fixture
def elsewhere(town):
    """Records a grid worker of g11 may not see: in another community, a sensitive one in their
    own grid, and one in another district no membership reaches."""
    district = territory.create_node(kind="district", code="320581", name="常熟市")
    far_town = territory.create_node(parent=district, kind="town", code="320581100", name="虞山镇")
    far_community = territory.create_node(parent=far_town, kind="community", code="320581100001", name="某社区")
    far_grid = territory.create_node(parent=far_community, kind="grid", code="320581100001001", name="某网格")
    return {
        "community": make_resident(town["g21"], name="孙八"),
        "sensitive": make_resident(town["g11"], name="周九", tags=[sensitive_tag()]),
        "nobody": make_resident(far_grid, name="吴十"),
    }


def _post(grid, number):
    return {"name": "新人", "id_number": number, "grid": grid.pk, "relation": "head"}


def test_api_message_is_the_same_wherever_the_record_is(town, elsewhere):
    api = ApiClient(make_user("grid", town["g11"]))
    messages = set()
    for key, existing in elsewhere.items():
        response = api.post("/residents", _post(town["g11"], existing.id_number))
        assert response.status_code == 422, key
        (detail,) = response.json()["detail"]
        assert detail["field"] == "id_number" and "existing_id" not in detail
        messages.add(detail["message"])
    assert messages == {hidden_message()}
    assert "权限范围" not in hidden_message() and "已登记，" not in hidden_message()
    assert "迁入" in hidden_message()  # what to do instead
    assert Resident.objects.filter(name="新人").count() == 0


def test_web_form_message_is_the_same_wherever_the_record_is(client, town, elsewhere):
    client.force_login(make_user("grid", town["g11"]))
    for existing in elsewhere.values():
        html = client.post(
            reverse("registry:resident_create"),
            _resident_post(grid=town["g11"], name="新人", id_number=existing.id_number),
        ).content.decode()
        assert hidden_message() in field_errors(html, "id_number") and existing.name not in html
        assert reverse("registry:resident_detail", args=[existing.pk]) not in html
    assert Resident.objects.filter(name="新人").count() == 0


def test_visible_record_is_still_named(town):
    mine = make_resident(town["g11"])
    api = ApiClient(make_user("grid", town["g11"]))
    (detail,) = api.post("/residents", _post(town["g11"], mine.id_number)).json()["detail"]
    assert detail["existing_id"] == mine.pk
    assert not AuditEntry.objects.filter(action="unmask").exists()  # nothing they may not know


def test_refusal_is_an_audited_lookup_under_the_existing_record(town, elsewhere):
    worker = make_user("grid", town["g11"])
    ApiClient(worker).post("/residents", _post(town["g11"], elsewhere["community"].id_number))
    entry = AuditEntry.objects.get(action="unmask")
    assert entry.actor == worker and entry.object_id == str(elsewhere["community"].pk)
    assert entry.node_path == town["g21"].path  # the owning community's auditors see it
    assert entry.reason.startswith("按完整身份证号查找")


def test_refusals_use_up_the_lookup_allowance_then_nobody_is_registered(town, elsewhere, settings):
    settings.GONGZHI_RATE_NUMBER_LOOKUP = "2/h"
    api = ApiClient(make_user("grid", town["g11"]))
    for existing in (elsewhere["community"], elsewhere["nobody"]):
        assert api.post("/residents", _post(town["g11"], existing.id_number)).status_code == 422
    # Now a taken number and a new one get the same answer: the allowance is spent.
    taken = api.post("/residents", _post(town["g11"], elsewhere["sensitive"].id_number))
    new = api.post("/residents", _post(town["g11"], id_number()))
    assert taken.status_code == new.status_code == 429
    assert taken.json()["detail"] == new.json()["detail"] and "按完整号码查找过于频繁" in new.json()["detail"]
    assert new["Retry-After"]


def test_changing_an_id_number_to_a_taken_one(town, elsewhere):
    mine = make_resident(town["g11"])
    api = ApiClient(make_user("grid", town["g11"]))
    response = api.patch(
        f"/residents/{mine.pk}", {"id_number": elsewhere["nobody"].id_number}, if_match=f'"{mine.version}"'
    )
    assert response.status_code == 422 and response.json()["detail"][0]["message"] == hidden_message()


def test_import_row_gets_the_same_message(tmp_path, town, elsewhere):
    user = make_user("community", town["c1"])
    rows = [
        row(1, town["g11"], 身份证号=elsewhere["community"].id_number),
        row(2, town["g11"], 身份证号=elsewhere["sensitive"].id_number),
    ]
    result = import_residents(write_csv(tmp_path / "d.csv", rows), user=user)
    assert result.rejected == 2
    _, errors = error_rows(result)
    assert errors[2][-1] == errors[3][-1] == hidden_message()


def test_import_names_a_record_the_user_may_see_but_not_change(tmp_path, town, elsewhere):
    user = make_user("community", town["c1"])
    accounts.grant(user, role="supervisor", node=town["c2"])  # may read 梁丰, not import there
    result = import_residents(
        write_csv(tmp_path / "v.csv", [row(1, town["g11"], 身份证号=elsewhere["community"].id_number)]), user=user
    )
    _, errors = error_rows(result)
    assert "无权导入修改" in errors[2][-1]
