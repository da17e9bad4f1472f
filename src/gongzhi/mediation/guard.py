"""The services' common guard: an archived dispute (已归档) is read-only. Every service that
changes a dispute is wrapped in `writable`, so the refusal is the same clear sentence whichever
channel asks (web, API, CLI); the transition table refuses every move from 已归档 as well (it
has none), for a dispute archived between the read and the write."""

import functools

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import Status


def check_writable(dispute) -> None:
    """ValidationError (code "archived") when `dispute` is archived."""
    if dispute.status == Status.ARCHIVED:
        raise ValidationError(
            _("案件 %(n)s 已归档，只能查阅和打印卷宗，不能再修改。") % {"n": dispute.tracking_number},
            code="archived",
        )


def writable(service):
    """Wrap a service `service(actor, dispute, ...)` with `check_writable(dispute)`."""

    @functools.wraps(service)
    def wrapped(actor, dispute, *args, **kwargs):
        check_writable(dispute)
        return service(actor, dispute, *args, **kwargs)

    return wrapped
