"""A map point outside the town is refused with a Chinese message in every channel that files a
request — the service itself, the public web form, the grid worker's field report and Open311 —
and nothing is saved; a point inside is placed in its grid."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.requests import services
from gongzhi.requests.models import ServiceRequest

from .conftest import BEIJING, INSIDE

MESSAGE = "所选位置不在杨舍镇范围内"


def test_service_refuses_a_beijing_point(world):
    with pytest.raises(ValidationError) as e:
        services.file_request(
            channel="web",
            category=world.noise,
            node=world.town["c1"],
            description="噪声",
            lat=BEIJING[0],
            lng=BEIJING[1],
        )
    assert MESSAGE in str(e.value.message_dict["lat"])
    assert not ServiceRequest.objects.exists()


def test_service_places_an_inside_point_in_its_grid(world):
    created = services.file_request(
        channel="web", category=world.noise, node=world.town["c1"], description="噪声", lat=INSIDE[0], lng=INSIDE[1]
    )
    assert created.grid == world.town["g11"]


def public_form(world, lat, lng):
    return {
        "kind": "complaint",
        "category": world.noise.pk,
        "community": world.town["c1"].pk,
        "description": "夜间施工噪声很大",
        "address": "",
        "lat": lat,
        "lng": lng,
    }


def test_public_form_refuses_a_beijing_point(client, world):
    response = client.post("/requests/public/", public_form(world, *BEIJING))
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not ServiceRequest.objects.exists()
    assert client.post("/requests/public/", public_form(world, *INSIDE)).status_code == 302


def test_field_report_refuses_a_beijing_point(client, world):
    client.force_login(world.users.grid)
    data = {
        "node": world.town["g11"].pk,
        "category": world.noise.pk,
        "kind": "complaint",
        "description": "楼道堆物",
        "address": "",
        "lat": BEIJING[0],
        "lng": BEIJING[1],
    }
    response = client.post("/requests/staff/file/field/", data)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_open311_refuses_a_beijing_point(client, world):
    key = services.create_open311_key("热线平台")[1]
    data = {"api_key": key, "service_code": "noise", "lat": BEIJING[0], "long": BEIJING[1], "description": "噪声"}
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == 400
    assert any(MESSAGE in e["description"] for e in response.json())
    assert not ServiceRequest.objects.exists()
    data.update(lat=INSIDE[0], long=INSIDE[1])
    assert client.post("/open311/v2/requests.json", data).status_code == 200
    assert ServiceRequest.objects.get().grid == world.town["g11"]


def test_a_town_without_boundaries_checks_nothing(town):
    from tests.requests.conftest import make_world

    w = make_world(town)  # the plain test town: no grid drawn
    created = services.file_request(
        channel="web", category=w.noise, node=town["c1"], description="噪声", lat=BEIJING[0], lng=BEIJING[1]
    )
    assert created.grid is None
