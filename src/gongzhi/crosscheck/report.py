"""The findings as one workbook per town (`<town>-跨镇比对-<date>.xlsx`): a summary sheet and a
sheet per check, each person by the pseudonym only the town can resolve
(`gongzhi crosscheck-identify`)."""

import datetime as dt
from pathlib import Path

from gongzhi.core import xlsx

from .checks import CHECKS

HEADERS = {
    "town": "街道/乡镇代码",
    "person": "比对标识",
    "other_towns": "同时登记在住的街道/乡镇",
    "payer": "发放单位",
    "payments": "死亡后发放笔数",
    "amount": "死亡后发放金额（元）",
    "first_month": "最早月份",
    "last_month": "最晚月份",
    "household": "户（本镇编号）",
    "age": "年龄",
}


def by_town(found: dict[str, list[dict]]) -> dict[str, dict[str, list[dict]]]:
    towns: dict[str, dict[str, list[dict]]] = {}
    for key, rows in found.items():
        for row in rows:
            towns.setdefault(row["town"], {}).setdefault(key, []).append(row)
    return towns


def write(found: dict[str, list[dict]], out_dir, day: dt.date, towns=()) -> list[Path]:
    """One workbook per town with findings (and per town in `towns`, empty or not)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    grouped = by_town(found)
    written = []
    for town in sorted(set(grouped) | set(towns)):
        mine = grouped.get(town, {})
        wb = xlsx.new_workbook()
        summary = [(c.title, len(mine.get(c.key, [])) if c.key in found else "未比对") for c in CHECKS]
        xlsx.add_sheet(wb, "汇总", ["比对项目", "发现数"], summary)
        for check in CHECKS:
            if check.key not in found:
                continue
            cols = ("person", *check.columns)
            rows = ([r[c] for c in cols] for r in mine.get(check.key, []))
            xlsx.add_sheet(wb, check.title, [HEADERS[c] for c in cols], rows, text_columns=(0,))
        path = out_dir / f"{town}-跨镇比对-{day:%Y%m%d}.xlsx"
        path.write_bytes(xlsx.workbook_bytes(wb))
        written.append(path)
    return written
