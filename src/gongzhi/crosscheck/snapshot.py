"""Pseudonymous snapshots of a town's registry as Parquet, for cross-checks between towns.

A snapshot is a directory: `residents.parquet`, `manifest.json`. Each person is named by a
keyed hash of the ID number (HMAC-SHA256 with the province-wide key in
`GONGZHI_CROSSCHECK_KEY`), so snapshots of different towns join on it while nobody without the
key can tell whose rows they are, nor test a guessed ID number. Names, phones, addresses and
the ID number itself are left out; the birth date is reduced to the age in whole years on the
day of the snapshot (what the checks need). The manifest lists each file with its row count and
SHA-256, and a check value of the key, so `gongzhi crosscheck` refuses a changed file or a
snapshot hashed with another key before joining anything.
"""

import datetime as dt
import hashlib
import hmac
import json
import os
from pathlib import Path

FORMAT = "gongzhi-snapshot/1"
RESIDENTS = "residents.parquet"
MANIFEST = "manifest.json"
KEY_ENV = "GONGZHI_CROSSCHECK_KEY"
MIN_KEY_BYTES = 32  # a key shorter than the hash it keys could be guessed
BATCH = 50_000  # rows per Parquet row group: the export's memory stays flat at city scale


class SnapshotError(Exception):
    """A snapshot that cannot be made or trusted; the message says why, in Chinese."""


def province_key(value: str | None = None) -> bytes:
    """The province-wide key from the environment (or `value`), refused when missing or short."""
    raw = value if value is not None else os.environ.get(KEY_ENV, "")
    key = raw.encode()
    if len(key) < MIN_KEY_BYTES:
        raise SnapshotError(f"请在环境变量 {KEY_ENV} 中设置全省统一的比对密钥（至少 {MIN_KEY_BYTES} 个字符）")
    return key


def person_key(key: bytes, id_number: str) -> str:
    """The pseudonym of an ID number: hex HMAC-SHA256 of its normal form (upper-case X, no
    spaces), the same in every town that holds the same key."""
    normal = id_number.strip().upper().encode()
    return hmac.new(key, normal, hashlib.sha256).hexdigest()


def key_check(key: bytes) -> str:
    """A value that tells whether two snapshots were hashed with the same key without revealing it."""
    return hmac.new(key, b"gongzhi-crosscheck-key-check", hashlib.sha256).hexdigest()[:16]


def schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("person", pa.string()),  # keyed hash of the ID number
            ("town", pa.string()),  # 区划代码 of the town (街道/乡镇) the record is in
            ("community", pa.string()),
            ("household", pa.int64()),  # the town's own household id: meaningful only with `town`
            ("age", pa.int16()),  # whole years on the day of the snapshot
            ("gender", pa.string()),
            ("residence_type", pa.string()),  # registered / resident / migrant
            ("separation", pa.string()),  # none / away (户在人不在) / here (人在户不在)
            ("status", pa.string()),  # active / moved_out / deceased
            ("status_since", pa.date32()),  # the record's last change: when a death was recorded
        ]
    )


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_snapshot(directory, rows, *, key: bytes, source: str, taken_on: dt.date) -> dict:
    """Write `rows` (dicts with the schema's fields, `person` already hashed) as a snapshot in
    `directory` (created; must not hold a snapshot already) and return its manifest."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if (directory / MANIFEST).exists():
        raise SnapshotError(f"{directory} 已有快照，请换一个目录")
    target, fields = directory / RESIDENTS, schema()
    count, towns = 0, set()
    with pq.ParquetWriter(target, fields, compression="zstd") as writer:
        batch = []
        for row in rows:
            batch.append(row)
            towns.add(row["town"])
            if len(batch) >= BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=fields))
                count, batch = count + len(batch), []
        if batch or not count:
            writer.write_table(pa.Table.from_pylist(batch, schema=fields))
            count += len(batch)
    manifest = {
        "format": FORMAT,
        "source": source,
        "taken_on": taken_on.isoformat(),
        "towns": sorted(towns),
        "key_check": key_check(key),
        "files": {RESIDENTS: {"rows": count, "sha256": sha256_of(target)}},
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def verify(directory) -> dict:
    """The manifest of the snapshot in `directory` once every file matches its row count's file
    and SHA-256; SnapshotError otherwise."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{directory} 不是快照目录（缺少或无法读取 {MANIFEST}）") from exc
    if manifest.get("format") != FORMAT:
        raise SnapshotError(f"{directory} 的快照格式不是 {FORMAT}")
    for name, meta in manifest.get("files", {}).items():
        path = directory / name
        if not path.exists() or sha256_of(path) != meta["sha256"]:
            raise SnapshotError(f"{path} 与清单的校验值不符：文件缺失或已被改动")
    return manifest
