"""The demo town's volunteers: teams, about twenty volunteers with their consent, past
activities with confirmed hours, coming ones with sign-ups; the step is skipped once made."""

from decimal import Decimal

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.care.volunteering import selectors
from gongzhi.care.volunteering.models import Activity, Consent, SignUp, Volunteer, VolunteerTeam
from gongzhi.care.volunteering.setup import exists
from gongzhi.core.demo.town import DemoTown


def test_demo_town_has_volunteers_with_confirmed_hours():
    DemoTown(400, seed=1, grids_per_community=2, out=lambda *a: None).build()
    assert VolunteerTeam.objects.filter(name="南庄红马甲服务队", leader__isnull=False).exists()
    n = Volunteer.objects.count()
    assert 15 <= n <= 20 and Consent.objects.filter(kind="general").count() == n
    assert Consent.objects.filter(kind="sensitive").count() == 1
    assert SignUp.objects.filter(status="attended", hours__gt=0).count() >= 20
    assert Activity.objects.filter(starts_at__gt=timezone.now()).count() == 2
    chen = User.objects.get(username="chenshuji")
    top = max(selectors.volunteers(chen), key=lambda v: v.total_hours)
    assert top.total_hours > Decimal("0")
    assert exists()  # so `gongzhi demo` does not build them twice
