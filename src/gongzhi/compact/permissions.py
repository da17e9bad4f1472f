"""Who may do what in the compact, on which part of the territory.

Path scoping (core.scoping) answers "in my subtree". Two things the compact adds:
- Lists and rounds are issued by a town or county but read by the communities below it, so
  their scope also reaches *up* the tree (`scope_q_with_ancestors`).
- A department user's membership sits on the town, yet it must see only its own department's
  tasks and scores: those reads combine a path scope with `department = user.organisation`
  (`department_q`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_at, paths_for

VIEW_LISTS = "compact.view_assistancelist"
PUBLISH_LISTS = "compact.change_assistancelist"
VIEW_AGREEMENT = "compact.view_compactagreement"
SIGN_AGREEMENT = "compact.change_compactagreement"
ASSIGN = "compact.assign_task"
OVERRIDE = "compact.override_assignment"
VIEW_TASKS = "compact.view_communitytask"  # every task in the subtree (town, community, supervisor)
VIEW_DEPT_TASKS = "compact.view_department_tasks"  # only one's own department's tasks
HANDLE = "compact.handle_communitytask"
REVIEW = "compact.review_communitytask"
VIEW_RED_CARDS = "compact.view_redcard"
RULE = "compact.rule_redcard"
MANAGE_ROUND = "compact.manage_round"
VIEW_ROUND = "compact.view_evaluationround"
VIEW_SCORES = "compact.view_score"  # every score in the subtree, published or not (the town)
VIEW_PUBLISHED = "compact.view_published_score"
SCORE_AS_TOWN = "compact.score_as_town"
SCORE_AS_DEPARTMENT = "compact.score_as_department"
SCORE_AS_COMMUNITY = "compact.score_as_community"
BURDEN_REPORT = "compact.view_burden_report"
VIEW_DUTYLIST = "compact.view_dutylist"
VIEW_GATEREFUSAL = "compact.view_gaterefusal"
VIEW_TASKASSIGNMENT = "compact.view_taskassignment"

NOTHING = Q(pk__in=[])


def require(user, perm: str, path: str, message: str | None = None):
    """Raise PermissionDenied (with a Chinese message) unless `user` holds `perm` at `path`."""
    if not has_perm_at(user, perm, path):
        raise PermissionDenied(message or _("无权执行此操作"))


def scope(user, perm: str, field: str) -> Q:
    """Rows whose path (`field`) lies in the user's subtrees for `perm`. Unlike Q() from
    scope_q, the superuser case is an explicit always-true filter, so it can be OR-ed."""
    paths = paths_for(user, perm)
    if paths is None:
        return Q(pk__isnull=False)
    q = NOTHING
    for p in paths:
        q |= Q(**{f"{field}__startswith": p})
    return q


def ancestor_paths(path: str) -> list[str]:
    """ "1/4/17/" → ["1/", "1/4/"]: the paths of the nodes above."""
    ids = [i for i in path.strip("/").split("/") if i]
    return ["/".join(ids[:n]) + "/" for n in range(1, len(ids))]


def scope_q_with_ancestors(user, perm: str, field: str) -> Q:
    """Rows issued in the user's subtrees for `perm` or at a node above them (a town's or
    county's list is read by every community under it)."""
    paths = paths_for(user, perm)
    if paths is None:
        return Q(pk__isnull=False)
    above = sorted({a for p in paths for a in ancestor_paths(p)})
    q = scope(user, perm, field)
    return q | Q(**{f"{field}__in": above}) if above else q


def department_of(user):
    """The department (accounts.Organisation, kind department) the user works for, or None."""
    org = getattr(user, "organisation", None) if user and user.is_authenticated else None
    return org if org is not None and org.kind == "department" else None


def department_q(user, perm: str, path_field: str, dept_field: str = "department") -> Q:
    """Rows of the user's own department inside the subtrees where they hold `perm`."""
    dept = department_of(user)
    if dept is None:
        return NOTHING
    return scope(user, perm, path_field) & Q(**{f"{dept_field}_id": dept.pk})


def may_act_for_department(user, department, path: str, perm: str) -> bool:
    """A department user acts for their own department; a superuser for any."""
    if user and user.is_active and user.is_superuser:
        return True
    dept = department_of(user)
    return dept is not None and dept.pk == department.pk and has_perm_at(user, perm, path)
