"""Reads of civil, each scoped to the user (deny by default; out of scope is not found)."""

from django.db.models import Q

from gongzhi.core.exceptions import NotFound
from gongzhi.core.scoping import EVERYWHERE, paths_for, scope_q

from . import permissions as perms
from .models import RiskAssessment, RuleApplication, RulesDocument, RulesVersion


def community_scope(user, perm, field) -> Q:
    """Rows of a community in the user's scope for `perm`, or of the community above a grid
    where they hold it: a grid worker reads, and records the application of, the rules of the
    community their grid belongs to (rules are made for a whole community, never for a grid)."""
    paths = paths_for(user, perm)
    if paths is None:
        return EVERYWHERE
    parents = {p[: p.rstrip("/").rfind("/") + 1] for p in paths}
    return scope_q(user, perm, field) | Q(**{f"{field}__in": sorted(parents)})


def documents(user, perm=perms.VIEW_RULES):
    return RulesDocument.objects.filter(community_scope(user, perm, "node__path")).select_related(
        "node", "current", "parent"
    )


def get_document(user, pk):
    found = documents(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def versions(user):
    return RulesVersion.objects.filter(community_scope(user, perms.VIEW_RULES, "document__node__path")).select_related(
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
    qs = RuleApplication.objects.filter(
        community_scope(user, perms.VIEW_APPLICATION, "document__node__path")
    ).select_related("document__node", "article", "resident", "recorded_by")
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
