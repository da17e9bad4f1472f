"""Web pages of the risk assessments (稳评): the list, a new assessment of a matter, an
assessment's page (a draft is edited, then signed and filed), and the panel on the
consultation matter page (registered as a vote gate's panel in apps.py)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.consultation.models import Matter
from gongzhi.core.scoping import has_perm_at
from gongzhi.core.web import paginate, perm_required, run_action, wants_export

from .. import exports, selectors, services
from .. import permissions as perms
from ..choices import AssessmentStatus
from ..forms import AssessmentForm
from ..services.stability import FIELDS, latest_filed
from .common import found, require_at


def matter_panel(user, matter) -> dict | None:
    """The 稳评 block of a matter page, for who may read assessments there: the filed
    assessment (conclusion, signer, date) or that none is filed yet; nothing on a matter
    that is not major and has none."""
    if not has_perm_at(user, perms.VIEW_ASSESSMENT, matter.node.path):
        return None
    filed = latest_filed(matter)
    if filed is None and not matter.major:
        return None
    draft = None
    if filed is None:
        draft = selectors.assessments(user).filter(matter=matter, status=AssessmentStatus.DRAFT).first()
    return {
        "template": "civil/_matter_panel.html",
        "matter": matter,
        "filed": filed,
        "draft": draft,
        "refusal": services.vote_refusal(matter),
        "may_add": has_perm_at(user, perms.ADD_ASSESSMENT, matter.node.path),
    }


@perm_required(perms.VIEW_ASSESSMENT)
def assessment_list(request):
    rows = selectors.assessments(request.user).order_by("-id")
    if wants_export(request):
        return exports.export_assessments(request.user, rows)
    return render(request, "civil/assessment_list.html", {"page": paginate(request, rows)})


@perm_required(perms.ADD_ASSESSMENT)
def assessment_create(request, matter_pk):
    matter = Matter.objects.visible_to(request.user, "consultation.view_matter").filter(pk=matter_pk).first()
    if matter is None:
        raise Http404
    require_at(request.user, perms.ADD_ASSESSMENT, matter.node.path)
    form = AssessmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        created = []
        done, status = run_action(
            form, lambda d: created.append(services.create_assessment(matter, **{k: d[k] for k in FIELDS}))
        )
        if done:
            messages.success(request, _("已起草稳评，核对后请签署备案"))
            return redirect("civil:assessment_detail", created[0].pk)
        status = status if status != 200 else 400
    return render(request, "civil/assessment_form.html", {"form": form, "matter": matter}, status=status)


def _page(request, assessment, form=None, status=200):
    path = assessment.node.path
    draft = assessment.status == AssessmentStatus.DRAFT
    may_edit = draft and has_perm_at(request.user, perms.ADD_ASSESSMENT, path)
    if may_edit and form is None:
        form = AssessmentForm(initial={k: getattr(assessment, k) for k in FIELDS})
    return render(
        request,
        "civil/assessment_detail.html",
        {
            "a": assessment,
            "form": form if may_edit else None,
            "may_file": draft and has_perm_at(request.user, perms.FILE_ASSESSMENT, path),
            "refusal": services.vote_refusal(assessment.matter),
        },
        status=status,
    )


@perm_required(perms.VIEW_ASSESSMENT)
def assessment_detail(request, pk):
    assessment = found(selectors.get_assessment, request.user, pk)
    if request.method != "POST":
        return _page(request, assessment)
    require_at(request.user, perms.ADD_ASSESSMENT, assessment.node.path)
    form = AssessmentForm(request.POST)
    done, status = run_action(
        form,
        lambda d: services.update_assessment(
            assessment, expected_version=assessment.version, **{k: d[k] for k in FIELDS}
        ),
    )
    if done:
        messages.success(request, _("已保存稳评草稿"))
        return redirect("civil:assessment_detail", assessment.pk)
    return _page(request, assessment, form=form, status=status if status != 200 else 400)


@require_POST
@perm_required(perms.FILE_ASSESSMENT)
def assessment_file(request, pk):
    """Sign and file a draft (the signer is the user, the date today)."""
    assessment = found(selectors.get_assessment, request.user, pk)
    require_at(request.user, perms.FILE_ASSESSMENT, assessment.node.path)
    try:
        services.file_assessment(assessment)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, _("稳评已签署备案"))
    return redirect("civil:assessment_detail", assessment.pk)
