"""Every state change of delivered findings: receiving a delivery from the province (one
transaction for the whole batch: all its findings are stored or none) and marking a finding
checked, corrected or no problem. Each service checks the actor's right at the record's place
and writes the audit entries through core."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.scoping import has_perm_at
from gongzhi.registry.models import Resident
from gongzhi.territory.models import Node

from . import permissions as perms
from .checks import CHECKS
from .choices import FindingStatus
from .identify import residents_by_person
from .models import Finding
from .snapshot import SnapshotError, key_check, province_key
from .transitions import FINDING

COLUMNS = {c.key: set(c.columns) for c in CHECKS}
PERSON = re.compile(r"[0-9a-f]{64}")
KEY = re.compile(r"[0-9A-Za-z_-]{8,64}")
MAX_FINDINGS = 1000  # per request: a town's findings go in several requests, each all or nothing


def _town(actor, code):
    """The town (街道/乡镇) with `code` where the actor may deliver; one message whether it does
    not exist here or the actor's token is not for it, so a token tells nothing of other towns."""
    town = Node.objects.filter(kind="town", code=(code or "").strip()).first()
    if town is None or not has_perm_at(actor, perms.DELIVER, town.path):
        raise ValidationError(
            {"town": _("本系统没有代码为 %(code)s 的街道/乡镇，或您的令牌无权向其投递") % {"code": code}}
        )
    return town


def _check_findings(findings) -> list[dict]:
    """The findings of a delivery, each checked (id, check, pseudonym, the check's columns);
    every error at once, named by its position, before anything is written."""
    if not findings:
        raise ValidationError({"findings": _("没有比对结果")})
    if len(findings) > MAX_FINDINGS:
        raise ValidationError({"findings": _("一次最多投递 %(n)s 条比对结果，请分批投递") % {"n": MAX_FINDINGS}})
    errors, seen = [], set()
    for n, f in enumerate(findings, 1):
        key, kind, person, details = f.get("id"), f.get("check"), f.get("person"), f.get("details") or {}
        if not isinstance(key, str) or not KEY.fullmatch(key):
            errors.append(_("第 %(n)s 条：编号应为 8 到 64 位字母、数字、下划线或连字符") % {"n": n})
        elif key in seen:
            errors.append(_("第 %(n)s 条：编号 %(id)s 在本次投递中重复") % {"n": n, "id": key})
        seen.add(key)
        if kind not in COLUMNS:
            errors.append(_("第 %(n)s 条：未知的比对项目 %(c)s") % {"n": n, "c": kind})
        elif not isinstance(details, dict) or set(details) - COLUMNS[kind]:
            errors.append(
                _("第 %(n)s 条：比对明细只能包含 %(cols)s")
                % {"n": n, "cols": "、".join(sorted(COLUMNS[kind])) or _("（无）")}
            )
        if not isinstance(person, str) or not PERSON.fullmatch(person):
            errors.append(_("第 %(n)s 条：比对标识应为 64 位十六进制字符（身份证号的加密散列）") % {"n": n})
    if errors:
        raise ValidationError({"findings": errors})
    return list(findings)


def receive(actor, *, town, run_on, key_check_value, findings) -> dict:
    """Store a delivery of findings about `town` (its code) from the run of `run_on`, each as
    a task to verify, matched to the town's resident by hashing the town's residents' ID
    numbers with this installation's key. A finding whose id is already here is left as it is
    (a delivery may be repeated safely); the same id with other content is refused. All or
    nothing: any bad finding, an unknown town or another key refuses the whole delivery."""
    town_node = _town(actor, town)
    if run_on is None or run_on > timezone.localdate():
        raise ValidationError({"run_on": _("比对日期不能晚于今天")})
    rows = _check_findings(findings)
    try:
        key = province_key()
    except SnapshotError:
        raise ValidationError(
            _("本系统未配置比对密钥（环境变量 GONGZHI_CROSSCHECK_KEY），无法把比对结果对应到本镇居民")
        ) from None
    if key_check_value != key_check(key):
        raise ValidationError({"key_check": _("比对结果使用了另一把比对密钥，与本系统的密钥不符")})
    existing = {f.key: f for f in Finding.objects.filter(key__in=[r["id"] for r in rows])}
    clashes = [
        r["id"]
        for r in rows
        if r["id"] in existing
        and (existing[r["id"]].town_id, existing[r["id"]].kind, existing[r["id"]].person)
        != (town_node.pk, r["check"], r["person"])
    ]
    if clashes:
        raise ValidationError({"findings": _("编号 %(ids)s 已用于另一条比对结果") % {"ids": "、".join(clashes[:5])}})
    new = [r for r in rows if r["id"] not in existing]
    in_town = Resident.objects.filter(grid__path__startswith=town_node.path)
    matched = residents_by_person(key, {r["person"] for r in new}, in_town) if new else {}
    grids = {n.pk: n for n in Node.objects.filter(pk__in={m[5] for m in matched.values()})}
    try:
        _store(actor, town_node, run_on, new, matched, grids)
    except IntegrityError:  # the same findings arrived meanwhile through another request
        raise ValidationError(_("同一批比对结果正在另一次投递中登记，请稍后重试")) from None
    return {
        "town": town_node.code,
        "received": len(rows),
        "created": len(new),
        "already": len(rows) - len(new),
        "matched": sum(1 for r in new if r["person"] in matched),
    }


def _store(actor, town_node, run_on, new, matched, grids):
    """Insert the new findings in one transaction: all of them or none."""
    with transaction.atomic():
        for r in new:
            hit = matched.get(r["person"])
            core.create(
                Finding,
                reason=_("接收跨镇比对结果"),
                key=r["id"],
                town=town_node,
                node=grids[hit[5]] if hit else town_node,
                run_on=run_on,
                kind=r["check"],
                person=r["person"],
                details=r.get("details") or {},
                resident_id=hit[0] if hit else None,
                delivered_by=actor,
            )


def mark(actor, finding, *, action, note, expected_version=None) -> Finding:
    """Mark a finding checked (已核实), corrected (已更正) or no problem (无问题), with a note
    of what was found; the note is required: it is the record of what was checked and how."""
    with transaction.atomic():
        core.check_version(finding, expected_version)
        finding.refresh_from_db()
        move = FINDING.check(actor, FINDING.get(finding.status, action=action), finding.node.path)
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": _("请填写核实情况")})
        return core.update(
            finding,
            {
                "status": FindingStatus(move.target),
                "note": note,
                "handled_by": actor,
                "handled_at": timezone.now(),
            },
            reason=str(move.label),
        )
