"""POST /api/v1/crosscheck/findings and the town's side of it: findings matched to the town's
residents on arrival, idempotent by id, all or nothing with Chinese messages; the list and the
marks through the API by role; every answer checked against the OpenAPI document."""

import json

import pytest
from django.test import Client

from gongzhi.api import api
from gongzhi.core.models import AuditEntry
from gongzhi.crosscheck import snapshot
from gongzhi.crosscheck.models import Finding
from tests import factories
from tests.api_client import ApiClient, errors

from .delivery_fixtures import RUN, finding, payload

URL = "/crosscheck/findings"


NOBODY = factories.id_number()  # an ID number nobody of this town has


def _deliver(desk, key, findings=None, **kw):
    p = desk.people
    findings = findings or [
        finding(key, p.mei),
        finding(key, p.hidden, "paid_after_death"),
        finding(key, NOBODY, "away_unknown"),
    ]
    return ApiClient(desk.users.deliverer).post(URL, payload(key, findings, **kw))


def test_a_delivery_is_stored_once_matched_to_the_towns_residents(desk, key):
    first = _deliver(desk, key)
    assert first.status_code == 200, first.content
    assert first.json() == {"town": "320582100", "received": 3, "created": 3, "already": 0, "matched": 2}
    rows = {f.kind: f for f in Finding.objects.all()}
    assert rows["residing_twice"].resident == desk.people.mei and rows["residing_twice"].node == desk.town["g11"]
    assert rows["away_unknown"].resident is None and rows["away_unknown"].node == desk.town["t"]
    assert rows["paid_after_death"].details["amount"] == 3600.5 and rows["residing_twice"].run_on == RUN
    entry = AuditEntry.objects.filter(action="create", content_type__app_label="crosscheck").latest("pk")
    assert entry.source == "api" and entry.actor == desk.users.deliverer
    again = _deliver(desk, key)
    assert again.json() == {"town": "320582100", "received": 3, "created": 0, "already": 3, "matched": 0}
    assert Finding.objects.count() == 3
    # Nothing personal travelled: the request held only pseudonyms.
    body = json.dumps(payload(key, [finding(key, desk.people.mei)]), ensure_ascii=False)
    assert desk.people.mei.id_number not in body and "王小梅" not in body


def _nothing_saved():
    assert not Finding.objects.exists()


def test_bad_deliveries_are_refused_whole_with_a_chinese_message(desk, key, monkeypatch):
    p, good = desk.people, finding(key, desk.people.mei)
    assert "本系统没有代码为 320599999 的街道/乡镇" in errors(_deliver(desk, key, [good], town="320599999"))["town"]
    assert "320582100" not in str(errors(_deliver(desk, key, [good], town="320582")))  # a district is no town
    bad = dict(finding(key, p.far), person="not-a-hash")
    msg = errors(_deliver(desk, key, [good, bad]))["findings"]
    assert "第 2 条：比对标识应为 64 位十六进制字符" in msg
    assert (
        "未知的比对项目 nope" in errors(_deliver(desk, key, [good, dict(good, id="x" * 12, check="nope")]))["findings"]
    )
    extra = dict(good, details={"other_towns": "1", "name": "王小梅"})
    assert "比对明细只能包含 other_towns" in errors(_deliver(desk, key, [extra]))["findings"]
    assert "在本次投递中重复" in errors(_deliver(desk, key, [good, good]))["findings"]
    nested = ApiClient(desk.users.deliverer).post(URL, payload(key, [dict(good, details={"other_towns": [1]})]))
    assert nested.status_code == 422
    other = payload(b"o" * 40, [good])
    assert "另一把比对密钥" in errors(ApiClient(desk.users.deliverer).post(URL, other))["key_check"]
    future = _deliver(desk, key, [good], run_on=RUN.replace(year=2999))
    assert errors(future)["run_on"] == "比对日期不能晚于今天"
    assert errors(ApiClient(desk.users.deliverer).post(URL, {"town": "320582100"}))["run_on"] == "此字段为必填项"
    _nothing_saved()
    raw = Client().post(
        "/api/v1" + URL,
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {ApiClient(desk.users.deliverer).token}",
    )
    assert raw.status_code == 400 and raw.json()["detail"] == "请求体不是有效的 JSON"
    stranger = Client().post(
        "/api/v1" + URL,
        json.dumps(payload(key, [good])),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer nope",
    )
    assert stranger.status_code == 401 and "令牌无效" in stranger.json()["detail"]
    assert ApiClient(desk.users.town).post(URL, payload(key, [good])).status_code == 403
    _nothing_saved()
    monkeypatch.delenv(snapshot.KEY_ENV)
    assert "未配置比对密钥" in errors(_deliver(desk, key, [good]))["__all__"]
    _nothing_saved()


def test_an_id_reused_for_other_content_is_refused_and_nothing_of_the_batch_is_kept(desk, key):
    p = desk.people
    assert _deliver(desk, key, [finding(key, p.mei)]).status_code == 200
    reused = dict(finding(key, p.far), id=finding(key, p.mei)["id"])
    response = _deliver(desk, key, [finding(key, p.hidden), reused])
    assert "已用于另一条比对结果" in errors(response)["findings"]
    assert Finding.objects.count() == 1


def test_a_delivery_account_of_another_town_cannot_deliver_here(desk, key, town):
    from gongzhi.territory import services as territory

    other = territory.create_node(parent=town["d"], kind="town", code="320582101", name="塘桥镇")
    stranger = factories.make_user("crosscheck_delivery", other)
    response = ApiClient(stranger).post(URL, payload(key, [finding(key, desk.people.mei)]))
    assert "或您的令牌无权向其投递" in errors(response)["town"]
    assert ApiClient(stranger).get(URL).status_code == 403  # and it reads nothing
    _nothing_saved()


# role → status of: list, deliver, mark a finding on g11 (If-Match given)
MATRIX = {
    "deliverer": (403, 200, 404),
    "town": (200, 403, 200),
    "community": (200, 403, 200),
    "community2": (200, 403, 404),
    "grid": (200, 403, 200),
    "supervisor": (200, 403, 403),
    "department": (403, 403, 404),
}


@pytest.mark.parametrize("role", MATRIX)
def test_api_permission_matrix(desk, key, role):
    _deliver(desk, key)
    f = Finding.objects.get(resident=desk.people.mei)
    api = ApiClient(getattr(desk.users, role))
    got = (
        api.get(URL).status_code,
        api.post(URL, payload(key, [finding(key, desk.people.far)])).status_code,
        api.post(f"{URL}/{f.pk}/mark", {"action": "check", "note": "已入户核实"}, if_match='"1"').status_code,
    )
    assert got == MATRIX[role]


def test_the_list_names_residents_by_the_registry_rules_with_bounded_queries(desk, key, django_assert_max_num_queries):
    _deliver(desk, key)
    for _n in range(5):
        _deliver(desk, key, [finding(key, factories.make_resident(desk.town["g12"]), "minors_alone")])
    community = ApiClient(desk.users.community)
    community.get(URL)
    with django_assert_max_num_queries(8):
        body = community.get(URL, page_size=50).json()
    assert body["count"] == 7  # not the unmatched one: it stays with the town
    rows = {r["check"]: r for r in body["results"] if r["check"] != "minors_alone"}
    mei = rows["residing_twice"]
    assert (mei["name"], mei["grid"], mei["resident"]) == ("王小梅", "南庄社区第01网格", desk.people.mei.pk)
    assert mei["id_number"].startswith("3205") and "*" in mei["id_number"]
    assert rows["paid_after_death"]["name"] == "（受限）" and rows["paid_after_death"]["id_number"] == ""
    official = ApiClient(desk.users.town).get(URL, check="away_unknown").json()["results"]
    assert official[0]["name"] == "本镇无此人" and official[0]["resident"] is None
    content = community.get(URL, page_size=50).content.decode()
    assert desk.people.mei.id_number not in content and "孙矫正" not in content
    carer = ApiClient(desk.users.carer).get(URL, check="paid_after_death").json()["results"]
    assert carer[0]["name"] == "孙矫正"
    assert AuditEntry.objects.filter(action="view", object_id=str(desk.people.hidden.pk)).exists()
    assert ApiClient(desk.users.community2).get(URL).json()["count"] == 0
    assert ApiClient(desk.users.town).get(URL).json()["count"] == 8
    assert ApiClient(desk.users.grid).get(URL).json()["count"] == 2  # g11 only: 王小梅 and the hidden one
    assert errors(community.get(URL, state="nope"))["state"].startswith("state 只能是")
    assert community.get(URL, check="minors_alone").json()["count"] == 5


def test_marking_through_the_api_needs_if_match_and_a_note_and_follows_the_table(desk, key):
    _deliver(desk, key)
    f = Finding.objects.get(resident=desk.people.mei)
    api = ApiClient(desk.users.grid)
    mark = f"{URL}/{f.pk}/mark"
    assert api.post(mark, {"action": "check", "note": "x"}).status_code == 428
    assert errors(api.post(mark, {"action": "check", "note": "  "}, if_match='"1"'))["note"] == "请填写核实情况"
    got = api.get(f"{URL}/{f.pk}")
    assert got["ETag"] == '"1"' and got.json()["status"] == "new"
    done = api.post(mark, {"action": "check", "note": "确在梁丰另有住所"}, if_match='"1"')
    assert done.status_code == 200 and done.json()["status"] == "checked" and done["ETag"] == '"2"'
    assert api.post(mark, {"action": "dismiss", "note": "x"}, if_match='"1"').status_code == 412
    assert "不能标记为已核实" in errors(api.post(mark, {"action": "check", "note": "x"}, if_match='"2"'))["__all__"]
    fixed = api.post(mark, {"action": "correct", "note": "已注销梁丰登记"}, if_match='"2"').json()
    assert fixed["status"] == "corrected" and fixed["handled_by"] and fixed["note"] == "已注销梁丰登记"
    entry = AuditEntry.objects.filter(content_type__app_label="crosscheck", action="update").latest("pk")
    assert entry.reason == "标记为已更正" and entry.actor == desk.users.grid
    assert ApiClient(desk.users.community2).get(f"{URL}/{f.pk}").status_code == 404


def test_the_openapi_document_names_the_schemas_once():
    doc = api.get_openapi_schema()
    names = set(doc["components"]["schemas"])
    for name in ("CrosscheckDeliveryIn", "CrosscheckFindingIn", "CrosscheckFindingOut", "CrosscheckMarkIn"):
        assert name in names
    assert {"post", "get"} <= set(doc["paths"]["/api/v1/crosscheck/findings"])
    assert "post" in doc["paths"]["/api/v1/crosscheck/findings/{finding_id}/mark"]
