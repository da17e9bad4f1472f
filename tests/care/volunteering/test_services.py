"""Volunteer services: consent is required and recorded per purpose, withdrawal ends use,
sign-ups respect capacity and are not doubled, hours are confirmed only after the activity
and within its length."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.care.volunteering import activities as acts
from gongzhi.care.volunteering import selectors, services
from gongzhi.care.volunteering.choices import ConsentKind, SignUpStatus, VolunteerStatus
from gongzhi.care.volunteering.models import Consent, SignUp, Volunteer
from gongzhi.core.models import AuditEntry

from .conftest import end, new_activity, resident_account


def test_registration_without_consent_is_refused(vol):
    with pytest.raises(ValidationError) as err:
        services.register_volunteer(vol.users.community, resident=vol.people.qian, consent=False)
    assert "第十四条" in str(err.value)
    assert not Volunteer.objects.filter(resident=vol.people.qian).exists()


def test_registration_records_the_consent_with_version_date_and_recorder(vol):
    v = services.register_volunteer(vol.users.community, resident=vol.people.qian, consent=True)
    c = Consent.objects.get(volunteer=v)
    assert (c.kind, c.text_version, c.recorded_by, c.active) == (
        ConsentKind.GENERAL,
        "2026-1",
        vol.users.community,
        True,
    )
    assert AuditEntry.objects.filter(content_type__model="volunteer", object_id=str(v.pk), action="create").exists()


def test_a_health_note_needs_the_separate_art29_consent(vol):
    with pytest.raises(ValidationError) as err:
        services.register_volunteer(vol.users.community, resident=vol.people.qian, consent=True, health_note="高血压")
    assert "第二十九条" in str(err.value)
    v = services.register_volunteer(
        vol.users.community, resident=vol.people.qian, consent=True, sensitive_consent=True, health_note="高血压"
    )
    assert v.health_note == "高血压"
    assert set(v.consents.values_list("kind", flat=True)) == {ConsentKind.GENERAL, ConsentKind.SENSITIVE}
    # The note itself never enters the audit log.
    assert not any("高血压" in str(e.after) for e in AuditEntry.objects.all())


def test_withdrawing_the_art29_consent_erases_the_health_note(vol):
    v = services.register_volunteer(
        vol.users.community, resident=vol.people.qian, consent=True, sensitive_consent=True, health_note="高血压"
    )
    sensitive = v.consents.get(kind=ConsentKind.SENSITIVE)
    services.withdraw_consent(vol.users.community, sensitive, reason="本人要求")
    v.refresh_from_db()
    assert v.health_note == "" and v.status == VolunteerStatus.ACTIVE
    with pytest.raises(ValidationError):
        services.set_health_note(vol.users.community, v, "糖尿病")


def test_withdrawing_the_general_consent_ends_use_and_cancels_future_signups(vol):
    activity = new_activity(vol)
    signup = acts.sign_up(vol.users.community, activity, vol.v.li)
    consent = vol.v.li.consents.get(kind=ConsentKind.GENERAL)
    services.withdraw_consent(vol.users.community, consent, reason="搬离")
    vol.v.li.refresh_from_db()
    signup.refresh_from_db()
    assert vol.v.li.status == VolunteerStatus.WITHDRAWN and signup.status == SignUpStatus.CANCELLED
    assert AuditEntry.objects.filter(content_type__model="consent", object_id=str(consent.pk), reason="搬离").exists()
    with pytest.raises(ValidationError):
        acts.sign_up(vol.users.community, activity, vol.v.li)
    with pytest.raises(ValidationError):
        services.withdraw_consent(vol.users.community, consent)
    # Registered again under a new consent: back on the roster.
    again = services.register_volunteer(vol.users.community, resident=vol.people.li, consent=True)
    assert again.pk == vol.v.li.pk and again.status == VolunteerStatus.ACTIVE
    assert again.consents.filter(withdrawn_at__isnull=True).count() == 1


def test_a_volunteer_withdraws_their_own_consent_but_not_anothers(vol):
    user = resident_account(vol.people.li)
    with pytest.raises(PermissionDenied):
        services.withdraw_consent(user, vol.v.zhao.consents.get())
    services.withdraw_consent(user, vol.v.li.consents.get())
    assert Volunteer.objects.get(pk=vol.v.li.pk).status == VolunteerStatus.WITHDRAWN


def test_registering_twice_is_refused_and_other_communities_cannot_register(vol):
    with pytest.raises(ValidationError):
        services.register_volunteer(vol.users.community, resident=vol.people.li, consent=True)
    from gongzhi.core.exceptions import NotFound

    with pytest.raises(NotFound):
        services.register_volunteer(vol.users.community2, resident=vol.people.qian, consent=True)
    with pytest.raises(PermissionDenied):
        services.register_volunteer(vol.users.grid, resident=vol.people.qian, consent=True)


def test_a_team_belongs_to_a_community_and_its_leader_is_a_local_volunteer(vol):
    with pytest.raises(ValidationError):
        services.create_team(vol.users.community, name="网格队", node=vol.town["g11"])
    with pytest.raises(ValidationError):
        services.set_leader(vol.users.community, vol.team, vol.v.far)
    services.set_leader(vol.users.community, vol.team, vol.v.zhao)
    assert vol.v.zhao.teams.filter(pk=vol.team.pk).exists()
    with pytest.raises(PermissionDenied):
        services.create_team(vol.users.community2, name="越界队", node=vol.town["c1"])


def test_sign_up_respects_capacity_and_refuses_duplicates(vol):
    activity = new_activity(vol, capacity=1)
    acts.sign_up(vol.users.community, activity, vol.v.li)
    with pytest.raises(ValidationError) as dup:
        acts.sign_up(vol.users.community, activity, vol.v.li)
    assert "已报名" in str(dup.value)
    with pytest.raises(ValidationError) as full:
        acts.sign_up(vol.users.community, activity, vol.v.zhao)
    assert "报满" in str(full.value)
    # A cancelled place is free again, and the cancelled sign-up may be taken up again.
    acts.cancel_sign_up(vol.users.community, SignUp.objects.get(volunteer=vol.v.li))
    acts.sign_up(vol.users.community, activity, vol.v.zhao)
    assert SignUp.objects.filter(activity=activity, status=SignUpStatus.SIGNED).count() == 1


def test_a_linked_resident_signs_themself_up_but_nobody_else(vol):
    activity = new_activity(vol)
    user = resident_account(vol.people.li)
    signup = acts.sign_up(user, activity, vol.v.li)
    assert signup.signed_up_by == user
    from gongzhi.core.exceptions import NotFound

    with pytest.raises(NotFound):
        acts.sign_up(user, activity, vol.v.zhao)


def test_no_sign_up_after_the_start_or_for_another_communitys_volunteer(vol):
    from gongzhi.core.exceptions import NotFound

    activity = new_activity(vol)
    with pytest.raises(NotFound):
        acts.sign_up(vol.users.community, activity, vol.v.far)
    end(activity)
    with pytest.raises(ValidationError) as err:
        acts.sign_up(vol.users.community, activity, vol.v.zhao)
    assert "截止" in str(err.value)


def test_hours_are_confirmed_only_after_the_activity_and_within_bounds(vol):
    activity = new_activity(vol)
    signup = acts.sign_up(vol.users.community, activity, vol.v.li)
    with pytest.raises(ValidationError) as early:
        acts.confirm_hours(vol.users.community, signup, 2)
    assert "结束后" in str(early.value)
    end(activity, length=2)
    signup.refresh_from_db()
    for bad in (0, -1, "abc", "4.1", "nan"):
        with pytest.raises(ValidationError):
            acts.confirm_hours(vol.users.community, signup, bad)
    acts.confirm_hours(vol.users.community, signup, "2.5")
    signup.refresh_from_db()
    assert (signup.status, signup.hours, signup.confirmed_by) == (
        SignUpStatus.ATTENDED,
        Decimal("2.5"),
        vol.users.community,
    )
    assert selectors.volunteer(vol.users.community, vol.v.li.pk).total_hours == Decimal("2.5")
    with pytest.raises(PermissionDenied):
        acts.confirm_hours(vol.users.grid, signup, 1)
    with pytest.raises(PermissionDenied):
        acts.confirm_hours(vol.users.community2, signup, 1)


def test_absent_volunteers_get_no_hours_and_cancelled_activities_take_none(vol):
    activity = new_activity(vol)
    signup = acts.sign_up(vol.users.community, activity, vol.v.zhao)
    acts.cancel_activity(vol.users.community, activity, reason="下雨")
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CANCELLED
    other = new_activity(vol, title="清扫楼道")
    s2 = acts.sign_up(vol.users.community, other, vol.v.zhao)
    end(other)
    s2.refresh_from_db()
    acts.mark_absent(vol.users.community, s2)
    s2.refresh_from_db()
    assert s2.status == SignUpStatus.ABSENT and s2.hours is None


def test_activity_fields_are_checked_in_chinese(vol):
    from .conftest import soon

    with pytest.raises(ValidationError) as err:
        new_activity(vol, starts_at=soon(hour=11), ends_at=soon(hour=9), capacity=0)
    assert set(err.value.message_dict) == {"ends_at", "capacity"}
    assert "结束时间须晚于开始时间" in err.value.message_dict["ends_at"]
    with pytest.raises(ValidationError):
        new_activity(vol, node=vol.town["t"])
    with pytest.raises(ValidationError):  # 南庄's team for an activity in 梁丰
        acts.create_activity(
            vol.users.town,
            title="x",
            node=vol.town["c2"],
            place="x",
            starts_at=soon(),
            ends_at=soon(hour=10),
            capacity=3,
            team=vol.team,
        )


def test_an_organiser_adds_a_walk_in_after_the_activity(vol):
    activity = new_activity(vol, capacity=1)
    with pytest.raises(ValidationError):
        acts.add_attendee(vol.users.community, activity, vol.v.zhao, 1)
    end(activity, length=2)
    signup = acts.add_attendee(vol.users.community, activity, vol.v.zhao, "1.5")
    assert (signup.status, signup.hours, signup.signed_up_by) == (
        SignUpStatus.ATTENDED,
        Decimal("1.5"),
        vol.users.community,
    )
    with pytest.raises(ValidationError):
        acts.add_attendee(vol.users.community, activity, vol.v.li, "5")
    assert not SignUp.objects.filter(activity=activity, volunteer=vol.v.li).exists()  # nothing half-saved
    from gongzhi.core.exceptions import NotFound

    with pytest.raises(NotFound):
        acts.add_attendee(vol.users.community, activity, vol.v.far, 1)
