"""A duplicate ID number, answered alike through the web form, the API and the import.

An ID number is registered once, so a second registration is refused. Who may learn more than
that depends on the existing record: a user who may see it is pointed to it (the callers add a
link or its number); anyone else gets one fixed message — whatever grid, community or town the
record is in, and whether or not anybody at all may see it — saying what to do instead and not
where, or even whether, the person is registered. The refusal itself still tells that the number
is taken, so it is handled as a look-up by a whole number (registry.number_search): written to the
audit log under the existing record and counted against the user's look-up allowance, and a user
who used it up cannot register anyone until the window ends (otherwise "refused" against "saved"
would answer the question the limit stops)."""

from django.utils.translation import gettext as _

from gongzhi.core import audit, throttle
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import Throttled

from . import number_search
from .models import Resident


def hidden_message() -> str:
    """The refusal for a user who may not know of the existing record."""
    return _(
        "该身份证号无法在此登记。如此人已在其他社区（村）或街道登记，请联系该社区（村）或街道将其记录迁入；"
        "如号码填写有误，请核对后重新填写。"
    )


def may_know(user, existing: Resident) -> bool:
    """May `user` learn that `existing` is registered (they may see the record)? The system
    (no user: the CLI, jobs) may."""
    if user is None:
        return True
    return Resident.objects.visible_to(user).filter(pk=existing.pk).exists()


def acting_user():
    user = audit.current().user
    return user if getattr(user, "is_authenticated", False) else None


def check_allowance():
    """Before a registration or a change of ID number: refuse it (429) while the acting user's
    look-up allowance is used up — new and taken numbers alike."""
    user = acting_user()
    if user is None:
        return
    wait = throttle.exhausted_user(user, number_search.LOOKUP_GROUP, number_search.LOOKUP_RATE)
    if wait:
        raise Throttled(wait, number_search.lookup_throttled_message(wait))


def note_refusal(existing: Resident):
    """A registration refused because the number is taken: a look-up for a user who may not see
    the record, logged under that record and counted. Call it outside the refused write's
    transaction, or both would be rolled back with it."""
    user = acting_user()
    if user is None or may_know(user, existing):
        return
    core.record(AuditAction.UNMASK, existing, reason="按完整身份证号查找：登记时号码重复，记录不在操作人权限范围内")
    throttle.fail_user(user, number_search.LOOKUP_GROUP, number_search.LOOKUP_RATE)


def import_refusal(user, existing: Resident) -> str:
    """The row error of an import that may not update the existing record."""
    if may_know(user, existing):
        return _("该身份证号已在您无权导入修改的网格登记，不能通过导入修改")
    return hidden_message()
