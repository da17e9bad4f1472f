"""/api/v1/care/volunteers and /activities: scoped like the pages, phones masked, no ID
number or health note; every answer passes the OpenAPI contract (tests/contract.py)."""

from gongzhi.care.volunteering import activities as acts
from gongzhi.care.volunteering import services
from tests.api_client import ApiClient

from .conftest import end, new_activity, resident_account


def test_volunteers_in_scope_with_hours_and_masked_phones(vol, django_assert_max_num_queries):
    activity = new_activity(vol)
    signup = acts.sign_up(vol.users.community, activity, vol.v.li)
    end(activity, length=2)
    signup.refresh_from_db()
    acts.confirm_hours(vol.users.community, signup, 2)
    services.register_volunteer(
        vol.users.community, resident=vol.people.qian, consent=True, sensitive_consent=True, health_note="不宜久站"
    )
    api = ApiClient(vol.users.community)
    api.get("/care/volunteers")
    with django_assert_max_num_queries(12):
        answer = api.get("/care/volunteers")
    assert answer.status_code == 200
    body = answer.json()
    names = {r["name"]: r for r in body["results"]}
    assert body["count"] == 3 and set(names) == {"李志愿", "赵热心", "钱未登"}
    assert names["李志愿"]["phone"] == "138****1111" and names["李志愿"]["total_hours"] == 2.0
    assert names["李志愿"]["skills"] == ["理发"] and names["李志愿"]["teams"] == ["南庄红马甲服务队"]
    assert "不宜久站" not in answer.content.decode() and vol.people.li.id_number not in answer.content.decode()
    assert api.get(f"/care/volunteers/{vol.v.li.pk}").json()["total_hours"] == 2.0


def test_out_of_scope_is_404_and_no_right_is_403(vol):
    assert ApiClient(vol.users.community2).get(f"/care/volunteers/{vol.v.li.pk}").status_code == 404
    grid = ApiClient(vol.users.grid).get("/care/volunteers").json()
    assert [r["name"] for r in grid["results"]] == ["李志愿"]
    resident = ApiClient(resident_account(vol.people.li))
    assert resident.get("/care/volunteers").status_code == 403


def test_activities_list_in_scope(vol):
    new_activity(vol)
    body = ApiClient(vol.users.community).get("/care/activities").json()
    assert [a["title"] for a in body["results"]] == ["义务理发"] and body["results"][0]["taken"] == 0
    assert ApiClient(vol.users.community2).get("/care/activities").json()["count"] == 0
    resident = ApiClient(resident_account(vol.people.li))
    assert resident.get("/care/activities").json()["count"] == 1
    assert ApiClient(vol.users.community).get("/care/activities", page=0).status_code == 422
