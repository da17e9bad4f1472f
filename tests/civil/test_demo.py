"""The civil demo on the consultation demo's town: the 居民公约 in its second version, adopted by
the council and published, one application entry, a major matter with its filed 稳评."""

import datetime as dt
from types import SimpleNamespace

from gongzhi.civil.demo import build_civil
from gongzhi.civil.models import RiskAssessment, RuleApplication, RulesDocument
from gongzhi.consultation.demo import build_demo_consultation
from gongzhi.consultation.models import DisclosureEntry
from tests import factories
from tests.consultation.conftest import adults


def test_demo_civil(town):
    adults(town["g11"], 80, birth=dt.date(1975, 1, 1))
    nodes = {"c001": town["c1"], "c002": town["c2"], "g001001": town["g11"]}
    build_demo_consultation(nodes, seed=3)
    factories.make_user("community", town["c1"], username="chenshuji")

    build_civil(SimpleNamespace(nodes=nodes))

    document = RulesDocument.objects.get()
    assert document.current.number == 2 and document.current.status == "published"
    assert document.current.decision.outcome == "adopted"
    entry = DisclosureEntry.objects.get(pk=document.current.board_entry_id)
    assert "第 7 条（新增）" in entry.body and "第 4 条（修改）" in entry.body
    assert RuleApplication.objects.count() == 1
    assessment = RiskAssessment.objects.get()
    assert assessment.status == "filed" and assessment.matter.major
