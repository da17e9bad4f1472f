"""/api/v1/mediation: the same scoping as the web (404 out of scope, 403 for roles that read
none), masked parties, audited reads, registration with the Art. 22 refusal."""

from gongzhi.core.models import AuditEntry
from gongzhi.mediation.models import Dispute
from tests.api_client import ApiClient


def test_list_scoped(flow, world):
    d = flow.register()
    body = ApiClient(world.users.mediator).get("/mediation/disputes").json()
    assert body["count"] == 1 and body["results"][0]["tracking_number"] == d.tracking_number
    assert body["results"][0]["status_label"] == "已登记"
    assert ApiClient(world.users.outsider_mediator).get("/mediation/disputes").json()["count"] == 0
    for who in ("department", "supervisor", "resident", "grid"):
        assert ApiClient(getattr(world.users, who)).get("/mediation/disputes").status_code == 403


def test_detail_masked_audited_and_404_out_of_scope(flow, world):
    d = flow.register()
    r = ApiClient(world.users.community).get(f"/mediation/disputes/{d.pk}")
    assert r.status_code == 200 and r["ETag"] == f'"{d.version}"'
    parties = r.json()["parties"]
    assert {x["phone"] for x in parties} == {"138****5678", "139****4321"}
    assert world.a.id_number not in r.text
    assert AuditEntry.objects.filter(action="view", object_id=str(d.pk), actor=world.users.community).exists()
    assert ApiClient(world.users.community2).get(f"/mediation/disputes/{d.pk}").status_code == 404
    assert ApiClient(world.users.zhou).get(f"/mediation/disputes/{d.pk}").status_code == 404


def _payload(world, **extra):
    return {
        "committee": world.committee.pk,
        "node": world.town["g11"].pk,
        "category": "neighbour",
        "title": "楼上漏水",
        "facts": "楼上卫生间漏水至楼下。",
        "parties": [
            {"role": "applicant", "resident": world.a.pk},
            {"role": "respondent", "name": "外来租户", "phone": "13700001111"},
        ],
        **extra,
    }


def test_register(world):
    r = ApiClient(world.users.community).post("/mediation/disputes", _payload(world))
    assert r.status_code == 201, r.text
    d = Dispute.objects.get(pk=r.json()["id"])
    assert d.parties.count() == 2 and d.status == "registered"


def test_register_refuses_excluded_and_unpermitted(world):
    r = ApiClient(world.users.community).post("/mediation/disputes", _payload(world, exclusion="court"))
    assert r.status_code == 422 and "第二十二条" in r.text
    assert ApiClient(world.users.department).post("/mediation/disputes", _payload(world)).status_code == 403
    # A grid worker of another community may not register here.
    r = ApiClient(world.users.community2).post("/mediation/disputes", _payload(world))
    assert r.status_code in (403, 422)
    assert not Dispute.objects.exists()


def test_bad_state_is_a_field_error(world):
    r = ApiClient(world.users.community).get("/mediation/disputes", state="later")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "state"
