"""Reads of civil, each scoped to the user (deny by default; out of scope is not found)."""

from django.db.models import Q

from gongzhi.core.exceptions import NotFound

from . import permissions as perms
from .models import RiskAssessment, RuleApplication, RulesDocument, RulesVersion


def documents(user):
    return RulesDocument.objects.visible_to(user, perms.VIEW_RULES).select_related("node", "current", "parent")


def get_document(user, pk):
    found = documents(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def versions(user):
    return RulesVersion.objects.visible_to(user, perms.VIEW_RULES).select_related(
        "document__node", "matter", "decision__body", "board_entry", "based_on"
    )


def get_version(user, pk):
    found = versions(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def applications(user, *, document=None, article=None, q=""):
    """The application log the user may read, newest first; `article` (a number) searches by
    article of any version, `q` the facts and handling."""
    qs = RuleApplication.objects.visible_to(user, perms.VIEW_APPLICATION).select_related(
        "document__node", "article", "resident", "recorded_by"
    )
    if document is not None:
        qs = qs.filter(document=document)
    if article:
        qs = qs.filter(article__number=article)
    if q:
        qs = qs.filter(Q(facts__icontains=q) | Q(handling__icontains=q))
    return qs


def get_application(user, pk):
    found = applications(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def assessments(user):
    return RiskAssessment.objects.visible_to(user, perms.VIEW_ASSESSMENT).select_related("matter", "node", "signed_by")


def get_assessment(user, pk):
    found = assessments(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found
