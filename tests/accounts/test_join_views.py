"""A resident links their account on the web (join/): logged in or opening a new account,
the mismatch answer that reveals nothing, and the per-address throttle."""

import pytest
from django.urls import reverse

from gongzhi.accounts import services as accounts
from gongzhi.accounts import sms
from gongzhi.accounts.models import User
from tests.factories import id_number, make_resident, make_user

PHONE = "13912345678"
PASSWORD = "gongzhi-demo-2026"


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    yield sms.MemoryBackend.outbox
    sms.MemoryBackend.outbox.clear()


@pytest.fixture
def liu(town):
    return make_resident(town["g11"], name="刘德福", phone=PHONE)


def _sent_code(outbox):
    return "".join(ch for ch in outbox[-1].text.split("验证码为")[1][:8] if ch.isdigit())


def test_logged_in_resident_links_with_the_code(client, liu, outbox):
    user = accounts.create_user(username="liudaye", password=PASSWORD)
    client.force_login(user)
    assert "还没有绑定居民身份" in client.get(reverse("home")).content.decode()
    resp = client.post(reverse("join"), {"phone": PHONE, "id_number": liu.id_number})
    assert resp.status_code == 302 and resp["Location"] == reverse("join_code")
    page = client.get(reverse("join_code")).content.decode()
    assert "139****5678" in page and 'name="password"' not in page
    resp = client.post(reverse("join_code"), {"code": _sent_code(outbox)})
    assert resp.status_code == 302 and resp["Location"] == reverse("home")
    assert User.objects.get(pk=user.pk).resident == liu
    assert "南庄社区" in client.get(reverse("home")).content.decode()


def test_new_resident_opens_an_account_and_is_logged_in(client, liu, outbox):
    client.post(reverse("join"), {"phone": PHONE, "id_number": liu.id_number})
    resp = client.post(reverse("join_code"), {"code": _sent_code(outbox), "password": PASSWORD})
    assert resp.status_code == 302
    user = User.objects.get(username=PHONE)
    assert user.resident == liu
    assert client.get(reverse("home")).context["user"] == user


def test_wrong_code_says_how_many_tries_are_left(client, liu, outbox):
    client.force_login(accounts.create_user(username="liudaye", password=PASSWORD))
    client.post(reverse("join"), {"phone": PHONE, "id_number": liu.id_number})
    wrong = "000000" if _sent_code(outbox) != "000000" else "111111"
    html = client.post(reverse("join_code"), {"code": wrong}).content.decode()
    assert "验证码不正确，还可尝试 4 次" in html


def test_mismatch_gives_one_answer_and_is_throttled(client, liu, settings, outbox):
    settings.GONGZHI_RATE_LINK_FAIL = "3/15m"
    unknown = client.post(reverse("join"), {"phone": PHONE, "id_number": id_number()}).content.decode()
    wrong_phone = client.post(reverse("join"), {"phone": "13800000000", "id_number": liu.id_number}).content.decode()
    message = "手机号和身份证号与居民登记信息不一致"
    assert message in unknown and message in wrong_phone
    client.post(reverse("join"), {"phone": PHONE, "id_number": id_number()})
    resp = client.post(reverse("join"), {"phone": PHONE, "id_number": liu.id_number})  # right, but too late
    assert resp.status_code == 429 and "尝试次数过多" in resp.content.decode()
    assert not outbox


def test_already_linked_is_said_plainly(client, liu):
    from gongzhi.accounts import linking

    linking.link(accounts.create_user(username="owner", password=PASSWORD), liu)
    html = client.post(reverse("join"), {"phone": PHONE, "id_number": liu.id_number}).content.decode()
    assert "该居民已绑定账号" in html


def test_staff_account_cannot_link_itself(client, liu):
    client.force_login(make_user("grid", liu.grid))
    html = client.post(reverse("join"), {"phone": PHONE, "id_number": liu.id_number}).content.decode()
    assert "工作人员账号" in html


def test_code_page_without_a_request_goes_back_to_step_one(client, town):
    resp = client.get(reverse("join_code"))
    assert resp.status_code == 302 and resp["Location"] == reverse("join")


def test_login_page_links_the_public_pages(client, town):
    html = client.get(reverse("login")).content.decode()
    for name in ("join", "requests_public:file", "requests_public:track", "disclosure:index"):
        assert f'href="{reverse(name)}"' in html


def test_public_index_lists_the_town_boards(client, town):
    from gongzhi.consultation import services

    services.publish(node=town["c1"], kind="finance", title="2026年二季度财务公开", body="收入 1000 元")
    resp = client.get(reverse("disclosure:index"))
    html = resp.content.decode()
    assert resp.status_code == 200 and "杨舍镇" in html
    assert reverse("disclosure:board", args=[town["c1"].code]) in html
    assert reverse("disclosure:board", args=[town["c2"].code]) in html
    assert reverse("requests_public:file") in html and reverse("requests_public:track") in html
