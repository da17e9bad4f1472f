"""/api/v1/civil: reads scoped like the web (answers checked against the OpenAPI document by
tests/contract.py), masked names in the log, creating and filing a 稳评 with If-Match, and the
consultation API refusing to open the vote on a major matter without one."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.civil import services
from gongzhi.civil.models import RiskAssessment
from tests import factories
from tests.api_client import ApiClient, errors

from .conftest import open_meeting_with, raise_to_council
from .test_stability import GOOD


@pytest.fixture
def logged(civil):
    person = factories.make_resident(civil.town["g11"], name="钱多多")
    services.record_application(
        document=civil.document,
        article_number=2,
        occurred_on=timezone.localdate() - dt.timedelta(days=2),
        resident=person,
        facts="垃圾未分类",
        handling="劝导",
    )
    return civil


def test_documents_versions_and_articles(logged):
    api = ApiClient(logged.users.supervisor)
    page = api.get("/civil/documents").json()
    assert [d["title"] for d in page["results"]] == ["南庄社区居民公约"]
    detail = api.get(f"/civil/documents/{logged.document.pk}").json()
    assert [v["number"] for v in detail["versions"]] == [1]
    version = api.get(f"/civil/versions/{logged.document.current_id}").json()
    assert [a["number"] for a in version["articles"]] == [1, 2, 3]
    assert version["articles"][0]["marked"] == [["same", "爱护公共设施。"]]


def test_the_application_log_masks_names_and_searches_by_article(logged):
    api = ApiClient(logged.users.grid)
    rows = api.get("/civil/applications", article=2).json()["results"]
    assert [r["resident_name"] for r in rows] == ["钱*多"]
    assert api.get("/civil/applications", article=3).json()["count"] == 0


@pytest.mark.parametrize(
    ("role", "documents", "applications", "assessments"),
    [
        ("community", 200, 200, 200),
        ("supervisor", 200, 200, 200),
        ("grid", 200, 200, 403),
        ("department", 403, 403, 403),
    ],
)
def test_read_permissions(logged, role, documents, applications, assessments):
    api = ApiClient(getattr(logged.users, role))
    assert api.get("/civil/documents").status_code == documents
    assert api.get("/civil/applications").status_code == applications
    assert api.get("/civil/assessments").status_code == assessments


def test_out_of_scope_records_are_not_found(logged):
    api = ApiClient(logged.users.community2)
    assert api.get("/civil/documents").json()["count"] == 0
    assert api.get(f"/civil/documents/{logged.document.pk}").status_code == 404
    assert api.get(f"/civil/versions/{logged.document.current_id}").status_code == 404
    assert api.get("/civil/applications").json()["count"] == 0


def test_create_and_file_an_assessment_then_the_vote_opens(civil):
    matter = raise_to_council(civil, "加装电梯", major=True)
    meeting = open_meeting_with(civil.council, civil.members, 7)
    from gongzhi.consultation import services as consultation

    item = consultation.add_agenda_item(meeting, matter=matter)
    motion = consultation.propose_motion(meeting, text="加装电梯", agenda_item=item)
    api = ApiClient(civil.users.community)
    refused = api.post(f"/consultation/motions/{motion.pk}/open", if_match=motion.etag)
    assert refused.status_code == 422
    assert "须先完成社会稳定风险评估" in refused.json()["detail"][0]["message"]

    assert errors(api.post("/civil/assessments", {**GOOD, "matter": matter.pk, "opinions": ""}))["opinions"]
    assert (
        ApiClient(civil.users.supervisor).post("/civil/assessments", {**GOOD, "matter": matter.pk}).status_code == 403
    )
    assert errors(ApiClient(civil.users.community2).post("/civil/assessments", {**GOOD, "matter": matter.pk}))["matter"]
    created = api.post("/civil/assessments", {**GOOD, "matter": matter.pk})
    assert created.status_code == 201 and created.json()["status"] == "draft"
    pk = created.json()["id"]
    assert created.json()["vote_refusal"]
    assert api.post(f"/civil/assessments/{pk}/file").status_code == 428
    assert api.post(f"/civil/assessments/{pk}/file", if_match='"99"').status_code == 412
    assert (
        ApiClient(civil.users.supervisor).post(f"/civil/assessments/{pk}/file", if_match=created["ETag"]).status_code
        == 403
    )
    filed = api.post(f"/civil/assessments/{pk}/file", if_match=created["ETag"])
    assert filed.status_code == 200
    body = filed.json()
    assert (body["status"], body["conclusion"], body["vote_refusal"]) == ("filed", "medium", "")
    assert body["signed_by"] and body["signed_on"] == timezone.localdate().isoformat()
    assert RiskAssessment.objects.get().signed_by == civil.users.community
    motion.refresh_from_db()
    opened = api.post(f"/consultation/motions/{motion.pk}/open", if_match=motion.etag)
    assert opened.status_code == 200, opened.content
    assert ApiClient(civil.users.supervisor).get(f"/civil/assessments/{pk}").json()["conclusion"] == "medium"


def test_list_endpoints_cost_the_same_whatever_their_length(civil, django_assert_max_num_queries):
    for i in range(10):
        services.record_application(
            document=civil.document,
            article_number=1 + i % 3,
            occurred_on=timezone.localdate(),
            resident=civil.members[i % 7],
            facts="x",
            handling="y",
        )
        services.create_assessment(raise_to_council(civil, f"重大{i}", major=True), **GOOD)
    api = ApiClient(civil.users.community)
    for path in ("/civil/applications", "/civil/assessments", "/civil/documents"):
        with django_assert_max_num_queries(12):
            assert api.get(path).status_code == 200
