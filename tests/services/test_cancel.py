"""Ending a 代办 without a result (终止: the resident withdrew, materials incomplete and
returned, the department refused): the reason is required and reaches the resident's progress
page; an ended 代办 no longer counts as open, due or overdue anywhere (lists, workbench figure,
statistics, API), takes no further step, and is listed under 已终止."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from gongzhi.services import selectors, services
from gongzhi.services.public import public_progress
from tests.api_client import ApiClient

from .conftest import errand

REASON = "居民已自行到派出所办理，撤回代办"


@pytest.fixture
def late(hall):
    return errand(hall, received_on=timezone.localdate() - dt.timedelta(days=30))


def test_a_reason_is_required_and_reaches_the_progress_page(hall, late):
    with pytest.raises(ValidationError, match="请填写终止原因"):
        services.record_step(hall.users.community, late, action="cancel", note="  ")
    ended = services.record_step(hall.users.community, late, action="cancel", note=REASON)
    assert ended.status == "cancelled" and ended.cancelled_on == timezone.localdate()
    progress = public_progress(ended.code, "5678")
    assert progress.done and not progress.overdue and progress.status == "已终止"
    assert (progress.steps[-1][0], progress.steps[-1][2]) == ("已终止", REASON)
    with pytest.raises(ValidationError):
        services.record_step(hall.users.community, ended, action="send")


def test_an_ended_errand_leaves_the_open_due_and_overdue_counts(hall, late):
    user = hall.users.community
    before = {s: selectors.filter_errands(selectors.errands(user), s).count() for s in ("open", "due", "overdue")}
    assert before == {"open": 1, "due": 1, "overdue": 1}
    services.record_step(user, late, action="cancel", note=REASON)
    after = {s: selectors.filter_errands(selectors.errands(user), s).count() for s in ("open", "due", "overdue")}
    assert after == {"open": 0, "due": 0, "overdue": 0}
    assert selectors.filter_errands(selectors.errands(user), "cancelled").count() == 1
    rows, _months = selectors.figures(user, late.received_on.year, None)
    assert rows[0]["errands"] == 1 and rows[0]["overdue"] == 0 and rows[0]["delivered"] == 0


def test_cancel_on_the_page_and_through_the_api(client, hall, late):
    client.force_login(hall.users.community)
    page = client.get(reverse("services:errand", args=[late.pk]))
    assert 'id="cancel-form"' in page.text
    url = reverse("services:errand_step", args=[late.pk, "cancel"])
    refused = client.post(
        url, {"cancel-on": timezone.localdate().isoformat(), "cancel-note": "", "version": late.version}
    )
    assert refused.status_code == 400 and "请填写终止原因" in refused.text
    done = client.post(
        url, {"cancel-on": timezone.localdate().isoformat(), "cancel-note": REASON, "version": late.version}
    )
    assert done.status_code == 302
    listed = client.get(reverse("services:errands"), {"state": "cancelled"}).text
    assert late.code in listed and "超期" not in listed.split("<tbody>")[1]
    other = errand(hall)
    api = ApiClient(hall.users.community)
    etag = api.get(f"/services/errands/{other.pk}")["ETag"]
    ended = api.post(f"/services/errands/{other.pk}/steps", {"action": "cancel", "note": REASON}, if_match=etag)
    assert ended.status_code == 200 and ended.json()["status"] == "cancelled"
    assert [e["code"] for e in api.get("/services/errands", state="cancelled").json()["results"]] == sorted(
        [late.code, other.code], key=lambda c: {late.code: late.deadline, other.code: other.deadline}[c]
    )


def test_a_reader_without_the_step_right_gets_no_cancel_form(client, hall, late):
    client.force_login(hall.users.supervisor)
    assert 'id="cancel-form"' not in client.get(reverse("services:errand", args=[late.pk])).text
    url = reverse("services:errand_step", args=[late.pk, "cancel"])
    refused = client.post(
        url, {"cancel-on": timezone.localdate().isoformat(), "cancel-note": REASON, "version": late.version}
    )
    assert refused.status_code == 403
    late.refresh_from_db()
    assert late.status == "received"
