"""Excel export of a campaign's answers: one row per household in the reader's area, one column
per checklist item. Masked as the registry masks: the head's phone always masked, a head in a
sensitive group not named and a sensitive household's answers not shown to readers without
registry.view_sensitive at its grid. Logged as an export."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core import xlsx
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at
from gongzhi.registry import permissions as registry_perms

from . import permissions as perms
from . import selectors
from .choices import FieldKind, VisitStatus
from .models import Answer, AnswerPhoto, Assignment, Finding

RESTRICTED = "（受限）"


def _place(r) -> str:
    if r["household__building__name"]:
        return f"{r['household__building__name']} {r['household__room'] or ''}".strip()
    return r["household__address"] or ""


def answer_rows(user, campaign):
    """(headers, rows) of the export, read in four queries whatever the number of households."""
    questions = list(campaign.questions.all())
    qs = selectors.in_scope(user, campaign)
    rows = list(
        qs.order_by("grid__code", "household__number").values(
            "id",
            "grid__name",
            "grid__path",
            "household__number",
            "household__building__name",
            "household__room",
            "household__address",
            "household__head__name",
            "household__head__phone",
            "household__head__has_sensitive",
            "sensitive",
            "status",
            "visited_at",
            "visited_by__display_name",
            "visited_by_id",
            "note",
        )
    )
    answers = {}
    for a_id, q_id, value in Answer.objects.filter(assignment__in=qs.values("pk")).values_list(
        "assignment_id", "question_id", "value"
    ):
        answers[(a_id, q_id)] = value
    photos = {}
    for a_id, q_id in AnswerPhoto.objects.filter(assignment__in=qs.values("pk")).values_list(
        "assignment_id", "question_id"
    ):
        photos[(a_id, q_id)] = photos.get((a_id, q_id), 0) + 1
    findings = {}
    for a_id, summary in Finding.objects.filter(assignment__in=qs.values("pk")).values_list("assignment_id", "summary"):
        findings.setdefault(a_id, []).append(summary)
    status = dict(VisitStatus.choices)
    yes_no = {"yes": _("是"), "no": _("否")}
    headers = [_("网格"), _("户号"), _("地址"), _("户主"), _("户主电话"), _("排查结果"), _("排查人"), _("排查时间")]
    headers += [q.text for q in questions] + [_("备注"), _("排查发现")]
    out = []
    sensitive_right = {}
    for r in rows:
        path = r["grid__path"]
        if path not in sensitive_right:
            sensitive_right[path] = has_perm_at(user, registry_perms.VIEW_SENSITIVE, path)
        head = r["household__head__name"] or ""
        if head and r["household__head__has_sensitive"] and not sensitive_right[path]:
            head = RESTRICTED
        shown = not r["sensitive"] or sensitive_right[path] or r["visited_by_id"] == user.pk
        line = [
            r["grid__name"],
            r["household__number"],
            _place(r),
            head,
            mask_phone(r["household__head__phone"] or "") if head != RESTRICTED else "",
            str(status[r["status"]]),
            r["visited_by__display_name"] or "",
            timezone.localtime(r["visited_at"]).strftime("%Y-%m-%d %H:%M") if r["visited_at"] else "",
        ]
        for q in questions:
            if not shown:
                line.append(RESTRICTED if r["status"] == VisitStatus.DONE else "")
            elif q.kind == FieldKind.PHOTO:
                n = photos.get((r["id"], q.pk), 0)
                line.append(_("%(n)s 张") % {"n": n} if n else "")
            else:
                value = answers.get((r["id"], q.pk), "")
                line.append(str(yes_no.get(value, value)) if q.kind == FieldKind.YESNO else value)
        line.append(r["note"] if shown else (RESTRICTED if r["note"] else ""))
        line.append("；".join(findings.get(r["id"], [])))
        out.append(line)
    return headers, out


def export_answers(user, campaign):
    """The .xlsx of the campaign's answers in the user's area, logged as an export."""
    if not has_perm_anywhere(user, perms.EXPORT):
        raise PermissionDenied(_("没有导出权限"))
    headers, rows = answer_rows(user, campaign)
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, _("排查结果"), headers, rows, text_columns=(1,))
    name = xlsx.export_filename(f"入户排查-{campaign.topic[:20]}.xlsx", user)
    response = xlsx.bytes_response(xlsx.workbook_bytes(wb), name)
    core.record_export(
        user, perms.EXPORT, Assignment, f"{campaign.topic} 排查结果（{len(rows)} 户）", len(rows), campaign=campaign.pk
    )
    return response
