"""Who sees and does what in mediation (docs/permissions.md, 人民调解): mediator, committee
director, town, community, grid worker, department, supervisor, dispatcher, resident and
anonymous — for reading a dispute (selectors.visible_to) and for each kind of move."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from gongzhi.core.masking import mask_id, mask_phone
from gongzhi.mediation import selectors, services
from gongzhi.mediation.choices import Status
from gongzhi.mediation.models import Dispute

from .conftest import parties

# role → (sees the 南庄 dispute, may register there, may assign, may record a session)
MATRIX = {
    "mediator": (True, False, False, True),  # a member of the dispute's committee
    "mediator2": (True, False, False, True),  # the other member with an account
    "outsider_mediator": (False, False, False, False),  # 梁丰's committee
    "zhou": (False, False, False, False),  # the pool, until invited
    "director": (True, True, True, True),
    "town": (True, True, True, True),
    "community": (True, True, True, True),
    "community2": (False, False, False, False),  # the other community
    "grid": (False, True, False, False),  # reports disputes, reads none back
    "dispatcher": (False, True, False, False),  # transfers requests, reads none
    "department": (False, False, False, False),
    "supervisor": (False, False, False, False),  # Art. 15: no contents
    "resident": (False, False, False, False),
}


@pytest.mark.parametrize("who", sorted(MATRIX))
def test_matrix(flow, world, who):
    sees, registers, assigns, mediates = MATRIX[who]
    user = getattr(world.users, who)
    d = flow.register()
    assert selectors.can_view(user, d) is sees
    assert (d in selectors.visible_to(user)) is sees
    try:
        services.register(
            user,
            committee=world.committee,
            node=world.town["g11"],
            category="neighbour",
            title="噪声",
            facts="楼上噪声",
            parties=[{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}],
        )
        registered = True
    except PermissionDenied:
        registered = False
    assert registered is registers
    try:
        services.assign(user, d, [world.members[2]], now=flow.at(1))
        assigned = True
    except PermissionDenied:
        assigned = False
    assert assigned is assigns
    if not assigned:
        services.assign(world.users.director, d, [world.members[2]], now=flow.at(1))
    d.refresh_from_db()
    try:
        services.record_session(
            user, d, held_at=flow.at(2), place="调解室", attendees="双方", record="陈述", now=flow.at(2, 1)
        )
        mediated = True
    except PermissionDenied:
        mediated = False
    assert mediated is mediates


def test_anonymous_sees_and_does_nothing(flow, world):
    d = flow.register()
    anon = AnonymousUser()
    assert not selectors.visible_to(anon).exists() and not selectors.can_view(anon, d)
    with pytest.raises(PermissionDenied):
        services.register(
            anon,
            committee=world.committee,
            node=world.town["g11"],
            category="neighbour",
            title="x",
            facts="x",
            parties=parties(world),
        )


def test_invited_mediator_sees_only_the_cases_they_are_on(flow, world):
    d1, d2 = flow.register(), flow.register()
    services.assign(world.users.director, d1, [world.zhou])
    assert list(selectors.visible_to(world.users.zhou)) == [Dispute.objects.get(pk=d1.pk)]
    assert not selectors.can_view(world.users.zhou, d2)


def test_committee_member_sees_committee_cases_anywhere_in_its_area(flow, world):
    d = flow.to(Status.CLOSED)
    assert selectors.can_view(world.users.mediator2, d)
    other = services.register(
        world.users.community2,
        committee=world.committee2,
        node=world.town["g21"],
        category="neighbour",
        title="噪声",
        facts="楼上噪声",
        parties=[{"role": "applicant", "name": "甲"}, {"role": "respondent", "name": "乙"}],
    )
    assert not selectors.can_view(world.users.mediator, other)
    assert selectors.can_view(world.users.outsider_mediator, other)


def test_a_mediator_role_without_mediator_record_sees_nothing(world, flow):
    from tests import factories

    stranger = factories.make_user("mediator", world.town["c1"])
    flow.register()
    assert not selectors.visible_to(stranger).exists()


def test_party_identifiers_masked_like_the_registry(flow, world):
    d = flow.register()
    p = d.parties.get(role="applicant")
    shown = selectors.party_identifiers(p, unmasked=False)
    assert shown["id_number"] == mask_id(world.a.id_number) and world.a.id_number not in shown["id_number"]
    assert shown["phone"] == mask_phone("13812345678") == "138****5678"
    assert selectors.party_identifiers(p, unmasked=True)["phone"] == "13812345678"


def test_viewing_a_case_is_audited(flow, world):
    from gongzhi.core import audit
    from gongzhi.core.models import AuditEntry

    d = flow.register()
    with audit.acting(user=world.users.mediator):
        services.record_view(world.users.mediator, d)
    entry = AuditEntry.objects.filter(object_id=str(d.pk), action="view").latest("id")
    assert entry.actor == world.users.mediator and entry.node_path == d.node.path
