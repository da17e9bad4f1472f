"""Likely duplicates at intake: same category, open, within 250 m or in the same building, in
the last 30 days; the 250 m boundary is exact (haversine), other categories never match."""

import datetime as dt
import math

import pytest

from gongzhi.requests.choices import Status
from gongzhi.requests.duplicates import find_likely_duplicates
from gongzhi.requests.location import EARTH_RADIUS_M, haversine_m
from tests import factories

from .conftest import T0

LAT, LNG = 31.870000, 120.550000


def north(metres):
    """The latitude `metres` due north of LAT (exact on the sphere the haversine uses)."""
    return round(LAT + math.degrees(metres / EARTH_RADIUS_M), 6)


def test_haversine_known_distance():
    # One degree of latitude on this sphere.
    assert haversine_m(0, 0, 1, 0) == pytest.approx(2 * math.pi * EARTH_RADIUS_M / 360, rel=1e-9)


@pytest.mark.parametrize("metres,found", [(0, True), (120, True), (248, True), (252, False), (400, False)])
def test_250_metre_boundary(world, flow, metres, found):
    near = flow.file(lat=f"{north(metres):.6f}", lng=f"{LNG:.6f}")
    got = find_likely_duplicates(category=world.noise, lat=LAT, lng=LNG, now=T0 + dt.timedelta(hours=1))
    assert (near in got) is found
    if found:
        assert got[0].distance_m == pytest.approx(metres, abs=0.2)


def test_east_west_uses_the_cosine(world, flow):
    # 240 m due east at latitude 31.87°: about 0.002541° of longitude, not 0.002156°.
    dlng = math.degrees(240 / (EARTH_RADIUS_M * math.cos(math.radians(LAT))))
    near = flow.file(lat=f"{LAT:.6f}", lng=f"{LNG + dlng:.6f}")
    assert near in find_likely_duplicates(category=world.noise, lat=LAT, lng=LNG, now=T0)


def test_same_building_without_coordinates(world, flow):
    building = factories.make_building(world.town["g11"])
    same = flow.file(building=building)
    elsewhere = flow.file(building=factories.make_building(world.town["g11"]))
    got = find_likely_duplicates(category=world.noise, building=building, now=T0)
    assert got == [same] and got[0].distance_m is None and elsewhere not in got


def test_thirty_day_window_category_and_open_only(world, flow):
    point = {"lat": f"{LAT:.6f}", "lng": f"{LNG:.6f}"}
    old = flow.file(received_at=T0 - dt.timedelta(days=31), **point)
    recent = flow.file(received_at=T0 - dt.timedelta(days=29), **point)
    other_category = flow.file(category=world.light, **point)
    closed = flow.to(Status.CLOSED, **point)
    merged = flow.to(Status.DUPLICATE, **point)
    got = find_likely_duplicates(category=world.noise, lat=LAT, lng=LNG, now=T0 + dt.timedelta(hours=1))
    assert recent in got
    for r in (old, other_category, closed, merged):
        assert r not in got
    new = flow.file(**point)
    assert new not in find_likely_duplicates(
        category=world.noise, lat=LAT, lng=LNG, exclude=new, now=T0 + dt.timedelta(hours=1)
    )


def test_query_count(world, flow, django_assert_max_num_queries):
    for i in range(5):
        flow.file(lat=f"{north(i * 10):.6f}", lng=f"{LNG:.6f}")
    with django_assert_max_num_queries(1):
        got = find_likely_duplicates(category=world.noise, lat=LAT, lng=LNG, now=T0)
        names = [(r.category.name, r.assignee) for r in got]
    assert len(names) == 5


def test_scoped_to_the_user(world, flow):
    point = {"lat": f"{LAT:.6f}", "lng": f"{LNG:.6f}"}
    mine, theirs = flow.file(**point), flow.file(grid=world.town["g21"], **point)
    kw = {"category": world.noise, "lat": LAT, "lng": LNG, "now": T0}
    assert find_likely_duplicates(user=world.users.grid, **kw) == [mine]
    assert set(find_likely_duplicates(user=world.users.dispatcher, **kw)) == {mine, theirs}
    assert find_likely_duplicates(user=world.users.resident, **kw) == []
