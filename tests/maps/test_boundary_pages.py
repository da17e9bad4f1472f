"""The boundary pages on the web: a town official imports a FeatureCollection (all or nothing,
the reason shown), redraws a grid (an overlap is refused on the form), and places a building;
a grid worker may not edit boundaries."""

import io
import json

from gongzhi.core.models import AuditEntry
from gongzhi.territory.models import Building, Node
from tests.factories import make_building, make_user

from .conftest import square


def upload(collection):
    f = io.BytesIO(json.dumps(collection).encode())
    f.name = "grids.geojson"
    return f


def test_import_through_the_page(client, drawn):
    client.force_login(make_user("town", drawn["t"]))
    good = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": drawn["g11"].code}, "geometry": square(0, size=0.009)},
            {"type": "Feature", "properties": {"name": drawn["g12"].name}, "geometry": square(1, size=0.009)},
        ],
    }
    response = client.post(f"/maps/boundaries/{drawn['c1'].pk}/import/", {"file": upload(good)}, follow=True)
    html = response.content.decode()
    assert "已导入 2 个边界" in html
    assert Node.objects.get(pk=drawn["g11"].pk).geojson == square(0, size=0.009)
    bad = {
        "type": "FeatureCollection",
        "features": [good["features"][0], {**good["features"][1], "geometry": square(0.5)}],
    }
    html = client.post(
        f"/maps/boundaries/{drawn['c1'].pk}/import/", {"file": upload(bad)}, follow=True
    ).content.decode()
    assert "重叠" in html
    not_json = io.BytesIO(b"{oops")
    not_json.name = "x.geojson"
    html = client.post(f"/maps/boundaries/{drawn['c1'].pk}/import/", {"file": not_json}, follow=True).content.decode()
    assert "不是有效的 GeoJSON" in html


def test_redraw_and_overlap_on_the_form(client, drawn):
    client.force_login(make_user("town", drawn["t"]))
    url = f"/maps/boundaries/{drawn['g12'].pk}/draw/"
    response = client.post(url, {"geojson": json.dumps(square(0.5)), "version": drawn["g12"].version})
    assert response.status_code == 200 and "重叠" in response.content.decode()
    before = AuditEntry.objects.count()
    response = client.post(url, {"geojson": json.dumps(square(1, size=0.0099)), "version": drawn["g12"].version})
    assert response.status_code == 302 and AuditEntry.objects.count() == before + 1


def test_building_point_through_the_page(client, drawn):
    building = make_building(drawn["g11"])
    client.force_login(make_user("town", drawn["t"]))
    url = f"/maps/buildings/{building.pk}/point/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"lat": "39.9042", "lng": "116.4074", "version": building.version})
    assert "不在楼栋所属的" in response.content.decode()
    response = client.post(url, {"lat": "31.865", "lng": "120.545", "version": building.version})
    assert response.status_code == 302 and str(Building.objects.get(pk=building.pk).lat) == "31.865000"


def test_grid_worker_may_not_edit_boundaries(client, drawn):
    client.force_login(make_user("grid", drawn["g11"]))
    assert client.get("/maps/boundaries/").status_code == 403
    assert client.post(f"/maps/boundaries/{drawn['g11'].pk}/draw/", {"geojson": "{}"}).status_code == 403
