"""Sending findings to the towns' own installations (`gongzhi crosscheck --deliver URL`,
`gongzhi crosscheck-deliver`): each town's findings go to POST /api/v1/crosscheck/findings
with a token of that town's delivery account, in requests of at most BATCH findings, each of
which the town stores whole or not at all. Only what the workbook holds travels: the check,
the pseudonym and the check's columns; the town resolves the pseudonym to its resident.

A finding's id is derived from the run's day, the check, the town and the pseudonym, so the
same run delivered twice (after a network failure, say) adds nothing in the town."""

import datetime as dt
import decimal
import hashlib
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from openpyxl import load_workbook

from .checks import CHECKS
from .report import HEADERS
from .snapshot import key_check

BATCH = 500
TOKEN_ENV = "GONGZHI_DELIVER_TOKEN"
PATH = "/crosscheck/findings"


class DeliveryError(Exception):
    """A delivery the town refused or could not be reached for; the message says why, in Chinese."""


def finding_id(run_on: dt.date, kind: str, town: str, person: str) -> str:
    return hashlib.sha256(f"{run_on.isoformat()}|{kind}|{town}|{person}".encode()).hexdigest()[:32]


def _plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def by_town(found: dict[str, list[dict]], run_on: dt.date) -> dict[str, list[dict]]:
    """{town: [finding as the API takes it]} from the checks' findings (checks.run)."""
    columns = {c.key: c.columns for c in CHECKS}
    out: dict[str, list[dict]] = {}
    for kind, rows in found.items():
        for row in rows:
            out.setdefault(row["town"], []).append(
                {
                    "id": finding_id(run_on, kind, row["town"], row["person"]),
                    "check": kind,
                    "person": row["person"],
                    "details": {c: _plain(row[c]) for c in columns[kind]},
                }
            )
    return out


def read_workbook(path) -> tuple[str, dt.date, list[dict]]:
    """(town, run day, findings) of a town's workbook `<town>-跨镇比对-<YYYYMMDD>.xlsx`."""
    path = Path(path)
    m = re.fullmatch(r"(\d{9,12})-跨镇比对-(\d{8})\.xlsx", path.name)
    if not m:
        raise DeliveryError(f"{path.name} 不是比对结果工作簿的文件名（应为 街道代码-跨镇比对-日期.xlsx）")
    town, run_on = m.group(1), dt.datetime.strptime(m.group(2), "%Y%m%d").date()
    by_title = {c.title: c for c in CHECKS}
    label_of = {v: k for k, v in HEADERS.items()}
    found: dict[str, list[dict]] = {}
    wb = load_workbook(path, read_only=True)
    try:
        for ws in wb.worksheets:
            check = by_title.get(ws.title)
            if check is None:
                continue
            rows = ws.iter_rows(values_only=True)
            header = [label_of.get(h, h) for h in next(rows, ())]
            if header[:1] != ["person"] or set(header[1:]) != set(check.columns):
                raise DeliveryError(f"{path.name} 的“{ws.title}”表头与比对项目不符")
            found[check.key] = [{"town": town, **dict(zip(header, r, strict=False))} for r in rows if r and r[0]]
    finally:
        wb.close()
    return town, run_on, by_town(found, run_on).get(town, [])


def endpoint(url: str) -> str:
    """The findings endpoint under `url`: the site (https://town.example) or its API root."""
    base = url.rstrip("/")
    if not base.endswith("/api/v1"):
        base += "/api/v1"
    return base + PATH


def post(url: str, token: str, payload: dict, timeout: float = 120) -> dict:
    """POST one batch; the town's answer, or DeliveryError with the town's own message."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        endpoint(url),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - an operator-given URL
            return json.loads(answer.read())
    except urllib.error.HTTPError as e:
        raise DeliveryError(f"HTTP {e.code}：{_detail(e.read())}") from None
    except (urllib.error.URLError, OSError) as e:
        raise DeliveryError(f"无法连接 {endpoint(url)}：{getattr(e, 'reason', e)}") from None


def _detail(raw: bytes) -> str:
    try:
        detail = json.loads(raw)["detail"]
    except (ValueError, KeyError, TypeError):
        return raw[:200].decode(errors="replace")
    if isinstance(detail, list):
        return "；".join(f"{d.get('field')}: {d.get('message')}" for d in detail)
    return str(detail)


def deliver_town(url: str, token: str, key: bytes, town: str, run_on: dt.date, findings: list[dict]) -> dict:
    """Send one town's findings in batches; the summed answers {received, created, already, matched}."""
    total = {"received": 0, "created": 0, "already": 0, "matched": 0}
    for start in range(0, len(findings), BATCH):
        answer = post(
            url,
            token,
            {
                "town": town,
                "run_on": run_on.isoformat(),
                "key_check": key_check(key),
                "findings": findings[start : start + BATCH],
            },
        )
        for k in total:
            total[k] += int(answer.get(k, 0))
    return total
