"""A payments file (养老金、低保等待遇发放记录) made ready for the payments check: a CSV (UTF-8
or GB18030) or Parquet with columns `month` (YYYY-MM), `amount`, `payer` and either `person`
(already hashed with the province key) or `id_number` (hashed here, never written out), into
a Parquet file of (person, month, amount, payer)."""

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .snapshot import SnapshotError, person_key


def _month(value: str, line: int) -> dt.date:
    try:
        year, month = str(value).strip()[:7].split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError as exc:
        raise SnapshotError(f"发放记录第 {line} 行：月份“{value}”应为 YYYY-MM") from exc


def _amount(value, line: int) -> float:
    try:
        return float(Decimal(str(value).strip() or "0"))
    except InvalidOperation as exc:
        raise SnapshotError(f"发放记录第 {line} 行：金额“{value}”不是数字") from exc


def _records(path: Path):
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        yield from pq.read_table(path).to_pylist()
        return
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    yield from csv.DictReader(io.StringIO(text))


def prepare(source, target, key: bytes) -> int:
    """Write `source` as the payments Parquet at `target`; returns the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = Path(source)
    if not source.exists():
        raise SnapshotError(f"找不到发放记录文件 {source}")
    out = []
    for line, rec in enumerate(_records(source), start=2):
        person = (rec.get("person") or "").strip()
        if not person:
            id_number = (rec.get("id_number") or "").strip()
            if not id_number:
                raise SnapshotError(f"发放记录第 {line} 行：缺少身份证号（id_number）或比对标识（person）")
            person = person_key(key, id_number)
        out.append(
            {
                "person": person,
                "month": _month(rec.get("month", ""), line),
                "amount": _amount(rec.get("amount", "0"), line),
                "payer": (rec.get("payer") or "").strip(),
            }
        )
    fields = pa.schema(
        [("person", pa.string()), ("month", pa.date32()), ("amount", pa.float64()), ("payer", pa.string())]
    )
    pq.write_table(pa.Table.from_pylist(out, schema=fields), target)
    return len(out)
