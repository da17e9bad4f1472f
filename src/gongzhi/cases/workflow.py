"""The one place where a case changes status.

Each case type declares its workflow once — statuses, the initial status and a table of
actions (from which statuses, to which status, which permission, whether only the assigned
organisation may take it, the handler that computes the field changes) — and registers it.
`transition()` is the only function that applies an action: it validates the move, runs the
handler, writes the journal entry and the audit entry and bumps the version, all in one
transaction. A refused move raises a ValidationError (status) or PermissionDenied (actor)
with a Chinese message and writes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import services as core
from gongzhi.core.audit_rows import actor_name
from gongzhi.core.scoping import is_unrestricted
from gongzhi.core.workdays import local_date

from .models import Case, JournalEntry
from .transition_table import Transition, TransitionTable


@dataclass(frozen=True)
class Action(Transition):
    """A case workflow's row of the transition table (cases.transition_table.Transition) with
    what the case engine adds: whether only the assigned organisation may take it, whether its
    journal entry is public, and the handler.

    `handler(case, actor, *, now, note, **kw)` validates the action's own inputs and returns
    the field changes (a dict); the key "_note" replaces the journal note. `target=None`
    keeps the status (督办, 延期申请 …)."""

    assignee_only: bool = False
    public: bool = False
    handler: Callable | None = None


class Workflow(TransitionTable):
    """A case type's statuses and actions. `model` is the concrete Case subclass; `prefix`
    starts its tracking numbers."""

    def __init__(self, case_type: str, model: type, statuses, initial: str, actions, prefix: str = ""):
        super().__init__(case_type, statuses, actions, model=model, initial=initial)
        self.case_type = case_type
        self.prefix = prefix


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Make a case type's workflow known to `transition` (called from the app's ready())."""
    _REGISTRY[workflow.case_type] = workflow
    return workflow


def workflow_for(case_or_type) -> Workflow:
    case_type = case_or_type if isinstance(case_or_type, str) else case_or_type.case_type
    return _REGISTRY[case_type]


# ---------------------------------------------------------------- checks


def _actor_name(actor) -> str:
    return actor_name(actor, system=_("系统"))


def check_status(wf: Workflow, act: Action, status: str):
    """Raise unless `act` may be taken from `status` (the table's refusal)."""
    wf.get(status, action=act.name)


def check_actor(act: Action, case, actor):
    """Raise PermissionDenied unless `actor` holds the action's permission where the case is
    (the table's one check) and, for the handling organisation's actions, belongs to that
    organisation."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    workflow_for(case).check(actor, act, case.node)
    if (
        act.assignee_only
        and not is_unrestricted(actor)
        and (case.assignee_id is None or actor.organisation_id != case.assignee_id)
    ):
        raise PermissionDenied(_("只有承办单位可以%(action)s。") % {"action": act.label})


def can(case, name: str, actor) -> bool:
    """Whether `actor` could take action `name` on `case` now (for showing buttons)."""
    wf = workflow_for(case)
    act = wf.actions.get(name)
    if act is None or case.status not in act.sources:
        return False
    try:
        check_actor(act, case, actor)
    except PermissionDenied:
        return False
    return True


def available_actions(case, actor) -> list[Action]:
    return [a for a in workflow_for(case).allowed_from(case.status) if can(case, a.name, actor)]


# ---------------------------------------------------------------- writing


def write_journal(
    case,
    actor,
    *,
    action,
    label="",
    from_status="",
    to_status="",
    note="",
    public=False,
    at=None,
    actor_name="",
    external_status="",
    external_ref="",
    external_media_url="",
):
    """Append one journal entry (inside the caller's transaction)."""
    return JournalEntry.objects.create(
        case_id=case.pk,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name or _actor_name(actor),
        action=action,
        action_label=label,
        from_status=from_status,
        to_status=to_status,
        note=note or "",
        public=public,
        external_status=external_status,
        external_ref=external_ref,
        external_media_url=external_media_url,
    )


def _lock(case, expected_version):
    """Re-read the case inside the transaction (row-locked where the database can), so two
    people acting at once are serialised and the second sees the first one's status. A stale
    `expected_version` is refused by core's version check, as for every other write."""
    if not Case.objects.select_for_update().filter(pk=case.pk).exists():
        raise ValidationError(_("案件不存在。"), code="not_found")
    core.check_version(case, expected_version)
    case.refresh_from_db()


def transition(
    case, action: str, actor, *, note: str = "", public: bool | None = None, expected_version=None, now=None, **kw
):
    """Take `action` on `case` as `actor`: validate, apply, journal, audit, bump the version.

    `note` goes to the journal (public or internal as the action declares unless `public` is
    given). Extra keyword arguments go to the action's handler."""
    wf = workflow_for(case)
    act = wf.action(action)
    now = now or timezone.now()
    with transaction.atomic():  # who acts is the channel's audit context (decision 0010)
        _lock(case, expected_version)
        from_status = case.status
        check_status(wf, act, from_status)
        check_actor(act, case, actor)
        changes = dict(act.handler(case, actor, now=now, note=note, **kw) if act.handler else {})
        journal_note = changes.pop("_note", note)
        if act.target:
            changes["status"] = act.target
        core.update(case, changes, reason=f"{act.label}：{journal_note}" if journal_note else act.label, at=now)
        write_journal(
            case,
            actor,
            action=act.name,
            label=act.label,
            from_status=from_status,
            to_status=case.status,
            note=journal_note,
            public=act.public if public is None else public,
            at=now,
        )
    return case


# ---------------------------------------------------------------- opening a case


def _next_number(prefix: str, at) -> str:
    """`prefix` + Beijing date (YYYYMMDD) + a five-digit sequence of the day."""
    head = f"{prefix}{local_date(at):%Y%m%d}"
    last = (
        Case.objects.filter(tracking_number__startswith=head)
        .order_by("-tracking_number")
        .values_list("tracking_number", flat=True)
        .first()
    )
    seq = int(last[len(head) :]) + 1 if last else 1
    return f"{head}{seq:05d}"


def open_case(
    case_type: str, actor, *, note: str = "", public: bool = True, reason: str = "", actor_name: str = "", **fields
):
    """Create a case of `case_type` in its initial status with a new tracking number, and
    journal its receipt — in the caller's transaction. Concurrent filings that pick the same
    number retry with the next one."""
    wf = workflow_for(case_type)
    received = fields.setdefault("received_at", timezone.now())
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = core.create(
                    wf.model,
                    reason=reason,
                    case_type=case_type,
                    status=wf.initial,
                    tracking_number=_next_number(wf.prefix, received),
                    **fields,
                )
                write_journal(
                    case,
                    actor,
                    action="open",
                    label=_("受理"),
                    to_status=wf.initial,
                    note=note,
                    public=public,
                    at=received,
                    actor_name=actor_name,
                )
                return case
        except IntegrityError:
            if attempt == 4:
                raise
        except ValidationError as e:
            # Two filings in the same instant: the unique check saw the other's number.
            if "tracking_number" not in getattr(e, "error_dict", {}) or attempt == 4:
                raise
    raise RuntimeError("unreachable")
