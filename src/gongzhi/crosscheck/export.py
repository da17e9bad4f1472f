"""`export_registry`: this installation's registry as a pseudonymous snapshot (snapshot.py).

Every resident record is exported whatever its status (a death or a move-out is what some
checks look for), streamed from the database in chunks so a city's million rows never sit in
memory at once. The town and community of each record come from its grid's territory path,
read once for every node (a few thousand rows at most)."""

import datetime as dt

from django.utils import timezone

from gongzhi.registry.models import Resident
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import snapshot

CHUNK = 5_000


def _areas() -> dict[int, tuple[str, str]]:
    """grid id → (town code, community code), from the path of every node."""
    nodes = {
        pk: (level, code, path) for pk, level, code, path in Node.objects.values_list("pk", "level", "code", "path")
    }
    out = {}
    for pk, (level, _code, path) in nodes.items():
        if level != Level.GRID:
            continue
        town = community = ""
        for part in path.strip("/").split("/"):
            if part and int(part) in nodes:
                lv, code, _p = nodes[int(part)]
                if lv == Level.TOWN:
                    town = code
                elif lv == Level.COMMUNITY:
                    community = code
        out[pk] = (town, community)
    return out


def rows(key: bytes, day: dt.date):
    """The snapshot's rows: one per resident record, in id order."""
    areas = _areas()
    qs = Resident.objects.order_by("pk").values_list(
        "id_number",
        "birth_date",
        "gender",
        "residence_type",
        "separation",
        "status",
        "updated_at",
        "household_id",
        "grid_id",
    )
    for id_number, birth, gender, rtype, separation, status, updated, household, grid in qs.iterator(chunk_size=CHUNK):
        town, community = areas.get(grid, ("", ""))
        yield {
            "person": snapshot.person_key(key, id_number),
            "town": town,
            "community": community,
            "household": household,
            "age": snapshot.age_on(birth, day),
            "gender": gender,
            "residence_type": rtype,
            "separation": separation,
            "status": status,
            "status_since": timezone.localtime(updated).date(),
        }


def export_registry(directory, key: bytes, source: str = "", day: dt.date | None = None) -> dict:
    """Write the registry as a snapshot in `directory`; returns its manifest."""
    day = day or timezone.localdate()
    return snapshot.write_snapshot(directory, rows(key, day), key=key, source=source, taken_on=day)
