"""Who sees which dispute (deny by default; 人民调解法 Art. 15 confidentiality):

- `mediation.view_dispute` on a node: the disputes located in its subtree (town, community,
  the committee's director);
- a mediator (a `Mediator` linked to the user, holding `mediation.mediate_dispute` anywhere):
  the disputes they are assigned to and those of their own committee, wherever they are;
- nobody else: grid workers may register (report) a dispute but not read it back, departments,
  supervisors, residents and the public see nothing of its contents.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from gongzhi.core.masking import mask_id, mask_phone
from gongzhi.core.scoping import has_perm_anywhere, has_perm_at, is_unrestricted, scope_q

from . import permissions as p
from .models import Dispute, Mediator


def mediator_of(user) -> Mediator | None:
    """The active mediator record of `user`, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Mediator.objects.filter(user_id=user.pk, active=True).first()


def own_q(user) -> Q:
    """The disputes a mediator is on, or of the committee they belong to."""
    if not has_perm_anywhere(user, p.MEDIATE):
        return Q(pk__in=[])
    m = mediator_of(user)
    if m is None:
        return Q(pk__in=[])
    q = Q(assignments__mediator_id=m.pk)
    if m.committee_id:
        q |= Q(committee_id=m.committee_id)
    return q


def visible_to(user, qs=None):
    """The disputes `user` may read."""
    qs = Dispute.objects.all() if qs is None else qs
    q = scope_q(user, p.VIEW, "node__path") | own_q(user)
    # The assignment join may repeat a dispute; filter on ids to keep one row each.
    return qs.filter(pk__in=Dispute.objects.filter(q).values("pk"))


def can_view(user, dispute) -> bool:
    return visible_to(user, Dispute.objects.filter(pk=dispute.pk)).exists()


def is_own(user, dispute) -> bool:
    """Is `user` a mediator assigned to `dispute` or a member of its committee?"""
    m = mediator_of(user)
    if m is None:
        return False
    return (m.committee_id is not None and m.committee_id == dispute.committee_id) or dispute.assignments.filter(
        mediator_id=m.pk
    ).exists()


def check_own(user, dispute, label) -> None:
    """A mediator's action is taken by an assigned mediator or a member of the dispute's
    committee; holders of ASSIGN where the dispute is (the committee's director, the town) may
    act on any dispute they supervise. PermissionDenied otherwise."""
    if is_unrestricted(user) or has_perm_at(user, p.ASSIGN, dispute.node.path) or is_own(user, dispute):
        return
    raise PermissionDenied(_("只有本案调解员或本调委会成员可以%(action)s。") % {"action": label})


def party_identifiers(party, unmasked: bool) -> dict:
    """A party's ID number, credit code and phone as the reader may see them: masked like the
    registry's unless `unmasked` (the caller logs an unmasking)."""
    if unmasked:
        return {"id_number": party.id_number, "uscc": party.uscc, "phone": party.phone}
    return {"id_number": mask_id(party.id_number), "uscc": party.uscc, "phone": mask_phone(party.phone)}
