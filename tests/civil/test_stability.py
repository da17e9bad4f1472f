"""稳评 and the vote gate: the vote on a 重大事项 does not open — by any channel, since every one
goes through consultation's open_motion — until its risk assessment is filed; a high-risk
conclusion holds it too. Matters not marked major are not affected."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.civil import services
from gongzhi.civil.choices import AssessmentStatus
from gongzhi.civil.models import RiskAssessment
from gongzhi.consultation import gates
from gongzhi.consultation import services as consultation
from gongzhi.consultation.choices import MotionStatus

from .conftest import as_user, open_meeting_with, raise_to_council

GOOD = {
    "risk_points": "低层住户采光",
    "affected_groups": "一、二层住户",
    "opinions": "问卷 200 份；听证会 1 次",
    "opinion_links": "https://example.org/survey\n",
    "measures": "低层补偿",
    "conclusion": "medium",
}


def _motion(world, matter):
    meeting = open_meeting_with(world.council, world.members, 7)
    item = consultation.add_agenda_item(meeting, matter=matter)
    return consultation.propose_motion(meeting, text=matter.title, agenda_item=item)


def test_the_gate_is_registered_with_consultation():
    assert "civil.risk_assessment" in [g.key for g in gates.registered()]


def test_vote_on_a_major_matter_waits_for_its_filed_assessment(civil):
    matter = raise_to_council(civil, "加装电梯方案", major=True)
    motion = _motion(civil, matter)
    with pytest.raises(ValidationError, match="重大事项，须先完成社会稳定风险评估"):
        consultation.open_motion(motion)
    motion.refresh_from_db()
    assert motion.status == MotionStatus.DRAFT
    assessment = services.create_assessment(matter, **GOOD)
    with pytest.raises(ValidationError, match="须先完成社会稳定风险评估"):
        consultation.open_motion(motion)  # a draft is not enough
    with as_user(civil.users.community):
        filed = services.file_assessment(assessment)
    assert (filed.status, filed.signed_by, filed.signed_on is not None) == (
        AssessmentStatus.FILED,
        civil.users.community,
        True,
    )
    assert consultation.open_motion(motion).status == MotionStatus.OPEN


def test_a_high_risk_conclusion_holds_the_vote_until_reassessed(civil):
    matter = raise_to_council(civil, "拆除违建", major=True)
    motion = _motion(civil, matter)
    with as_user(civil.users.community):
        services.file_assessment(services.create_assessment(matter, **{**GOOD, "conclusion": "high"}))
        with pytest.raises(ValidationError, match="高风险，应暂缓表决"):
            consultation.open_motion(motion)
        services.file_assessment(services.create_assessment(matter, **{**GOOD, "conclusion": "low"}))
    assert consultation.open_motion(motion).status == MotionStatus.OPEN


def test_matters_not_marked_major_are_not_held(civil):
    matter = raise_to_council(civil, "普通议题")
    assert consultation.open_motion(_motion(civil, matter)).status == MotionStatus.OPEN


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"risk_points": " "}, "risk_points"),
        ({"affected_groups": ""}, "affected_groups"),
        ({"opinions": ""}, "opinions"),
        ({"measures": ""}, "measures"),
        ({"conclusion": "extreme"}, "conclusion"),
        ({"opinion_links": "javascript:alert(1)"}, "opinion_links"),
        ({"opinion_links": "www.example.org"}, "opinion_links"),
    ],
)
def test_bad_assessments_are_refused(civil, changes, field):
    matter = raise_to_council(civil, "加装电梯", major=True)
    with pytest.raises(ValidationError) as excinfo:
        services.create_assessment(matter, **{**GOOD, **changes})
    assert field in excinfo.value.message_dict
    assert not RiskAssessment.objects.exists()


def test_one_draft_at_a_time_and_a_filed_one_is_kept_as_signed(civil):
    matter = raise_to_council(civil, "加装电梯", major=True)
    draft = services.create_assessment(matter, **GOOD)
    with pytest.raises(ValidationError, match="已有一份起草中的稳评"):
        services.create_assessment(matter, **GOOD)
    draft = services.update_assessment(draft, measures="新增停车位", expected_version=draft.version)
    assert draft.measures == "新增停车位"
    with pytest.raises(PermissionDenied):
        services.file_assessment(draft)  # nobody signed in: no signer
    with as_user(civil.users.community):
        filed = services.file_assessment(draft)
        with pytest.raises(ValidationError, match="已签署备案"):
            services.file_assessment(filed)
    with pytest.raises(ValidationError, match="不能修改"):
        services.update_assessment(filed, measures="改")


def test_no_assessment_once_the_matter_is_decided(civil):
    from .conftest import vote

    matter = raise_to_council(civil, "普通议题")
    vote(civil, matter)
    matter.refresh_from_db()
    with pytest.raises(ValidationError, match="不再需要稳评"):
        services.create_assessment(matter, **GOOD)
