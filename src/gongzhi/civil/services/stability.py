"""Social-stability risk assessments (稳评) of major matters, and the vote gate they hold.

The gate (`vote_refusal`) is registered with consultation's vote gates in apps.py, so
consultation's `open_motion` — every channel's way to open a vote — refuses while a 重大事项 has
no filed assessment, without consultation importing this app."""

from urllib.parse import urlparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.consultation.choices import MatterStatus
from gongzhi.core import audit
from gongzhi.core import services as core

from ..choices import AssessmentStatus, Conclusion
from ..models import RiskAssessment

FIELDS = ("risk_points", "affected_groups", "opinions", "opinion_links", "measures", "conclusion")
REQUIRED = {
    "risk_points": gettext_lazy("请填写风险点"),
    "affected_groups": gettext_lazy("请填写涉及群体"),
    "opinions": gettext_lazy("请填写意见征集情况（问卷、听证、座谈等）"),
    "measures": gettext_lazy("请填写防范化解措施"),
}
# A matter past the vote needs no new assessment.
CLOSED = (MatterStatus.DECIDED, MatterStatus.CARRYING_OUT, MatterStatus.DONE, MatterStatus.REJECTED)


def _clean(data: dict) -> dict:
    errors = {}
    out = {k: (data.get(k) or "").strip() for k in FIELDS}
    for name, message in REQUIRED.items():
        if not out[name]:
            errors[name] = str(message)
    if out["conclusion"] not in Conclusion.values:
        errors["conclusion"] = _("请选择评估结论：高风险、中风险或低风险")
    for line in out["opinion_links"].splitlines():
        line = line.strip()
        if line and (urlparse(line).scheme not in ("http", "https") or not urlparse(line).netloc):
            errors["opinion_links"] = _("链接应以 http:// 或 https:// 开头：%(link)s") % {"link": line[:80]}
            break
    if errors:
        raise ValidationError(errors)
    return out


def latest_filed(matter):
    return (
        RiskAssessment.objects.filter(matter=matter, status=AssessmentStatus.FILED).order_by("-filed_at", "-id").first()
    )


def create_assessment(matter, *, reason="", **data) -> RiskAssessment:
    """Draft an assessment of `matter`. One draft at a time; none once the matter is decided."""
    if matter.status in CLOSED:
        raise ValidationError(_("议题已表决或结束，不再需要稳评"))
    values = _clean(data)
    with transaction.atomic():
        if RiskAssessment.objects.filter(matter=matter, status=AssessmentStatus.DRAFT).exists():
            raise ValidationError(_("该议题已有一份起草中的稳评，请修改并签署它"))
        return core.create(RiskAssessment, matter=matter, node=matter.node, reason=reason, **values)


def update_assessment(assessment, *, expected_version=None, reason="", **data) -> RiskAssessment:
    """Change a draft assessment; a filed one is kept as signed."""
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("稳评已签署备案，不能修改；如情况变化请重新评估"))
    values = _clean({**{k: getattr(assessment, k) for k in FIELDS}, **data})
    return core.update(assessment, values, reason=reason, expected_version=expected_version)


def file_assessment(assessment, *, expected_version=None, reason="") -> RiskAssessment:
    """Sign and file a draft: the acting user signs, today. From then on the vote on the
    matter may open — unless the conclusion is high risk."""
    user = audit.current().user
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("稳评须由登录的工作人员签署"))
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("该稳评已签署备案"))
    _clean({k: getattr(assessment, k) for k in FIELDS})
    return core.update(
        assessment,
        {
            "status": AssessmentStatus.FILED,
            "signed_by": user,
            "signed_on": timezone.localdate(),
            "filed_at": timezone.now(),
        },
        reason=reason or _("签署备案"),
        expected_version=expected_version,
    )


def vote_refusal(matter) -> str:
    """Why the vote on `matter` may not open for want of a risk assessment ("" if it may)."""
    if not matter.major:
        return ""
    filed = latest_filed(matter)
    if filed is None:
        return _("“%(title)s”是重大事项，须先完成社会稳定风险评估（稳评）并签署备案，才能开始表决") % {
            "title": matter.title
        }
    if filed.conclusion == Conclusion.HIGH:
        return _("“%(title)s”的稳评结论为高风险，应暂缓表决；落实防范化解措施后重新评估并备案") % {
            "title": matter.title
        }
    return ""
