"""The demo town's points: one scheme of each kind with published rules, approved and pending
entries (entered by 王芳, approved by someone else), one open appeal; building twice adds
nothing."""

import time

from django.db.models import F

from gongzhi.accounts.models import User
from gongzhi.care.points import selectors
from gongzhi.care.points.choices import AppealStatus, EntryStatus, SchemeKind, SchemeStatus
from gongzhi.care.points.demo import build_points
from gongzhi.care.points.models import PointsAppeal, PointsEntry, PointsScheme
from gongzhi.core import manifest
from gongzhi.core.demo.town import DemoTown


def test_demo_town_has_points():
    assert "care.points" in {s.name for s in manifest.demo_steps()}
    town = DemoTown(400, seed=1, grids_per_community=2, out=lambda *a: None)
    started = time.perf_counter()
    town.build()
    assert PointsScheme.objects.count() == 4
    print(f"demo town with points: {time.perf_counter() - started:.1f} s")
    schemes = PointsScheme.objects.all()
    assert {s.kind for s in schemes} == set(SchemeKind.values)
    assert all(s.status == SchemeStatus.PUBLISHED and s.rules.exists() for s in schemes)
    entries = PointsEntry.objects.all()
    assert entries.filter(status=EntryStatus.APPROVED).exists() and entries.filter(status=EntryStatus.PENDING).exists()
    assert not entries.filter(entered_by_id=F("decided_by_id")).exists()
    appeal = PointsAppeal.objects.get()
    assert appeal.status == AppealStatus.OPEN and appeal.entry.points < 0
    assert appeal.filed_by.username == "liudaye" and not appeal.on_behalf
    count = entries.count()
    build_points(town)
    assert PointsEntry.objects.count() == count and PointsScheme.objects.count() == 4
    chen = User.objects.get(username="chenshuji")
    party = schemes.get(kind=SchemeKind.PARTY)
    groups = selectors.ranking(chen, party)
    assert groups and groups[0][1][0]["rank"] == 1
