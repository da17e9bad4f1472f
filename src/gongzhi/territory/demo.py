"""The demo town's territory (a step of `gongzhi demo`, declared in territory/apps.py): a
district, a town, three communities and a village, each with its grids drawn as squares."""

from gongzhi.territory import services as territory

DISTRICT = ("320582", "张家港市")
TOWN = ("320582100", "杨舍镇")
COMMUNITIES = [
    ("001", "南庄社区", "community"),
    ("002", "梁丰社区", "community"),
    ("003", "东城社区", "community"),
    ("201", "横河村", "village"),
]


def build_town(town):
    """Add the nodes to `town.nodes`: "district", "town", "c001"… (communities), "g001001"…
    (grids) and "grids" (every grid, in order)."""
    town.nodes.update(_territory(town.grids_per_community))


def _territory(grids_per_community):
    nodes = {"district": territory.create_node(kind="district", code=DISTRICT[0], name=DISTRICT[1])}
    nodes["town"] = territory.create_node(parent=nodes["district"], kind="town", code=TOWN[0], name=TOWN[1])
    nodes["grids"] = []
    for ccode, cname, kind in COMMUNITIES:
        community = territory.create_node(parent=nodes["town"], kind=kind, code=TOWN[0] + ccode, name=cname)
        nodes[f"c{ccode}"] = community
        for g in range(1, grids_per_community + 1):
            grid = territory.create_node(
                parent=community,
                kind="grid",
                code=f"{community.code}{g:03d}",
                name=f"{cname}第{g:02d}网格",
                geojson=_square(len(nodes["grids"])),
                households_planned=400,
            )
            nodes[f"g{ccode}{g:03d}"] = grid
            nodes["grids"].append(grid)
    return nodes


def _square(i):
    lng, lat = 120.54 + (i % 8) * 0.01, 31.86 + (i // 8) * 0.01
    ring = [[lng, lat], [lng + 0.01, lat], [lng + 0.01, lat + 0.01], [lng, lat + 0.01], [lng, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}
