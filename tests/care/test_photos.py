"""Photos on a visit: checked by content and size like a request's, stored under private
media and served only to who may see the visit."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.care import plans, services
from gongzhi.care.models import PlanItem, Visit, VisitPhoto
from gongzhi.requests import validation

from .conftest import MARCH

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\0" * 64


def at(day, hour=10):
    return timezone.make_aware(dt.datetime(2026, 3, day, hour))


def png(name="p.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def planned(care):
    plans.generate_month(MARCH)
    return care


def test_a_visit_keeps_its_photos_checked_by_content(planned):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5), photos=[png(), png("x.jpg", JPEG)])
    kinds = sorted(VisitPhoto.objects.filter(visit=visit).values_list("content_type", flat=True))
    assert kinds == ["image/jpeg", "image/png"]
    assert all("p.png" not in ph.file.name and ph.file.name.startswith("care/") for ph in visit.photos.all())
    with pytest.raises(ValidationError):
        services.record_visit(u.wangfang, resident=p.plain, visited_at=at(6), photos=[png("evil.png", b"MZ" + PNG)])
    with pytest.raises(ValidationError):
        services.add_visit_photos(u.wangfang, visit, [png("big.png", PNG + b"\0" * validation.MAX_PHOTO_BYTES)])
    assert Visit.objects.count() == 1 and VisitPhoto.objects.count() == 2


def test_only_the_visitor_adds_photos_and_no_more_than_the_limit(planned):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.wangfang, resident=p.liu, visited_at=at(5))
    services.add_visit_photos(u.wangfang, visit, [png()])
    assert visit.photos.count() == 1
    with pytest.raises(PermissionDenied):
        services.add_visit_photos(u.community, visit, [png()])
    with pytest.raises(ValidationError):
        services.add_visit_photos(u.wangfang, visit, [png() for _ in range(validation.MAX_PHOTOS)])
    assert visit.photos.count() == 1


def test_photos_are_served_only_to_who_may_see_the_visit(planned):
    u, p = planned.users, planned.people
    client = Client()
    client.force_login(u.wangfang)
    item = PlanItem.objects.get(resident=p.liu, month=MARCH)
    response = client.post(
        reverse("care:record", args=[item.pk]),
        {"visited_at": "2026-03-05T09:30", "needs": "墙面渗水", "client_key": "ph-1", "photos": [png()]},
    )
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.photos.count() == 1
    url = reverse("care:photo", args=[visit.pk, visit.photos.get().pk])
    assert url in client.get(reverse("care:visit", args=[visit.pk])).content.decode()
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    assert b"".join(served.streaming_content) == PNG
    community = Client()
    community.force_login(u.community)
    assert community.get(url).status_code == 200
    for outsider in (u.other_grid, u.community2):
        other = Client()
        other.force_login(outsider)
        assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert Client().get("/media/" + visit.photos.get().file.name).status_code == 404
    added = client.post(reverse("care:add_photos", args=[visit.pk]), {"photos": [png()]})
    assert added.status_code == 302 and visit.photos.count() == 2
    refused = community.post(reverse("care:add_photos", args=[visit.pk]), {"photos": [png()]})
    assert refused.status_code in (403, 404) and visit.photos.count() == 2


def test_a_special_visits_photos_stay_with_its_readers(planned):
    u, p = planned.users, planned.people
    visit = services.record_visit(u.carer, resident=p.corrected, visited_at=at(5), photos=[png()])
    url = reverse("care:photo", args=[visit.pk, visit.photos.get().pk])
    for reader, status in ((u.carer, 200), (u.wangfang, 404), (u.community, 404)):
        client = Client()
        client.force_login(reader)
        assert client.get(url).status_code == status
