"""Likely duplicates offered at intake: open requests of the same category filed in the last
30 days that are within 250 m of the new one or in the same building.

No GIS database: an indexed bounding box (category, lat, lng) narrows the candidates, then
the exact great-circle distance decides in Python — a handful of rows, never a table scan."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .choices import Status
from .location import bounding_box, haversine_m
from .models import ServiceRequest

RADIUS_M = 250
WINDOW_DAYS = 30


def find_likely_duplicates(
    *,
    category,
    lat=None,
    lng=None,
    building=None,
    now=None,
    exclude=None,
    limit=10,
    radius_m=RADIUS_M,
    window_days=WINDOW_DAYS,
    user=None,
) -> list[ServiceRequest]:
    """Candidates, nearest first (same-building matches without a point come last).

    Each returned request carries `distance_m` (None when matched by building only). Staff
    screens pass `user` so only requests they may see are offered; without it the search is
    unscoped (for services deciding on their own) and must not be shown on a public page."""
    now = now or timezone.now()
    rows = ServiceRequest.objects.visible_to(user) if user is not None else ServiceRequest.objects
    base = (
        rows.open()
        .exclude(status=Status.DUPLICATE)
        .filter(category=category, received_at__gte=now - dt.timedelta(days=window_days), received_at__lte=now)
        .select_related("category", "assignee")
    )
    if exclude is not None:
        base = base.exclude(pk=getattr(exclude, "pk", exclude))
    match = Q(pk__in=[])
    if lat is not None and lng is not None:
        lat_lo, lat_hi, lng_lo, lng_hi = bounding_box(lat, lng, radius_m)
        match |= Q(lat__gte=lat_lo, lat__lte=lat_hi, lng__gte=lng_lo, lng__lte=lng_hi)
    building_id = getattr(building, "pk", building)
    if building_id:
        match |= Q(building_id=building_id)
    found = []
    for req in base.filter(match)[:500]:
        req.distance_m = None
        if lat is not None and lng is not None and req.lat is not None:
            req.distance_m = haversine_m(lat, lng, req.lat, req.lng)
        same_building = building_id and req.building_id == building_id
        if same_building or (req.distance_m is not None and req.distance_m <= radius_m):
            found.append(req)
    found.sort(key=lambda r: (r.distance_m is None, r.distance_m or 0, -r.received_at.timestamp()))
    return found[:limit]
