"""/api/v1/notices: list/detail scoped like the pages, publish with If-Match, a resident's own
notices and read receipt, the tell-list and its mark; every answer passes the OpenAPI contract
(tests/contract.py)."""

from gongzhi.notices.models import ReadReceipt, Told
from tests.api_client import ApiClient

from .conftest import draft, published


def test_list_and_detail_are_scoped(nt, django_assert_max_num_queries):
    notice = published(nt)
    api = ApiClient(nt.users.community)
    api.get("/notices")
    with django_assert_max_num_queries(10):
        body = api.get("/notices").json()
    assert body["count"] == 1 and body["results"][0]["title"] == "停水通知"
    detail = api.get(f"/notices/{notice.pk}")
    assert detail.status_code == 200 and detail["ETag"] == '"2"'
    assert ApiClient(nt.users.community2).get(f"/notices/{notice.pk}").status_code == 404
    assert ApiClient(nt.users.community2).get("/notices").json()["count"] == 0
    assert ApiClient(nt.users.li).get("/notices").status_code == 403
    assert ApiClient(nt.users.grid).get(f"/notices/{notice.pk}").status_code == 200


def test_publish_needs_if_match_and_the_right(nt):
    notice = draft(nt)
    api = ApiClient(nt.users.community)
    assert api.post(f"/notices/{notice.pk}/publish").status_code == 428
    assert api.post(f"/notices/{notice.pk}/publish", if_match='"7"').status_code == 412
    assert ApiClient(nt.users.grid).post(f"/notices/{notice.pk}/publish", if_match='"1"').status_code == 403
    answer = api.post(f"/notices/{notice.pk}/publish", if_match='"1"')
    assert answer.status_code == 200 and answer.json()["status"] == "published"
    again = api.post(f"/notices/{notice.pk}/publish", if_match='"2"')
    assert again.status_code == 422


def test_resident_reads_once(nt):
    notice = published(nt)
    api = ApiClient(nt.users.li)
    mine = api.get("/notices/mine").json()
    assert [n["title"] for n in mine["results"]] == ["停水通知"] and mine["results"][0]["read"] is False
    first = api.post(f"/notices/{notice.pk}/read").json()
    assert first["first"] is True
    assert api.post(f"/notices/{notice.pk}/read").json()["first"] is False
    assert ReadReceipt.objects.count() == 1
    assert ApiClient(nt.users.far).post(f"/notices/{notice.pk}/read").status_code == 404
    assert ApiClient(nt.users.community).post(f"/notices/{notice.pk}/read").status_code == 404
    assert ApiClient(nt.users.community).get("/notices/mine").status_code == 403
    assert ApiClient(nt.users.community).get(f"/notices/{notice.pk}").json()["read_count"] == 1


def test_tell_list_and_mark(nt):
    notice = published(nt)
    api = ApiClient(nt.users.grid)
    body = api.get(f"/notices/{notice.pk}/tell-list").json()
    assert {r["name"] for r in body["results"]} == {"赵无号", "刘大爷"} and body["told"] == 0
    assert all("*" in r["phone"] or r["phone"] == "" for r in body["results"])
    answer = api.post(f"/notices/{notice.pk}/tell-list/{nt.people.zhao.pk}")
    assert answer.status_code == 200
    assert api.post(f"/notices/{notice.pk}/tell-list/{nt.people.g12.pk}").status_code == 404
    assert api.post(f"/notices/{notice.pk}/tell-list/{nt.people.secret.pk}").status_code == 404
    assert Told.objects.count() == 1
    assert api.get(f"/notices/{notice.pk}/tell-list", pending=True).json()["count"] == 1
    assert ApiClient(nt.users.supervisor).get(f"/notices/{notice.pk}/tell-list").status_code == 403
    assert ApiClient(nt.users.community2).get(f"/notices/{notice.pk}/tell-list").status_code == 404
