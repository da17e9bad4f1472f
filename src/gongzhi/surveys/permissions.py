"""Permission strings of the surveys app, checked at the territory path of the survey (a
membership on a node covers its subtree; a linked resident holds the resident role's on their
community)."""

from gongzhi.core.scoping import has_perm_at

VIEW = "surveys.view_survey"
ADD = "surveys.add_survey"
CHANGE = "surveys.change_survey"
ANSWER = "surveys.answer_survey"  # a resident answers in their own name (phone page, API)
RECORD_AT_DOOR = "surveys.record_answer"  # a grid worker records a household's answer at the door
ENTER_PAPER = "surveys.enter_paper"
PUBLISH = "surveys.publish_survey"
EXPORT = "surveys.export_survey"


def can_change(user, survey) -> bool:
    return has_perm_at(user, CHANGE, survey.node.path)


def can_enter_paper(user, survey) -> bool:
    return has_perm_at(user, ENTER_PAPER, survey.node.path)


def can_publish(user, survey) -> bool:
    return has_perm_at(user, PUBLISH, survey.node.path)


def can_export(user, survey) -> bool:
    return has_perm_at(user, EXPORT, survey.node.path)


def can_answer(user, survey) -> bool:
    """Answering is done in one's own name: a linked resident, living in the survey's area."""
    resident = getattr(user, "resident", None) if getattr(user, "resident_id", None) else None
    return bool(
        resident is not None
        and resident.grid.path.startswith(survey.node.path)
        and has_perm_at(user, ANSWER, resident.grid.path)
    )
