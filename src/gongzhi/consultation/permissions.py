"""Who may do what, where: each action is a permission string checked at the territory path
of the record it acts on (a membership on a node covers its subtree). Views and the API ask
these before calling a service; selectors already hide what a user may not see."""

from gongzhi.core.scoping import has_perm_at

VIEW_MATTER = "consultation.view_matter"
RAISE_MATTER = "consultation.add_matter"
CO_SIGN = "consultation.add_support"
TRIAGE = "consultation.triage_matter"
MANAGE_BODY = "consultation.change_body"
SCHEDULE_MEETING = "consultation.add_meeting"
RUN_MEETING = "consultation.run_meeting"
RECORD_DECISION = "consultation.add_decision"
VIEW_VOTERS = "consultation.view_ballotcast"
EDIT_RULES = "consultation.change_bodyrule"
CHANGE_TASK = "consultation.change_task"
ADD_BODY = "consultation.add_body"
ADD_BODYMEMBER = "consultation.add_bodymember"
ADD_COMMENT = "consultation.add_comment"
ADD_DISCLOSUREENTRY = "consultation.add_disclosureentry"
ADD_DRAFT = "consultation.add_draft"
ADD_MATTERWORKFLOW = "consultation.add_matterworkflow"
ADD_RATING = "consultation.add_rating"
ADD_STEPCOMPLETION = "consultation.add_stepcompletion"
ADD_TASK = "consultation.add_task"
ANSWER_COMMENT = "consultation.answer_comment"
VIEW_BODY = "consultation.view_body"
VIEW_BODYMEMBER = "consultation.view_bodymember"
VIEW_DECISION = "consultation.view_decision"
VIEW_DRAFT = "consultation.view_draft"
VIEW_MEETING = "consultation.view_meeting"


def can_raise(user, node) -> bool:
    return has_perm_at(user, RAISE_MATTER, node.path)


def can_co_sign(user, matter) -> bool:
    """Co-signing is done in one's own name, so the user must be linked to a resident."""
    return bool(getattr(user, "resident_id", None)) and has_perm_at(user, CO_SIGN, matter.node.path)


def can_withdraw(user, matter) -> bool:
    """The proposer withdraws their own matter (the user who raised it, or the resident it was
    raised by); the committee may too."""
    own = (matter.raised_by_id and matter.raised_by_id == user.pk) or (
        matter.raised_by_resident_id and matter.raised_by_resident_id == getattr(user, "resident_id", None)
    )
    return bool(own and has_perm_at(user, VIEW_MATTER, matter.node.path)) or can_triage(user, matter)


def can_triage(user, matter) -> bool:
    return has_perm_at(user, TRIAGE, matter.node.path)


def can_manage_body(user, body) -> bool:
    return has_perm_at(user, MANAGE_BODY, body.node.path)


def can_schedule(user, body) -> bool:
    return has_perm_at(user, SCHEDULE_MEETING, body.node.path)


def can_cancel_meeting(user, meeting) -> bool:
    """Whoever may schedule a body's meetings may call one off (before it opens)."""
    return has_perm_at(user, SCHEDULE_MEETING, meeting.node.path)


def can_run_meeting(user, meeting) -> bool:
    return has_perm_at(user, RUN_MEETING, meeting.node.path)


def can_record_decision(user, meeting) -> bool:
    return has_perm_at(user, RECORD_DECISION, meeting.node.path)


def can_see_voters(user, meeting) -> bool:
    return has_perm_at(user, VIEW_VOTERS, meeting.node.path)


def can_manage_tasks(user, matter) -> bool:
    return has_perm_at(user, ADD_TASK, matter.node.path)


def can_manage_milestones(user, matter) -> bool:
    """Milestones are part of a task: whoever reports a task's progress adds, completes and
    reopens them."""
    return has_perm_at(user, CHANGE_TASK, matter.node.path)


def can_publish(user, node) -> bool:
    """Publishing on a community's disclosure board (appending; nobody may edit an entry)."""
    return has_perm_at(user, ADD_DISCLOSUREENTRY, node.path)


def can_run_workflow(user, matter) -> bool:
    return has_perm_at(user, ADD_STEPCOMPLETION, matter.node.path)


def can_start_workflow(user, matter) -> bool:
    """Putting a matter on a template (四议两公开 …) is the committee's choice."""
    return has_perm_at(user, ADD_MATTERWORKFLOW, matter.node.path)


def can_rate(user, matter) -> bool:
    """Rating is done in one's own name, like co-signing."""
    return bool(getattr(user, "resident_id", None)) and has_perm_at(user, ADD_RATING, matter.node.path)


def can_comment(user, draft) -> bool:
    """Commenting where the draft is taken: its node, or a community a town-wide draft covers."""
    if has_perm_at(user, ADD_COMMENT, draft.node.path):
        return True
    return any(has_perm_at(user, ADD_COMMENT, c.path) for c in draft.communities.all())


def can_answer(user, draft) -> bool:
    return has_perm_at(user, ANSWER_COMMENT, draft.node.path)


def can_enter_paper(user, matter) -> bool:
    """Entering paper co-signatures is the committee's (whoever triages the community's matters)."""
    return has_perm_at(user, TRIAGE, matter.node.path)


def can_see_paper(user, matter) -> bool:
    """A paper co-signature list names people with their ID numbers: the committee and those
    who may check a roll (supervisors) open its scan."""
    return can_enter_paper(user, matter) or has_perm_at(user, VIEW_VOTERS, matter.node.path)


def can_work_on(user, task, matter) -> bool:
    """Reporting a task's progress, milestones and evidence: whoever manages the community's
    tasks, or the task's owner (a user named as 责任人) while they may see the matter."""
    if can_manage_milestones(user, matter):
        return True
    return bool(task.owner_id and task.owner_id == user.pk and has_perm_at(user, VIEW_MATTER, matter.node.path))


def can_publish_evaluation(user, matter) -> bool:
    """Publishing a round's evaluation result is a board entry: whoever publishes on the board."""
    return can_publish(user, matter.node)
