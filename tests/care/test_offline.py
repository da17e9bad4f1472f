"""Offline visits (docs/care.md, "离线走访 / offline"): the service worker's script and the form
it keeps, and the answer to a queued visit the phone sends back — stored once per client key,
and a record changed meanwhile answered as a conflict with the server's version, never
overwritten."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escapejs

from gongzhi.care import offline, plans, services
from gongzhi.care.choices import ItemStatus
from gongzhi.care.models import PlanItem, Visit
from gongzhi.core import offline as core_offline
from gongzhi.registry import services as registry
from gongzhi.registry.choices import Status

from .conftest import MARCH

JSON = {"HTTP_ACCEPT": "application/json"}
MARCH_4 = timezone.make_aware(dt.datetime(2026, 3, 4, 10))


@pytest.fixture
def planned(care):
    plans.generate_month(MARCH)
    return care


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def item_of(resident):
    return PlanItem.objects.get(resident=resident, month=MARCH, special=False)


def queued(key, **extra):
    """A visit as the phone's queue sends it: the visit form's fields and its client key."""
    return {"client_key": key, "visited_at": "2026-03-05T09:30", "know_family": "on", "condition": "精神不错", **extra}


def sync(client, item, data):
    return client.post(reverse("care:record", args=[item.pk]), data, **JSON)


# ---- the service worker and the form it keeps ------------------------------------------------


def test_service_worker_is_served_under_care_with_its_scope_and_never_cached(client, town):
    response = client.get(reverse("care:service_worker"))
    assert response.status_code == 200  # code only, no personal data: served to anyone
    assert reverse("care:service_worker") == "/care/sw.js"
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/care/"
    assert "no-store" in response["Cache-Control"]
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
    body = response.content.decode()
    assert f'var CACHE = "{escapejs(offline.WORK.cache_name())}";' in body
    for asset in ("/static/css/gongzhi.css", "/static/js/offline.js", "/static/vendor/htmx/htmx.min.js"):
        assert f'"{escapejs(asset)}"' in body
    assert f'"{escapejs("/care/offline/visit/")}"' in body and "importScripts" not in body and "eval(" not in body
    assert client.post(reverse("care:service_worker")).status_code == 405


def test_cache_follows_the_static_files(client, town):
    name = offline.WORK.cache_name()
    assert name.startswith("gongzhi-care-") and len(name) == len("gongzhi-care-") + 12
    core_offline._versions.clear()
    assert offline.WORK.cache_name() == name  # the same files, the same cache


def test_the_kept_form_has_no_person_and_needs_the_visit_right(planned):
    response = client_for(planned.users.wangfang).get(reverse("care:offline_form"))
    page = response.content.decode()
    assert response.status_code == 200 and "data-shell" in page and "data-offline-form" in page
    assert "刘大爷" not in page and "邱梅敏" not in page
    assert "no-cache" in response["Cache-Control"]
    assert Client().get(reverse("care:offline_form")).status_code == 302  # to the login page
    assert client_for(planned.users.supervisor).get(reverse("care:offline_form")).status_code == 403


def test_the_list_carries_what_the_form_needs_offline_and_no_category(planned):
    page = client_for(planned.users.wangfang).get(reverse("care:my_list") + "?month=2026-03").content.decode()
    item = item_of(planned.people.poor)
    assert f'data-item="{item.pk}"' in page and 'data-name="邱梅敏"' in page and 'data-reason="困难群众"' in page
    assert "data-offline" in page and 'data-offline-list="mine" ' in page and "data-keep" in page and "低保" not in page
    filtered = client_for(planned.users.wangfang).get(reverse("care:my_list") + "?month=2026-03&q=刘").content
    assert b"data-keep" not in filtered  # a filtered list never replaces the kept one


# ---- a queued visit comes back ---------------------------------------------------------------


def test_a_queued_visit_sent_twice_is_stored_once(planned):
    client, item = client_for(planned.users.wangfang), item_of(planned.people.liu)
    first = sync(client, item, queued("phone-a"))
    again = sync(client, item, queued("phone-a"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert (first.json()["result"], again.json()["result"]) == ("stored", "duplicate")
    visit = Visit.objects.get()
    assert first.json()["url"] == again.json()["url"] == reverse("care:visit", args=[visit.pk])
    assert (visit.client_key, visit.visitor, visit.condition) == ("phone-a", planned.users.wangfang, "精神不错")
    item.refresh_from_db()
    assert (item.status, item.visit) == (ItemStatus.DONE, visit)


def test_a_resent_visit_is_stored_once_even_after_its_item_left_her_list(planned):
    client, item = client_for(planned.users.wangfang), item_of(planned.people.liu)
    assert sync(client, item, queued("phone-b")).status_code == 201
    PlanItem.objects.filter(pk=item.pk).update(worker=planned.users.other_grid)
    again = sync(client, item, queued("phone-b"))
    assert (again.status_code, again.json()["result"]) == (200, "duplicate") and Visit.objects.count() == 1


def test_an_item_done_meanwhile_is_a_conflict_with_the_servers_version(planned):
    client, item = client_for(planned.users.wangfang), item_of(planned.people.liu)
    other = services.record_visit(
        planned.users.community, resident=planned.people.liu, client_key="desk-1", visited_at=MARCH_4
    )
    item.refresh_from_db()
    assert item.visit == other
    response = sync(client, item, queued("phone-c"))
    assert response.status_code == 409
    body = response.json()
    assert body["result"] == "conflict" and body["may_keep"] is True
    assert body["conflict"]["kind"] == "done" and body["conflict"]["message"]
    server = dict(body["conflict"]["server"])
    assert server["状态"] == "已走访" and server["走访人"] == planned.users.community.get_full_name()
    assert Visit.objects.count() == 1
    # She keeps her copy: stored as a visit of its own; the item keeps the visit that did it.
    kept = sync(client, item, queued("phone-c", keep="1"))
    assert kept.status_code == 201
    mine = Visit.objects.get(client_key="phone-c")
    assert mine.visitor == planned.users.wangfang
    item.refresh_from_db()
    assert item.visit == other and item.status == ItemStatus.DONE


def test_an_item_given_to_another_worker_is_a_conflict(planned):
    client, item = client_for(planned.users.wangfang), item_of(planned.people.liu)
    PlanItem.objects.filter(pk=item.pk).update(worker=planned.users.community)
    response = sync(client, item, queued("phone-d"))
    assert response.status_code == 409 and response.json()["conflict"]["kind"] == "reassigned"
    assert dict(response.json()["conflict"]["server"])["走访人"] == planned.users.community.get_full_name()
    assert not Visit.objects.exists()


def test_a_person_who_left_is_a_conflict_that_does_not_say_where_to(planned):
    client, item = client_for(planned.users.wangfang), item_of(planned.people.liu)
    registry.update_resident(planned.people.liu, {"status": Status.MOVED_OUT}, reason="test")
    response = sync(client, item, queued("phone-e"))
    assert response.status_code == 409
    conflict = response.json()["conflict"]
    assert conflict["kind"] == "moved" and dict(conflict["server"])["登记状态"] == "迁出"
    assert not Visit.objects.exists()


def test_an_item_she_cannot_see_is_removed_and_shows_nothing(planned):
    item = item_of(planned.people.far)  # on the far grid's list
    response = sync(client_for(planned.users.wangfang), item, queued("phone-f"))
    assert response.status_code == 404
    body = response.json()
    assert body == {"result": "conflict", "conflict": core_offline.removed(), "may_keep": False}
    assert body["conflict"]["server"] == [] and "周远方" not in response.content.decode()
    assert not Visit.objects.exists()


def test_a_queued_visit_needs_its_key_and_a_valid_form(planned):
    client, item = client_for(planned.users.wangfang), item_of(planned.people.liu)
    missing = sync(client, item, queued(""))
    assert missing.status_code == 422 and "client_key" in missing.json()["errors"]
    bad = sync(client, item, queued("phone-g", visited_at="2099-01-01T10:00"))
    assert bad.status_code == 422 and bad.json()["result"] == "invalid"
    assert bad.json()["errors"]["visited_at"] and not Visit.objects.exists()


def test_another_visitors_key_is_refused(planned):
    services.record_visit(planned.users.community, resident=planned.people.liu, client_key="shared")
    item = item_of(planned.people.poor)
    response = sync(client_for(planned.users.wangfang), item, queued("shared"))
    assert response.status_code == 422 and "client_key" in response.json()["errors"]
    assert Visit.objects.count() == 1


def test_a_logged_out_phone_is_sent_to_the_login_page_not_stored(planned):
    response = sync(Client(), item_of(planned.people.liu), queued("phone-h"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Visit.objects.exists()


def test_a_visit_kept_by_the_script_of_before_is_still_stored_as_its_own(planned):
    """A phone that held the care pages' script before the mechanism was shared sends `as_note`
    for "keep mine"; its queue must not be lost on the first sync after the update."""
    client, item = client_for(planned.users.wangfang), item_of(planned.people.liu)
    services.record_visit(planned.users.community, resident=planned.people.liu, client_key="desk-2", visited_at=MARCH_4)
    assert sync(client, item, queued("phone-old")).status_code == 409
    assert sync(client, item, queued("phone-old", as_note="1")).status_code == 201
