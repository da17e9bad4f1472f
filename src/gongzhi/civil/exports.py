"""Excel exports of civil (each list's `?export=xlsx`): the documents, a version's articles
with their change marks, the application log (resident's name masked) and the assessments.
Each export is logged."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.masking import mask_name
from gongzhi.core.scoping import has_perm_anywhere

from . import permissions as perms
from .choices import Change
from .models import RiskAssessment, RuleApplication, RulesDocument, RulesVersion


def _answer(user, model, perm, title, headers, data, filename):
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, title, headers, data)
    core.record_export(user, perm, model, f"{title}（{len(data)} 行）", len(data))
    return xlsx.bytes_response(xlsx.workbook_bytes(wb), xlsx.export_filename(f"{filename}.xlsx", user))


def export_documents(user, rows):
    data = [
        [
            d.node.name,
            d.get_kind_display(),
            d.title,
            d.parent.title if d.parent_id else "",
            d.current.number if d.current_id else "",
            d.current.adopted_on if d.current_id else None,
        ]
        for d in rows
    ]
    headers = [_("社区/村"), _("类别"), _("名称"), _("所属章程"), _("现行版本"), _("通过日期")]
    return _answer(user, RulesDocument, perms.VIEW_RULES, _("村规民约与章程"), headers, data, "村规民约与章程")


def export_articles(user, version, rows):
    """The articles of one version, with how each differs from the version it revises."""
    data = [[r["number"], r["title"], r["text"], str(Change(r["change"]).label)] for r in rows]
    headers = [_("条"), _("条标题"), _("条文"), _("修订情况")]
    title = f"{version.document.title}第{version.number}版"
    return _answer(user, RulesVersion, perms.VIEW_RULES, _("条文"), headers, data, title)


def export_applications(user, rows):
    """The application log as filtered on the page; the resident's name is masked."""
    if not has_perm_anywhere(user, perms.EXPORT_APPLICATION):
        raise PermissionDenied(_("没有导出权限"))
    data = [
        [
            a.occurred_on,
            a.document.node.name,
            a.document.title,
            a.article.number,
            mask_name(a.resident.name),
            a.facts,
            a.handling,
        ]
        for a in rows
    ]
    headers = [_("发生日期"), _("社区/村"), _("文件"), _("条"), _("当事居民"), _("情况"), _("处理情况")]
    return _answer(
        user, RuleApplication, perms.EXPORT_APPLICATION, _("村规民约执行记录"), headers, data, "村规民约执行记录"
    )


def export_assessments(user, rows):
    data = [
        [
            a.node.name,
            a.matter.title,
            a.get_conclusion_display(),
            a.get_status_display(),
            a.signed_by.display_name if a.signed_by_id else "",
            a.signed_on,
        ]
        for a in rows
    ]
    headers = [_("社区/村"), _("议题"), _("评估结论"), _("状态"), _("签署人"), _("签署日期")]
    return _answer(user, RiskAssessment, perms.VIEW_ASSESSMENT, _("稳评"), headers, data, "稳评")


def today():
    return timezone.localdate()
