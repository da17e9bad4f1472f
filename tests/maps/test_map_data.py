"""The grid map's data, per role: each figure comes from its app's scoped selector, so a grid
worker sees only her grid's counts, a department sees no residents, a resident and the public
get nothing but the public outlines; the drill-down links open lists filtered by the grid."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.requests import services
from gongzhi.requests.models import ServiceRequest
from tests.factories import make_resident

from .conftest import INSIDE

DATA = "/maps/data/"


@pytest.fixture
def figures(world):
    """Two residents and one overdue open request in 南庄社区第01网格 (g11), one resident in g21."""
    t = world.town
    make_resident(t["g11"], name="张一")
    make_resident(t["g11"], name="张二")
    make_resident(t["g21"], name="李三")
    services.file_request(
        channel="web",
        category=world.noise,
        node=t["c1"],
        description="噪声",
        lat=INSIDE[0],
        lng=INSIDE[1],
        received_at=timezone.now() - dt.timedelta(days=30),
    )
    return world


def grids_of(client, user, **params):
    client.force_login(user)
    response = client.get(DATA, params)
    assert response.status_code == 200
    body = response.json()
    return {g["name"]: g for g in body["grids"]}, [m["key"] for m in body["metrics"]]


def test_town_official_sees_every_grid_with_its_figures(client, figures):
    grids, metrics = grids_of(client, figures.users.town, node=figures.town["t"].pk)
    assert set(grids) == {"南庄社区第01网格", "南庄社区第02网格", "梁丰社区第01网格", "梁丰社区第02网格"}
    assert metrics[0] == "residents"
    g11 = grids["南庄社区第01网格"]
    assert g11["residents"] == 2 and g11["geojson"]["type"] == "Polygon"
    assert grids["梁丰社区第01网格"]["residents"] == 1


def test_dispatcher_sees_open_and_overdue_requests_per_grid(client, figures):
    grids, metrics = grids_of(client, figures.users.dispatcher)
    assert "open" in metrics and "overdue" in metrics and "residents" not in metrics
    g11 = grids["南庄社区第01网格"]
    assert g11["open"] == 1 and g11["overdue"] == 1 and g11["residents"] is None
    assert g11["links"]["open"].endswith(f"?grid={figures.town['g11'].pk}&state=open")


def test_grid_worker_sees_only_her_grid(client, figures):
    grids, _ = grids_of(client, figures.users.grid)
    assert list(grids) == ["南庄社区第01网格"] and grids["南庄社区第01网格"]["residents"] == 2
    # Asking for the town or another grid gives her own grid, never theirs.
    other, _ = grids_of(client, figures.users.grid, node=figures.town["g21"].pk)
    assert list(other) == ["南庄社区第01网格"]


def test_community_worker_sees_her_community(client, figures):
    grids, _ = grids_of(client, figures.users.community)
    assert set(grids) == {"南庄社区第01网格", "南庄社区第02网格"}


def test_department_gets_no_resident_counts(client, figures):
    grids, metrics = grids_of(client, figures.users.dept)
    assert "residents" not in metrics and all(g["residents"] is None for g in grids.values())


@pytest.mark.parametrize("url", [DATA, "/maps/", "/maps/requests/data/", "/maps/requests/", "/maps/boundaries/"])
def test_resident_and_public_get_no_map_data(client, figures, url):
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(figures.users.resident)
    assert client.get(url).status_code == 403


def test_public_outline_has_names_and_shapes_only(client, figures):
    body = client.get("/maps/area/").json()
    assert len(body["grids"]) == 4
    assert set(body["grids"][0]) == {"id", "name", "geojson"}


def test_drill_down_lists_only_that_grid(client, figures):
    client.force_login(figures.users.dispatcher)
    g11, g21 = figures.town["g11"].pk, figures.town["g21"].pk
    number = ServiceRequest.objects.get().tracking_number
    assert number in client.get(f"/requests/staff/?grid={g11}&state=open").content.decode()
    assert number not in client.get(f"/requests/staff/?grid={g21}&state=open").content.decode()


def test_request_points_filtered(client, figures):
    client.force_login(figures.users.dispatcher)
    node = figures.town["t"].pk
    assert client.get("/maps/requests/data/", {"node": node}).json()["total"] == 1
    assert client.get("/maps/requests/data/", {"node": node, "overdue": "1"}).json()["points"][0]["overdue"] is True
    assert client.get("/maps/requests/data/", {"node": node, "status": "closed"}).json()["total"] == 0
    assert client.get("/maps/requests/data/", {"node": node, "category": figures.light.pk}).json()["total"] == 0
    client.force_login(figures.users.grid_other)  # 梁丰 grid: not her request
    assert client.get("/maps/requests/data/").json()["total"] == 0


def test_map_data_query_count_does_not_grow_with_grids(client, figures, django_assert_max_num_queries):
    client.force_login(figures.users.town)
    with django_assert_max_num_queries(12):
        client.get(DATA, {"node": figures.town["t"].pk})


def test_pages_render(client, figures):
    client.force_login(figures.users.town)
    for url in ("/maps/", "/maps/boundaries/", f"/maps/boundaries/{figures.town['g11'].pk}/draw/"):
        assert client.get(url).status_code == 200
    client.force_login(figures.users.dispatcher)
    assert "诉求地图" in client.get("/maps/requests/").content.decode()
