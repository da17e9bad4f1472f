"""The seeded roles hold the legal services' rights, and the demo town has an adviser, a few
consultations, referrals (one answered, one awaiting) and 普法 activities."""

from gongzhi.accounts.models import Role
from gongzhi.legal.permissions import ROLE_PERMISSIONS


def test_seeded_roles_hold_the_rights():
    for slug, codenames in ROLE_PERMISSIONS.items():
        held = set(Role.objects.get(slug=slug).permissions.values_list("codename", flat=True))
        assert set(codenames) <= held, slug
    grid = set(
        Role.objects.get(slug="grid")
        .permissions.filter(content_type__app_label="legal")
        .values_list("codename", flat=True)
    )
    assert grid == {"view_adviser", "view_consultation", "view_referral", "view_activity"}


def test_demo_builds_legal_services():
    from gongzhi.core.demo.town import DemoTown
    from gongzhi.legal.models import Activity, Adviser, Attendance, Consultation, Referral

    DemoTown(residents=120, seed=1, grids_per_community=2, out=lambda *a: None).build()
    assert Adviser.objects.count() == 1
    assert Consultation.objects.count() == 4
    assert Consultation.objects.filter(follow_up="legal_aid").count() == 1
    assert Consultation.objects.filter(follow_up="mediation").count() == 1
    assert set(Referral.objects.values_list("status", flat=True)) == {"accepted", "sent"}
    assert Activity.objects.count() == 2 and Attendance.objects.count() == 3
    assert not Consultation.objects.filter(resident__has_sensitive=True).exists()
