"""Re-identification inside the town: the persons of a findings workbook (report.py) matched
to this installation's residents by hashing every resident's ID number with the province key.
Only the town holds both the key and the ID numbers, so only it can do this. ID numbers come
out masked; a resident in a sensitive group is given by record number alone (her name and
grid are seen in the registry by those allowed to)."""

from openpyxl import load_workbook

from gongzhi.core import xlsx
from gongzhi.core.masking import mask_id
from gongzhi.registry.models import Resident

from .checks import CHECKS
from .snapshot import person_key

CHUNK = 5_000


def findings(path) -> list[tuple[str, str, list]]:
    """[(check title, person, the row's other values)] of a findings workbook."""
    wb = load_workbook(path, read_only=True)
    titles = {c.title for c in CHECKS}
    out = []
    for ws in wb.worksheets:
        if ws.title not in titles:
            continue
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            continue
        out.extend((ws.title, str(r[0]), list(r[1:])) for r in rows if r and r[0])
    wb.close()
    return out


def residents_by_person(key: bytes, wanted: set[str], residents=None) -> dict[str, tuple]:
    """person → (id, name, masked ID number, grid name, sensitive, grid id) for the wanted
    persons among `residents` (default: every resident of this installation)."""
    found = {}
    qs = (Resident.objects.all() if residents is None else residents).order_by("pk")
    rows = qs.values_list("pk", "id_number", "name", "grid__name", "has_sensitive", "grid_id")
    for pk, id_number, name, grid, sensitive, grid_id in rows.iterator(chunk_size=CHUNK):
        p = person_key(key, id_number)
        if p in wanted:
            found[p] = (pk, name, mask_id(id_number), grid, sensitive, grid_id)
    return found


def identify(path, key: bytes, target) -> tuple[int, int]:
    """Write `target`: every finding with the resident it is about; returns (findings, matched)."""
    rows = findings(path)
    matched = residents_by_person(key, {p for _t, p, _v in rows})
    out = []
    for title, person, values in rows:
        hit = matched.get(person)
        if hit is None:
            out.append([title, "", "", "", "", "本镇无此人", *values])
            continue
        pk, name, masked, grid, sensitive, _grid_id = hit
        if sensitive:
            name, grid = "（敏感人群，请在系统中按编号查看）", ""
        out.append([title, pk, name, masked, grid or "", "", *values])
    width = max((len(r) for r in out), default=6)
    headers = ["比对项目", "居民编号", "姓名", "身份证号", "网格", "备注"] + [f"明细{i}" for i in range(1, width - 5)]
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, "比对结果（本镇）", headers, out, text_columns=(3,))
    with open(target, "wb") as f:
        f.write(xlsx.workbook_bytes(wb))
    return len(rows), sum(1 for _t, p, _v in rows if p in matched)
