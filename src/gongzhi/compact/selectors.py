"""Reads of the compact, always scoped to the user (deny by default; callers answer 404 for
anything not returned). Lists and rounds are read below the node that issued them; a
department sees its own tasks and its own scores, and other departments' scores of
communities only once the town publishes the round (permissions.py explains the scoping).
The 减负 report is in reports.py."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from gongzhi.accounts.models import Organisation
from gongzhi.core.scoping import has_perm_at
from gongzhi.territory.choices import Level
from gongzhi.territory.models import Node

from . import permissions as perms
from . import scoring
from .choices import AgreementStatus, Direction, ListStatus
from .models import (
    AssistanceItem,
    AssistanceList,
    CommunityTask,
    CompactAgreement,
    Criterion,
    DutyList,
    EvaluationRound,
    RedCard,
    Score,
    TaskAssignment,
)


def duty_lists(user):
    return DutyList.objects.filter(
        perms.scope_q_with_ancestors(user, perms.VIEW_DUTYLIST, "node__path")
    ).select_related("node")


def assistance_lists(user):
    return AssistanceList.objects.filter(
        perms.scope_q_with_ancestors(user, perms.VIEW_LISTS, "node__path")
    ).select_related("node")


def assistance_items(user, assistance_list=None):
    qs = AssistanceItem.objects.filter(
        perms.scope_q_with_ancestors(user, perms.VIEW_LISTS, "assistance_list__node__path")
    ).select_related("assistance_list__node", "department")
    return qs.filter(assistance_list=assistance_list) if assistance_list is not None else qs


def citable_items(user, town, year):
    """Items a new task in `town` may cite: the year's published lists of the town and above."""
    return assistance_items(user).filter(
        assistance_list__year=year,
        assistance_list__status=ListStatus.PUBLISHED,
        assistance_list__node__path__in=[town.path, *perms.ancestor_paths(town.path)],
    )


def agreements(user):
    return CompactAgreement.objects.visible_to(user).select_related("town", "community")


def get_agreement(user, pk):
    return get_object_or_404(agreements(user).prefetch_related("items__item__department"), pk=pk)


def assignments(user):
    """Assignments in the user's towns, or only their department's."""
    q = perms.scope(user, perms.VIEW_TASKASSIGNMENT, "town__path") | perms.department_q(
        user, perms.VIEW_DEPT_TASKS, "town__path"
    )
    return TaskAssignment.objects.filter(q).select_related("town", "department", "item")


def community_tasks(user):
    """Community tasks: every one in the user's subtree (town, community, supervisor), or the
    user's own department's."""
    q = perms.scope(user, perms.VIEW_TASKS, "community__path") | perms.department_q(
        user, perms.VIEW_DEPT_TASKS, "community__path"
    )
    return CommunityTask.objects.filter(q).select_related(
        "assignment", "community", "department", "agreement_item__item"
    )


def get_community_task(user, pk):
    return get_object_or_404(community_tasks(user), pk=pk)


def evidence(user, task_pk):
    """The evidence files of a task the user may see (the assigning department reviews them)."""
    return get_community_task(user, task_pk).evidence.all()


def red_cards(user):
    """Red cards: the community sees its own, the town all of its communities', a department
    those against itself."""
    q = perms.scope(user, perms.VIEW_RED_CARDS, "community__path") | perms.department_q(
        user, perms.VIEW_DEPT_TASKS, "community__path"
    )
    return RedCard.objects.filter(q).select_related(
        "task__assignment", "department", "community", "raised_by", "ruled_by"
    )


def red_cards_against(user, department, year):
    """The department's red cards of the year the user may see, shown beside the scoring form."""
    return red_cards(user).filter(department=department, year=year)


def rounds(user):
    return EvaluationRound.objects.filter(
        perms.scope_q_with_ancestors(user, perms.VIEW_ROUND, "town__path")
    ).select_related("town")


def scores(user):
    """Scores a user may read: all in scope for the town; the ones one gave oneself (as a
    department or a community); and, once the round is published, all in one's scope."""
    q = (
        perms.scope(user, perms.VIEW_SCORES, "community__path")
        | perms.department_q(user, perms.SCORE_AS_DEPARTMENT, "community__path", "evaluator_org")
        | perms.scope(user, perms.SCORE_AS_COMMUNITY, "evaluator_node__path")
        | (Q(round__published_at__isnull=False) & perms.scope(user, perms.VIEW_PUBLISHED, "community__path"))
    )
    return Score.objects.filter(q)


def round_results(user, rnd, direction):
    """The round's results the user may see, one row per subject, best first:
    {"subject_key", "subject", "criteria": {name: avg}, "n", "total"} (total on 0–100, see
    scoring.py). `rnd` comes from `rounds(user)`. Four queries whatever the size of the round."""
    criteria = {c.pk: c for c in Criterion.objects.filter(round=rnd, direction=direction)}
    per_subject = scoring.averages(scores(user).filter(round=rnd, criterion_id__in=list(criteria)))
    node_ids = [int(k[2:]) for k in per_subject if k.startswith("n:")]
    org_ids = [int(k[2:]) for k in per_subject if k.startswith("o:")]
    names = (
        {f"n:{pk}": name for pk, name in Node.objects.filter(pk__in=node_ids).values_list("pk", "name")}
        if node_ids
        else {}
    )
    if org_ids:
        names.update(
            {f"o:{pk}": name for pk, name in Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name")}
        )
    rows = []
    for key, per in per_subject.items():
        rows.append(
            {
                "subject_key": key,
                "subject": names.get(key, key),
                "criteria": {criteria[cid].name: avg for cid, (avg, _) in per.items() if cid in criteria},
                "n": sum(n for _, n in per.values()),
                "total": scoring.weighted_total(per, criteria),
            }
        )
    rows.sort(key=lambda r: (-(r["total"] or 0), r["subject"]))
    return rows


def evaluator_for(user, rnd):
    """Who the user scores as in this round: (evaluator, direction), or (None, None).
    A community scores departments; a department, or else the town, scores communities."""
    if not user.is_superuser:
        for c in Node.objects.filter(parent=rnd.town, level=Level.COMMUNITY).order_by("code"):
            if has_perm_at(user, perms.SCORE_AS_COMMUNITY, c.path):
                return c, Direction.TO_DEPARTMENT
        dept = perms.department_of(user)
        if dept is not None and has_perm_at(user, perms.SCORE_AS_DEPARTMENT, rnd.town.path):
            return dept, Direction.TO_COMMUNITY
    if has_perm_at(user, perms.SCORE_AS_TOWN, rnd.town.path):
        return rnd.town, Direction.TO_COMMUNITY
    return None, None


def subjects_for(rnd, evaluator, direction):
    """Whom the evaluator scores: the departments that assigned the community work this year,
    or the communities with a signed agreement."""
    if direction == Direction.TO_DEPARTMENT:
        ids = CommunityTask.objects.filter(community=evaluator, year=rnd.year).values("department_id")
        return list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    ids = CompactAgreement.objects.filter(town=rnd.town, year=rnd.year, status=AgreementStatus.SIGNED).values(
        "community_id"
    )
    return list(Node.objects.filter(pk__in=ids).order_by("code"))
