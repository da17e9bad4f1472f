"""Grid boundaries drawn on the map or imported from a GeoJSON FeatureCollection: checked for
validity, overlaps (refused) and gaps (reported) between sibling grids, written with audit."""

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.models import AuditEntry
from gongzhi.territory import boundaries
from gongzhi.territory.models import Node
from tests.factories import make_building

from .conftest import square


def redrawn(i):
    """The same square with one more corner (the middle of its bottom edge): a real change."""
    shape = square(i)
    ring = shape["coordinates"][0]
    mid = [round((ring[0][0] + ring[1][0]) / 2, 6), ring[0][1]]
    return {"type": "Polygon", "coordinates": [[ring[0], mid, *ring[1:]]]}


def feature(node, geometry, by="code"):
    return {"type": "Feature", "properties": {by: getattr(node, by)}, "geometry": geometry}


def test_redrawing_a_grid_is_audited(drawn):
    before = AuditEntry.objects.count()
    result = boundaries.set_boundary(drawn["g12"], redrawn(1), reason="测绘更新")
    assert result.warnings == []
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.object_id == str(drawn["g12"].pk) and entry.reason == "测绘更新"


def test_overlap_with_a_sibling_is_refused_and_nothing_saved(drawn):
    old = Node.objects.get(pk=drawn["g12"].pk).geojson
    shifted = square(0.5)  # half over 南庄社区第01网格
    with pytest.raises(ValidationError) as e:
        boundaries.set_boundary(drawn["g12"], shifted)
    assert "重叠" in e.value.messages[0] and "南庄社区第01网格" in e.value.messages[0]
    assert Node.objects.get(pk=drawn["g12"].pk).geojson == old


def test_a_gap_between_siblings_is_reported(drawn):
    result = boundaries.set_boundary(drawn["g12"], square(1.05, size=0.0095))  # pulled 50 m away from g11
    assert result.warnings and "空隙" in result.warnings[0]


def test_a_self_crossing_ring_is_refused(drawn):
    bow = {
        "type": "Polygon",
        "coordinates": [[[120.54, 31.86], [120.55, 31.87], [120.55, 31.86], [120.54, 31.87], [120.54, 31.86]]],
    }
    with pytest.raises(ValidationError) as e:
        boundaries.set_boundary(drawn["g11"], bow)
    assert "不是有效的多边形" in e.value.messages[0]


def test_import_sets_every_child_by_code_or_name(drawn):
    c1 = drawn["c1"]
    collection = {
        "type": "FeatureCollection",
        "features": [feature(drawn["g11"], redrawn(0)), feature(drawn["g12"], redrawn(1), by="name")],
    }
    before = AuditEntry.objects.count()
    result = boundaries.import_boundaries(c1, collection)
    assert {n.pk for n in result.changed} == {drawn["g11"].pk, drawn["g12"].pk}
    assert AuditEntry.objects.count() == before + 2


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"type": "Feature"}, "FeatureCollection"),
        ({"type": "FeatureCollection", "features": []}, "没有要素"),
        (
            {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "properties": {"code": "999"}, "geometry": None}],
            },
            "不是 南庄社区 的下级",
        ),
    ],
)
def test_bad_files_are_refused_with_a_message(drawn, bad, message):
    with pytest.raises(ValidationError) as e:
        boundaries.import_boundaries(drawn["c1"], bad)
    assert message in e.value.messages[0]


def test_an_import_with_an_overlap_saves_nothing(drawn):
    collection = {
        "type": "FeatureCollection",
        "features": [feature(drawn["g11"], square(0.3)), feature(drawn["g12"], square(1))],
    }
    old = Node.objects.get(pk=drawn["g11"].pk).geojson
    with pytest.raises(ValidationError):
        boundaries.import_boundaries(drawn["c1"], collection)
    assert Node.objects.get(pk=drawn["g11"].pk).geojson == old


def test_a_building_point_must_lie_in_its_grid(drawn):
    building = make_building(drawn["g11"])
    with pytest.raises(ValidationError) as e:
        boundaries.set_building_point(building, "39.9042", "116.4074")
    assert "不在楼栋所属的南庄社区第01网格内" in e.value.messages[0]
    saved = boundaries.set_building_point(building, "31.865", "120.545")
    assert str(saved.lat) == "31.865000" and str(saved.lng) == "120.545000"
