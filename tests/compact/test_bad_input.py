"""Bad input: each refused with a clear Chinese message, and nothing half-saved — no task, no
score, no list item, no audit entry for a change that did not happen."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.compact import models as m
from gongzhi.compact import services as svc
from gongzhi.compact.choices import Direction
from gongzhi.compact.services import tasks as limits
from gongzhi.core.models import AuditEntry

from .conftest import DUE, TODAY, YEAR, assign
from .helpers import criteria

TABLES = [
    m.TaskAssignment,
    m.CommunityTask,
    m.RedCard,
    m.EvidenceFile,
    m.Score,
    m.AssistanceItem,
    m.AgreementItem,
    m.CompactAgreement,
    m.AssistanceList,
]


def _counts():
    return {t.__name__: t.objects.count() for t in TABLES}


@pytest.fixture
def before(world):
    return _counts(), AuditEntry.objects.count()


def _unchanged(before, audit_delta=0):
    counts, audits = before
    assert _counts() == counts
    assert AuditEntry.objects.count() == audits + audit_delta


@pytest.mark.parametrize("item", ["unknown", "expired"])
def test_unknown_or_expired_item(world, before, item):
    cited = 424242 if item == "unknown" else world.item_old
    with pytest.raises(svc.GateRefused) as exc:
        assign(world, item=cited, communities=[world.c1, world.c2])
    msg = exc.value.messages[0]
    assert msg.startswith("任务未派发") and ("不存在" in msg if item == "unknown" else "已失效" in msg)
    _unchanged(before, audit_delta=1)  # only the refusal itself is on record
    assert m.GateRefusal.objects.count() == 2


def test_bad_task_fields(world, before):
    with pytest.raises(ValidationError, match="请填写任务名称"):
        assign(world, title="  ")
    with pytest.raises(ValidationError, match="完成期限不能早于今天"):
        assign(world, due_date=TODAY.replace(year=YEAR - 1))
    with pytest.raises(ValidationError, match="同一镇"):
        from gongzhi.territory import services as territory

        t2 = territory.create_node(parent=world.d, kind="town", code="320582101", name="塘桥镇")
        c3 = territory.create_node(parent=t2, kind="community", code="320582101001", name="韩山社区")
        before = (_counts(), AuditEntry.objects.count())
        assign(world, communities=[world.c1, c3])
    _unchanged(before)


def test_evidence_over_the_limit(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    task = svc.accept(world.staff1, assign(world).community_tasks.get())
    before = (_counts(), AuditEntry.objects.count())
    big = SimpleUploadedFile("扫描件.pdf", b"0" * (limits.MAX_EVIDENCE_BYTES + 1024))
    with pytest.raises(ValidationError, match="超过 10 MB 的上限"):
        svc.complete(world.staff1, task, units_done=2, files=[big])
    _unchanged(before)
    task.refresh_from_db()
    assert task.status == "accepted"


def test_score_outside_the_scale_and_duplicate(world):
    assign(world)
    rnd = svc.open_round(world.official, town=world.t, year=YEAR, kind="mid_year")
    crit = criteria(rnd, Direction.TO_DEPARTMENT)[0]
    before = (_counts(), AuditEntry.objects.count())
    with pytest.raises(ValidationError, match="分值须在 0 到 100 之间"):
        svc.score(world.staff1, round=rnd, criterion=crit, evaluator=world.c1, subject=world.civil, value=120)
    _unchanged(before)
    svc.score(world.staff1, round=rnd, criterion=crit, evaluator=world.c1, subject=world.civil, value=60)
    before = (_counts(), AuditEntry.objects.count())
    with pytest.raises(ValidationError, match="已就“业务指导”给“民政局”评过分"):
        svc.score(world.staff1, round=rnd, criterion=crit, evaluator=world.c1, subject=world.civil, value=61)
    _unchanged(before)


def test_lists_and_agreements_refuse_bad_changes(world, before):
    with pytest.raises(ValidationError, match="清单已公布，不能再修改"):
        svc.add_assistance_item(world.official, world.list, title="补充事项", department=world.civil)
    with pytest.raises(ValidationError, match="已存在"):
        svc.create_assistance_list(world.official, node=world.t, year=YEAR)
    with pytest.raises(ValidationError, match="协议已签订，不能再修改"):
        svc.add_agreement_item(world.official, world.agr2, item=world.item_b)
    with pytest.raises(ValidationError, match="按工作量计费须填写计量单位"):
        svc.create_assistance_list(
            world.official,
            node=world.t,
            year=YEAR + 1,
            items=[{"title": "按户计费", "department": world.civil, "funding_mode": "per_unit", "amount": 1}],
        )
    _unchanged(before)  # the new year's list was rolled back with its bad item


def test_agreement_cannot_take_last_years_item(world):
    from gongzhi.territory import services as territory

    c3 = territory.create_node(parent=world.t, kind="community", code="320582100003", name="城北社区")
    agr = svc.create_agreement(world.official, town=world.t, community=c3, year=YEAR)
    with pytest.raises(ValidationError, match=f"不在{YEAR}年已公布的协助政府工作事项清单上"):
        svc.add_agreement_item(world.official, agr, item=world.item_old)
    with pytest.raises(ValidationError, match="没有协助事项，不能签订"):
        svc.sign_agreement(world.official, agr, signed_on=DUE)
