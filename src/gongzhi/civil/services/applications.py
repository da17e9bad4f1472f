"""The log of how a community's rules were applied (执行记录)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core

from ..models import Article, RuleApplication


def record_application(
    *, document, article_number, occurred_on, resident, facts, handling, reason=""
) -> RuleApplication:
    """Record that `resident` breached article `article_number` of the version in force on
    `occurred_on`, and how it was handled. The resident must live in the document's community
    (picked from the registry through the caller's scoped selector)."""
    if document.current_id is None:
        raise ValidationError(_("该文件尚无现行版本，不能记录执行情况"))
    errors = {}
    article = None
    if not isinstance(article_number, int) or article_number < 1:
        errors["article_number"] = _("请填写条号")
    else:
        article = Article.objects.filter(version_id=document.current_id, number=article_number).first()
        if article is None:
            errors["article_number"] = _("现行版本中没有第 %(n)s 条") % {"n": article_number}
    if occurred_on is None:
        errors["occurred_on"] = _("请填写发生日期")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("发生日期不能晚于今天")
    if resident is None:
        errors["resident"] = _("请从人口库中选择当事居民")
    elif not resident.grid.path.startswith(document.node.path):
        errors["resident"] = _("%(name)s 不是%(place)s的居民") % {"name": resident.name, "place": document.node.name}
    if not (facts or "").strip():
        errors["facts"] = _("请填写情况")
    if not (handling or "").strip():
        errors["handling"] = _("请填写处理情况")
    if errors:
        raise ValidationError(errors)
    user = audit.current().user
    with transaction.atomic():
        return core.create(
            RuleApplication,
            document=document,
            article=article,
            occurred_on=occurred_on,
            resident=resident,
            facts=facts.strip(),
            handling=handling.strip(),
            recorded_by=user if getattr(user, "is_authenticated", False) else None,
            reason=reason,
        )
