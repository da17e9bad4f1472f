"""Rate limits on the public pages without login (core/throttle.py): filing per address, the
progress check's wrong answers per address and per tracking number, Open311 POST per address.
Past a limit the answer is 429 in Chinese with Retry-After; ordinary use never gets there."""

from gongzhi.requests.models import ServiceRequest

from .conftest import PHONE
from .test_open311_api import errors_of, good, key, post  # noqa: F401 (key is a fixture)
from .test_public_views import FILE, TRACK, form

A, B = "10.0.0.1", "10.0.0.2"
WRONG = "0000" if PHONE[-4:] != "0000" else "1111"


def track(client, number, last4, ip=A):
    return client.post(TRACK, {"number": number, "last4": last4}, REMOTE_ADDR=ip)


def assert_throttled(response, text="分钟后再试"):
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert text in response.content.decode()


def test_filing_a_few_requests_is_never_blocked(client, world):
    for _ in range(3):
        assert client.post(FILE, form(world), REMOTE_ADDR=A).status_code == 302
    assert ServiceRequest.objects.count() == 3


def test_filing_past_the_rate_is_429_and_saves_nothing(client, world, settings):
    settings.GONGZHI_RATE_PUBLIC_FILE = "2/h"
    for _ in range(2):
        assert client.post(FILE, form(world), REMOTE_ADDR=A).status_code == 302
    assert_throttled(client.post(FILE, form(world), REMOTE_ADDR=A), "操作过于频繁")
    assert ServiceRequest.objects.count() == 2
    assert client.get(FILE, REMOTE_ADDR=A).status_code == 200  # reading the form is not counted
    assert client.post(FILE, form(world), REMOTE_ADDR=B).status_code == 302  # another address


def test_a_few_wrong_digits_then_the_right_ones_show_progress(client, flow):
    r = flow.file()
    for _ in range(3):
        assert "未找到该诉求" in track(client, r.tracking_number, WRONG).content.decode()
    response = track(client, r.tracking_number, PHONE[-4:])
    assert response.status_code == 200 and 'id="progress"' in response.content.decode()


def test_right_answers_do_not_use_up_the_allowance(client, flow, settings):
    settings.GONGZHI_RATE_TRACK_IP = settings.GONGZHI_RATE_TRACK_NUMBER = "2/15m"
    r = flow.file()
    for _ in range(5):
        assert 'id="progress"' in track(client, r.tracking_number, PHONE[-4:]).content.decode()


def test_guessing_one_numbers_digits_locks_that_number_from_every_address(client, flow, settings):
    settings.GONGZHI_RATE_TRACK_NUMBER = "5/15m"
    r = flow.file()
    for i in range(5):
        track(client, r.tracking_number, WRONG, ip=f"10.1.0.{i}")
    response = track(client, r.tracking_number, PHONE[-4:], ip=B)  # even the right digits wait
    assert_throttled(response, "查询失败次数过多")
    assert 'id="progress"' not in response.content.decode()


def test_an_address_trying_many_numbers_is_stopped_but_not_others(client, flow, settings):
    settings.GONGZHI_RATE_TRACK_IP = "10/15m"
    r = flow.file()
    for i in range(10):
        track(client, f"20261102{i:05d}", WRONG, ip=A)
    assert_throttled(track(client, r.tracking_number, PHONE[-4:], ip=A), "查询失败次数过多")
    assert 'id="progress"' in track(client, r.tracking_number, PHONE[-4:], ip=B).content.decode()


def test_open311_post_past_the_rate_is_an_open311_429(client, key, settings):  # noqa: F811
    settings.GONGZHI_RATE_OPEN311_POST = "2/h"
    for _ in range(2):
        assert post(client, **good(key)).status_code == 200
    response = post(client, **good(key))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "提交过于频繁" in errors_of(response)[0]
    assert ServiceRequest.objects.count() == 2
    assert client.get("/open311/v2/services.json").status_code == 200  # reads are not limited


def test_open311_posted_updates_past_the_rate_are_an_open311_429(client, key, settings):  # noqa: F811
    from gongzhi.cases.models import JournalEntry

    settings.GONGZHI_RATE_OPEN311_POST = "2/h"
    filed = ServiceRequest.objects.get(pk=int(post(client, **good(key)).json()[0]["service_request_id"]))
    update = {"api_key": key, "service_request_id": str(filed.pk), "status": "INVESTIGATING", "description": "已核查"}
    for _ in range(2):  # counted apart from filings
        assert client.post("/open311/v2/servicerequestupdates.json", update).status_code == 200
    before = JournalEntry.objects.count()
    response = client.post("/open311/v2/servicerequestupdates.json", update)
    assert response.status_code == 429 and "提交过于频繁" in errors_of(response)[0]
    assert JournalEntry.objects.count() == before
