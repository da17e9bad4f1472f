"""Checklists filled without a network (docs/offline.md, "入户排查"): the campaigns' service
worker and the checklist it keeps, the list the phone keeps, and the answer to a checklist
queued on the phone — stored once per client key, at the time it was saved, and a household
changed meanwhile answered as a conflict with the server's version, never overwritten unless
the grid worker keeps hers."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escapejs

from gongzhi.campaigns import offline, services
from gongzhi.campaigns.choices import VisitStatus
from gongzhi.campaigns.models import Campaign

from .conftest import answer_of

JSON = {"HTTP_ACCEPT": "application/json"}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def queued(c, home, key, **extra):
    """A checklist as the phone's queue sends it: the form's fields, the version of the
    household the phone kept, its client key and the time it was saved."""
    a = answer_of(c, home)
    saved = timezone.localtime() - dt.timedelta(hours=2)
    data = {
        "outcome": "done",
        f"q{c.q.gas.pk}": "yes",
        f"q{c.q.hose.pk}": "完好",
        f"q{c.q.people.pk}": "3",
        "expected_version": a.version,
        "client_key": key,
        "visited_at": f"{saved:%Y-%m-%dT%H:%M}",
    }
    return {**data, **extra}


def sync(client, c, home, data):
    return client.post(reverse("campaigns:fill", args=[answer_of(c, home).pk]), data, **JSON)


# ---- the service worker, the kept checklist, the kept list -----------------------------------


def test_service_worker_is_served_under_campaigns_with_its_scope_and_never_cached(client, cp):
    response = client.get(reverse("campaigns:service_worker"))
    assert response.status_code == 200  # code only, no personal data: served to anyone
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/campaigns/"
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert f'var CACHE = "{escapejs(offline.WORK.cache_name())}";' in body
    assert offline.WORK.cache_name().startswith("gongzhi-campaigns-")
    assert '"/static/js/offline.js"' in body.replace("\\u002D", "-").replace("\\u002F", "/")
    for pattern in offline.WORK.list_patterns():
        assert escapejs(pattern) in body
    assert "importScripts" not in body and "eval(" not in body
    assert client.post(reverse("campaigns:service_worker")).status_code == 405


def test_list_patterns_cover_each_campaigns_households_and_nothing_else(cp):
    import re

    patterns = [re.compile(p) for p in offline.WORK.list_patterns()]
    kept = lambda path: any(p.match(path) for p in patterns)  # noqa: E731
    assert kept("/campaigns/mine/") and kept("/campaigns/mine/pending/") and kept("/campaigns/mine/12/")
    assert not kept("/campaigns/mine/12/offline/") and not kept("/campaigns/12/") and not kept("/campaigns/")


def test_the_kept_checklist_has_no_household_and_needs_a_household_on_the_campaign(cp):
    url = reverse("campaigns:shell", args=[cp.campaign.pk])
    response = client_for(cp.users.wangfang).get(url)
    page = response.content.decode()
    assert response.status_code == 200 and "data-shell" in page and "data-offline-form" in page
    assert f'name="q{cp.q.gas.pk}"' in page and "燃气软管状况" in page
    assert "刘大爷" not in page and "钱" not in page
    assert "no-cache" in response["Cache-Control"]
    assert Client().get(url).status_code == 302  # to the login page
    assert client_for(cp.users.community).get(url).status_code == 403  # does not visit doors
    assert client_for(cp.users.far_grid).get(url).status_code == 404  # no household on it


def test_the_list_carries_what_the_checklist_needs_offline(cp):
    client = client_for(cp.users.wangfang)
    page = client.get(reverse("campaigns:households", args=[cp.campaign.pk])).content.decode()
    a = answer_of(cp, cp.homes.a)
    assert f'data-item="{a.pk}"' in page and f'data-version="{a.version}"' in page
    assert f'data-offline-list="c{cp.campaign.pk}-1"' in page and "data-keep" in page
    assert "钱矫正" not in page  # the sensitive head is not named to her, on the phone neither
    filtered = client.get(reverse("campaigns:households", args=[cp.campaign.pk]) + "?status=pending").content
    assert b"data-keep" not in filtered  # a filtered list never replaces the kept one
    pending = client.get(reverse("campaigns:pending")).content.decode()
    assert f'data-shell="{reverse("campaigns:shell", args=[cp.campaign.pk])}"' in pending


# ---- a queued checklist comes back -----------------------------------------------------------


def test_a_queued_checklist_sent_twice_is_stored_once_at_the_time_it_was_saved(cp):
    client = client_for(cp.users.wangfang)
    data = queued(cp, cp.homes.a, "phone-a")
    first = sync(client, cp, cp.homes.a, data)
    again = sync(client, cp, cp.homes.a, data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.json()["result"], again.json()["result"]) == ("stored", "duplicate")
    a = answer_of(cp, cp.homes.a)
    assert first.json()["url"] == reverse("campaigns:household", args=[a.pk])
    assert (a.status, a.client_key, a.visited_by) == (VisitStatus.DONE, "phone-a", cp.users.wangfang)
    assert f"{timezone.localtime(a.visited_at):%Y-%m-%dT%H:%M}" == data["visited_at"]
    assert services.answers_of(a)[cp.q.hose.pk] == "完好"


def test_the_answer_gives_the_new_version_for_the_kept_row_and_her_counters(cp):
    client = client_for(cp.users.wangfang)
    data = {"outcome": "absent", "client_key": "phone-1", "expected_version": answer_of(cp, cp.homes.a).version}
    first = sync(client, cp, cp.homes.a, data).json()
    a = answer_of(cp, cp.homes.a)
    assert first["item"] == {"version": str(a.version), "status": "absent"}
    pk = cp.campaign.pk
    assert first["page"] == {f"cp-visited-{pk}": "已走访 1 / 3 户", f"cp-to-visit-{pk}": "待走访 2 / 3 户"}
    # The same household answered again, from the row kept with that version: stored, not a
    # conflict, and not counted twice.
    again = sync(client, cp, cp.homes.a, queued(cp, cp.homes.a, "phone-2", expected_version=first["item"]["version"]))
    assert again.status_code == 201
    assert again.json()["page"][f"cp-visited-{pk}"] == "已走访 1 / 3 户"
    assert int(again.json()["item"]["version"]) == answer_of(cp, cp.homes.a).version > a.version
    # The first sending again (its answer lost): the household as it is.
    assert sync(client, cp, cp.homes.a, queued(cp, cp.homes.a, "phone-2")).json()["item"] == again.json()["item"]
    # The pages show the same figures as the answer.
    households = client.get(reverse("campaigns:households", args=[pk])).content.decode()
    assert f'id="cp-visited-{pk}">已走访 1 / 3 户<' in households
    mine = client.get(reverse("campaigns:mine")).content.decode()
    assert f'id="cp-to-visit-{pk}">待走访 2 / 3 户<' in mine


def test_not_at_home_needs_no_answers_offline_either(cp):
    data = {"outcome": "absent", "client_key": "phone-absent", "expected_version": answer_of(cp, cp.homes.b).version}
    assert sync(client_for(cp.users.wangfang), cp, cp.homes.b, data).status_code == 201
    assert answer_of(cp, cp.homes.b).status == VisitStatus.ABSENT


def test_a_household_answered_meanwhile_is_a_conflict_she_may_override(cp):
    client = client_for(cp.users.wangfang)
    data = queued(cp, cp.homes.a, "phone-b")
    services.submit_answer(cp.users.wangfang, answer_of(cp, cp.homes.a), outcome=VisitStatus.ABSENT)
    response = sync(client, cp, cp.homes.a, data)
    assert response.status_code == 409
    body = response.json()
    assert body["result"] == "conflict" and body["may_keep"] is True and body["conflict"]["kind"] == "changed"
    server = dict(body["conflict"]["server"])
    assert server["状态"] == "不在家" and server["排查人"] == cp.users.wangfang.get_full_name()
    assert answer_of(cp, cp.homes.a).status == VisitStatus.ABSENT  # nothing overwritten
    kept = sync(client, cp, cp.homes.a, {**data, "keep": "1"})
    assert kept.status_code == 201
    a = answer_of(cp, cp.homes.a)
    assert (a.status, a.client_key) == (VisitStatus.DONE, "phone-b")


def test_a_closed_campaign_is_a_conflict_she_cannot_override(cp):
    client = client_for(cp.users.wangfang)
    data = queued(cp, cp.homes.a, "phone-c")
    services.close_campaign(cp.users.community, Campaign.objects.get(pk=cp.campaign.pk))
    for extra in ({}, {"keep": "1"}):
        response = sync(client, cp, cp.homes.a, {**data, **extra})
        assert response.status_code == 409
        assert response.json()["conflict"]["kind"] == "closed" and response.json()["may_keep"] is False
    assert answer_of(cp, cp.homes.a).status == VisitStatus.PENDING


def test_a_household_she_cannot_open_is_removed_and_shows_nothing(cp):
    response = sync(client_for(cp.users.far_grid), cp, cp.homes.a, queued(cp, cp.homes.a, "phone-d"))
    assert response.status_code == 404
    assert response.json() == {
        "result": "conflict",
        "conflict": {"kind": "removed", "message": "该记录已不在您的名单上。", "server": []},
        "may_keep": False,
    }


def test_a_household_she_may_read_but_does_not_visit_is_a_conflict_she_cannot_override(cp):
    """The community official reads the household's answers but is not its grid worker."""
    a = answer_of(cp, cp.homes.a)
    found, may_keep = offline.conflict(cp.users.community, a, a.version)
    assert found["kind"] == "reassigned" and may_keep is False
    assert dict(found["server"])["网格员"]
    assert offline.conflict(cp.users.wangfang, a, a.version) is None


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"client_key": ""}, "client_key", "缺少客户端编号"),
        ({"q{gas}": ""}, "__all__", "“是否使用管道燃气”：此项必填"),
        ({"visited_at": "later"}, "visited_at", "排查时间格式不正确"),
        ({"visited_at": "+1d"}, "visited_at", "排查时间不能晚于现在"),
        ({"visited_at": "-5d"}, "__all__", "入户排查尚未开始"),
    ],
)
def test_a_queued_checklist_with_bad_input_is_refused_with_a_message(cp, change, field, message):
    data = queued(cp, cp.homes.a, "phone-f")
    for key, value in change.items():
        key = key.format(gas=cp.q.gas.pk)
        if value in ("+1d", "-5d"):
            days = 1 if value == "+1d" else -5
            value = f"{timezone.localtime() + dt.timedelta(days=days):%Y-%m-%dT%H:%M}"
        data[key] = value
    response = sync(client_for(cp.users.wangfang), cp, cp.homes.a, data)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(message in m for messages in errors.values() for m in messages), errors
    assert answer_of(cp, cp.homes.a).status == VisitStatus.PENDING


def test_the_online_form_carries_a_fresh_key_and_stores_it(cp):
    import re

    client = client_for(cp.users.wangfang)
    a = answer_of(cp, cp.homes.b)
    page = client.get(reverse("campaigns:fill", args=[a.pk])).content.decode()
    key = re.search(r'name="client_key" value="([0-9a-f]{32})"', page).group(1)
    assert "data-offline-key" in page and "data-offline" in page
    data = {**queued(cp, cp.homes.b, key), "visited_at": ""}
    response = client.post(reverse("campaigns:fill", args=[a.pk]), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.status, a.client_key) == (VisitStatus.DONE, key)
    assert abs((timezone.now() - a.visited_at).total_seconds()) < 60  # online: the time it arrived
