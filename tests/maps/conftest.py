"""The small test town with its four grids drawn side by side (0.01° squares, as the demo
town's), so map figures, boundary checks and the town's area can be tested."""

import pytest

from gongzhi.territory import services as territory
from tests.requests.conftest import make_world


def square(i, size=0.01):
    lng, lat = 120.54 + i * 0.01, 31.86
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


INSIDE = ("31.865000", "120.545000")  # in 南庄社区第01网格 (g11)
BEIJING = ("39.904200", "116.407400")  # 天安门, far outside the town


@pytest.fixture
def drawn(town):
    for i, key in enumerate(("g11", "g12", "g21", "g22")):
        town[key] = territory.update_node(town[key], {"geojson": square(i)})
    return town


@pytest.fixture
def world(drawn):
    return make_world(drawn)
