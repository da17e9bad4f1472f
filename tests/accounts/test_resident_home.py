"""The resident home page (accounts/resident_home.py): what a linked resident of 南庄 sees,
nothing of 梁丰, and a number of queries that does not grow with the community."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts import linking
from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import Organisation
from gongzhi.consultation import services as consultation
from gongzhi.requests import services as requests
from tests.consultation.conftest import born
from tests.factories import make_user

PHONE = "13912345678"


@pytest.fixture
def liu(town):
    person = born(town["g11"], dt.date(1948, 3, 3), name="刘德福")
    from gongzhi.registry import services as registry

    person = registry.update_resident(person, {"phone": PHONE}, reason="补录电话")
    user = accounts.create_user(username="liudaye", password="gongzhi-demo-2026", display_name="刘大爷")
    return linking.link(user, person)


def _community(town, liu, n, tag=""):
    """`n` of each thing the page lists, in 南庄, plus one of each in 梁丰 that must not show."""
    c1, c2 = town["c1"], town["c2"]
    neighbours = [born(town["g12"], dt.date(1970, 1, 1), name=f"邻居{tag}{i}") for i in range(n)]
    outsider = born(town["g21"], dt.date(1970, 1, 1), name=f"外人{tag}")
    for i, who in enumerate(neighbours):
        consultation.raise_matter(
            node=c1,
            title=f"联署议题{tag}{i}",
            resident=who,
            support_threshold=50,
            threshold_reason="测试设定的联署人数",
        )
    consultation.raise_matter(
        node=c2, title=f"梁丰联署{tag}", resident=outsider, support_threshold=50, threshold_reason="测试设定的联署人数"
    )
    assembly = consultation.create_body(
        node=c1, kind="resident_assembly", name=f"南庄居民会议{tag}", constituency="adults"
    )
    other = consultation.create_body(
        node=c2, kind="resident_assembly", name=f"梁丰居民会议{tag}", constituency="adults"
    )
    today = timezone.localdate()
    notice = timezone.now() - dt.timedelta(days=10)
    for i in range(n):
        consultation.schedule_meeting(
            body=assembly, title=f"南庄会议{tag}{i}", date=today + dt.timedelta(days=3), notice_at=notice
        )
    consultation.schedule_meeting(
        body=other, title=f"梁丰会议{tag}", date=today + dt.timedelta(days=3), notice_at=notice
    )
    for i in range(n):
        consultation.publish(node=c1, kind="affairs", title=f"南庄公开{tag}{i}", body="内容")
    consultation.publish(node=c2, kind="affairs", title=f"梁丰公开{tag}", body="内容")
    org = Organisation.objects.get_or_create(name="城市管理局", kind="department", node=town["t"])[0]
    category = requests.create_category(
        name=f"路灯损坏{tag}", kind="help", default_assignee=org, deadline_days=3, service_code=f"light{tag}"
    )
    for i in range(n):
        requests.file_request(
            channel="web",
            category=category,
            description=f"楼道灯坏了{tag}{i}",
            node=c1,
            grid=town["g11"],
            requester_name="刘德福",
            requester_phone=PHONE,
        )
    requests.file_request(
        channel="web",
        category=category,
        description="别人的诉求",
        node=c1,
        grid=town["g11"],
        requester_name="别人",
        requester_phone="13800000000",
    )


def test_resident_lands_on_the_community_home(client, town, liu):
    _community(town, liu, 2)
    client.force_login(liu)
    resp = client.get(reverse("home"))
    html = resp.content.decode()
    assert resp.status_code == 200 and resp.templates[0].name == "accounts/resident_home.html"
    assert "南庄社区" in html and "联署议题0" in html and "联署议题1" in html and "梁丰联署" not in html
    assert "南庄会议0" in html and "梁丰会议" not in html
    assert "南庄公开0" in html and "梁丰公开" not in html
    home = resp.context["home"]
    assert len(home.requests) == 2 and all(r.requester_phone == PHONE for r in home.requests)
    assert reverse("disclosure:board", args=[town["c1"].code]) in html


def test_votes_and_ratings_are_listed_for_me(client, town, liu):
    council = consultation.create_body(
        node=town["c1"], kind="resident_assembly", name="居民会议", constituency="adults"
    )
    meeting = consultation.schedule_meeting(
        body=council,
        title="议事会会议",
        date=timezone.localdate(),
        notice_at=timezone.now() - dt.timedelta(days=10),
    )
    consultation.sign_in(meeting, liu.resident)
    motion = consultation.propose_motion(meeting, text="同意划设错时停车位")
    client.force_login(liu)
    before = client.get(reverse("home")).context["home"]
    assert before.votes == []  # the meeting is not open yet
    from gongzhi.consultation.models import Meeting, Motion

    Meeting.objects.filter(pk=meeting.pk).update(status="open")  # quorum rules are not this test's
    Motion.objects.filter(pk=motion.pk).update(status="open")
    assert [m.pk for m in client.get(reverse("home")).context["home"].votes] == [motion.pk]
    consultation.cast_ballot(motion, liu.resident, "for")
    assert client.get(reverse("home")).context["home"].votes == []


def test_done_matter_waits_for_my_rating(client, town, liu):
    from gongzhi.consultation.models import Matter

    matter = consultation.raise_matter(
        node=town["c1"],
        title="修好路灯",
        resident=liu.resident,
        support_threshold=0,
        threshold_reason="测试设定的联署人数",
    )
    Matter.objects.filter(pk=matter.pk).update(status="done")
    client.force_login(liu)
    assert [m.title for m in client.get(reverse("home")).context["home"].to_rate] == ["修好路灯"]
    matter.refresh_from_db()
    consultation.rate(matter, liu.resident, 5)
    assert client.get(reverse("home")).context["home"].to_rate == []


def test_home_queries_do_not_grow_with_the_community(client, town, liu, django_assert_max_num_queries):
    client.force_login(liu)
    _community(town, liu, 1, tag="a")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    _community(town, liu, 4, tag="b")
    with django_assert_max_num_queries(len(few.captured_queries)):
        resp = client.get(reverse("home"))
    assert len(resp.context["home"].co_sign) == 5
    assert len(few.captured_queries) <= 20


def test_staff_keep_their_grid_home(client, town, liu):
    client.force_login(make_user("grid", town["g11"]))
    assert client.get(reverse("home")).templates[0].name == "accounts/home.html"
