"""Reads of consultation data, always scoped to the user: a record outside the user's scope
does not exist for them (404). Public disclosure (no login) has its own reads, later."""

from django.shortcuts import get_object_or_404

from . import permissions as perms
from .models import BallotCast, Body, BodyMember, Decision, Matter, Meeting, Motion


def bodies(user):
    return Body.objects.visible_to(user, perms.VIEW_BODY).select_related("node", "rule")


def members(user, body=None):
    qs = BodyMember.objects.visible_to(user, perms.VIEW_BODYMEMBER).select_related("resident", "body")
    return qs.filter(body=body) if body is not None else qs


def matters(user):
    return Matter.objects.visible_to(user, perms.VIEW_MATTER).select_related("node", "body")


def meetings(user):
    return Meeting.objects.visible_to(user, perms.VIEW_MEETING).select_related(
        "body", "node", "notice_entry", "cancel_entry"
    )


def motions(user, meeting=None):
    qs = Motion.objects.visible_to(user, perms.VIEW_MEETING).select_related("meeting")
    return qs.filter(meeting=meeting) if meeting is not None else qs


def voters(user, motion):
    """Who voted on a motion (the roll). For a secret motion this is all there is: the
    choices are not linked to anyone."""
    qs = BallotCast.objects.visible_to(user, perms.VIEW_VOTERS).filter(motion=motion)
    return qs.select_related("attendance__resident")


def decisions(user):
    return Decision.objects.visible_to(user, perms.VIEW_DECISION).select_related("body", "meeting", "matter")


def get_body(user, pk):
    return get_object_or_404(bodies(user), pk=pk)


def get_matter(user, pk):
    return get_object_or_404(matters(user), pk=pk)


def get_meeting(user, pk):
    return get_object_or_404(meetings(user), pk=pk)


def get_motion(user, pk):
    return get_object_or_404(motions(user), pk=pk)


def get_decision(user, pk):
    return get_object_or_404(decisions(user), pk=pk)


def public_board(node):
    """A community's disclosure board for the public page: no login, no scoping — disclosure
    is public by law (村委法 Art. 30). Newest first."""
    from .models import DisclosureEntry

    return DisclosureEntry.objects.filter(node=node).select_related("corrects").order_by("-seq")


def tasks(user, matter=None):
    from .models import Task

    qs = Task.objects.visible_to(user, perms.VIEW_MATTER).select_related("matter")
    return qs.filter(matter=matter) if matter is not None else qs


def rating_summary(matter) -> dict:
    """What is shown with a matter (its current evaluation round): how many rated it, the average to one decimal (integer
    arithmetic, half up) and how many gave each score. Ratings are public with the matter;
    who rated is not part of the summary."""
    from django.db.models import Count

    rows = dict(
        matter.ratings.filter(round=matter.evaluation_round).values_list("score").annotate(n=Count("id")).order_by()
    )
    count = sum(rows.values())
    total = sum(score * n for score, n in rows.items())
    tenths = (total * 10 * 2 + count) // (count * 2) if count else 0
    return {
        "count": count,
        "average": f"{tenths // 10}.{tenths % 10}" if count else "—",
        "by_score": {s: rows.get(s, 0) for s in range(5, 0, -1)},
    }


def drafts(user):
    """Drafts in the user's area, and town-wide drafts covering a community of it (its residents
    are the ones asked)."""
    from django.db.models import Q

    from gongzhi.territory.choices import Level
    from gongzhi.territory.models import Node

    from .models import Draft

    own = Draft.objects.visible_to(user, perms.VIEW_DRAFT).values("pk")
    places = Node.objects.visible_to(user, perms.VIEW_DRAFT).filter(level=Level.COMMUNITY).values("pk")
    wide = Draft.communities.through.objects.filter(node__in=places).values("draft_id")
    return Draft.objects.filter(Q(pk__in=own) | Q(pk__in=wide)).select_related("node", "report")


def comments(user, draft):
    """Comments on a draft the user may see (found through `drafts`) with their answers; they
    are published in the feedback report, so whoever may see the draft may see them."""
    from .models import Comment

    if not drafts(user).filter(pk=draft.pk).exists():
        return Comment.objects.none()
    return Comment.objects.filter(paragraph__draft=draft).select_related("paragraph", "community")


def task_owners(matter):
    """Users who may be named a task's owner: active users holding a role on the matter's
    community, on a node within it, or above it (the service re-checks that they may see it)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    path = matter.node.path
    parts = [p for p in path.strip("/").split("/") if p]
    above = ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(memberships__node__path__startswith=path) | Q(memberships__node__path__in=above))
        .distinct()
        .order_by("username")
    )
