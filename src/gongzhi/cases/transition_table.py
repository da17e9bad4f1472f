"""One transition-table type for every workflow, and the one check of the permission beside
each transition.

A workflow declares its table once: its statuses (a TextChoices of the model's status field)
and one `Transition` per move — its name and label, the statuses it may be taken from, the
status it leads to (None keeps the status: 督办, 延期申请 …) and the permission the actor needs
where the record is. `TransitionTable.get` finds a move or refuses it (ValidationError);
`TransitionTable.check` is the only place that asks whether the actor holds the transition's
permission at the record's territory path (PermissionDenied). Tables register themselves so
one test can check every workflow is well-formed (tests/cases/test_transition_tables.py).

This module imports no models, so any app's `transitions.py` may import it at load time.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from gongzhi.core.scoping import has_perm_at


@dataclass(frozen=True)
class Transition:
    """One row of a transition table: `name` taken from any of `sources` leads to `target`
    (None: the status stays), by an actor holding `permission` ("app_label.codename"; empty
    where the workflow's callers check the actor themselves). `denied` replaces the default
    refusal ("您无权…") when the actor lacks the permission."""

    name: str
    label: str
    sources: frozenset
    target: str | None = None
    permission: str = ""
    denied: str = ""

    @classmethod
    def of(cls, name, label, sources, target=None, permission="", **extra):
        """Shorthand for declaring a row: `sources` may be any iterable of statuses."""
        return cls(name=name, label=label, sources=frozenset(sources), target=target, permission=permission, **extra)

    def refusal(self) -> str:
        """The Chinese message of a PermissionDenied for this transition."""
        return str(self.denied) if self.denied else _("您无权%(action)s。") % {"action": self.label}


_REGISTRY: dict[tuple[str, str], "TransitionTable"] = {}


class TransitionTable:
    """The statuses and transitions of one workflow. `model` is the model (or its
    "app_label.ModelName") whose `field` holds the status; `initial` the status a new record
    starts in, where the workflow has one. Declared tables register themselves (`all_tables`)
    unless `register` is False."""

    def __init__(
        self,
        name: str,
        statuses,
        transitions,
        *,
        model,
        field: str = "status",
        initial: str | None = None,
        register: bool = True,
    ):
        self.name = name
        self.statuses = statuses
        self.transitions = tuple(transitions)
        self.model = model
        self.field = field
        self.initial = initial
        self.actions = {t.name: t for t in self.transitions}
        if len(self.actions) != len(self.transitions):
            raise ValueError(f"{name}: two transitions share a name")
        if register:
            _REGISTRY[(self.model_label, name)] = self

    @property
    def model_label(self) -> str:
        return self.model if isinstance(self.model, str) else self.model._meta.label

    def label(self, status: str) -> str:
        """The status's Chinese label (the raw value if the status is unknown)."""
        try:
            return str(self.statuses(status).label)
        except ValueError:
            return status

    # ------------------------------------------------------------ lookup

    def allowed_from(self, status: str) -> list[Transition]:
        """The transitions that may be taken from `status`, in declaration order."""
        return [t for t in self.transitions if status in t.sources]

    def find(self, source: str, target: str) -> Transition | None:
        """The transition from `source` to `target`, or None."""
        return next((t for t in self.transitions if source in t.sources and t.target == target), None)

    def allows(self, source: str, target: str) -> bool:
        return self.find(source, target) is not None

    def graph(self) -> dict[str, set[str]]:
        """{status: the statuses it may move to} over every status (terminal ones map to set())."""
        return {s: {t.target for t in self.allowed_from(s) if t.target} for s in self.statuses.values}

    def action(self, name: str) -> Transition:
        """The transition named `name`; a ValidationError if there is none."""
        try:
            return self.actions[name]
        except KeyError:
            raise ValidationError(_("未知的操作：%(name)s") % {"name": name}, code="unknown_action") from None

    def get(self, source: str, *, target: str | None = None, action: str | None = None) -> Transition:
        """The transition from `source` named `action`, or leading to `target`; a ValidationError
        in Chinese (code "invalid_transition") when the table has no such move."""
        if action is not None:
            t = self.action(action)
            if source not in t.sources:
                raise ValidationError(
                    _("当前状态为“%(status)s”，不能%(action)s。") % {"status": self.label(source), "action": t.label},
                    code="invalid_transition",
                )
            return t
        t = self.find(source, target)
        if t is None:
            raise ValidationError(
                _("当前状态“%(current)s”不能转为“%(target)s”")
                % {"current": self.label(source), "target": self.label(target)},
                code="invalid_transition",
            )
        return t

    # ------------------------------------------------------------ the one permission check

    def check(self, actor, transition: Transition, where) -> Transition:
        """Raise PermissionDenied unless `actor` holds the transition's permission at `where`
        (a territory node or its path; a membership on a node covers its subtree)."""
        path = where if isinstance(where, str) else where.path
        if transition.permission and not has_perm_at(actor, transition.permission, path):
            raise PermissionDenied(transition.refusal())
        return transition


def all_tables() -> list[TransitionTable]:
    """Every declared table (those whose module has been imported)."""
    return list(_REGISTRY.values())
