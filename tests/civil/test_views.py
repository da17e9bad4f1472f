"""Web pages of civil: a permission matrix (role × page, in and out of scope), the flows of
amending the rules and of filing a 稳评, the masked names, exports and print, and query-count
guards on the lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.civil import services
from gongzhi.civil.choices import VersionStatus
from gongzhi.civil.models import RiskAssessment, RuleApplication
from tests import factories

from .conftest import raise_to_council, vote
from .test_stability import GOOD


def _entry(world, resident=None):
    return services.record_application(
        document=world.document,
        article_number=2,
        occurred_on=timezone.localdate() - dt.timedelta(days=1),
        resident=resident or world.members[0],
        facts="垃圾未分类",
        handling="上门劝导",
    )


@pytest.fixture
def pages(civil):
    matter = raise_to_council(civil, "加装电梯", major=True)
    entry = _entry(civil)
    assessment = services.create_assessment(matter, **GOOD)
    doc = civil.document
    return {
        "documents": reverse("civil:document_list"),
        "document": reverse("civil:document_detail", args=[doc.pk]),
        "print": reverse("civil:document_print", args=[doc.pk]),
        "version": reverse("civil:version_detail", args=[doc.current_id]),
        "new_document": reverse("civil:document_create"),
        "applications": reverse("civil:application_list"),
        "application": reverse("civil:application_detail", args=[entry.pk]),
        "new_application": reverse("civil:application_create"),
        "assessments": reverse("civil:assessment_list"),
        "assessment": reverse("civil:assessment_detail", args=[assessment.pk]),
        "new_assessment": reverse("civil:assessment_create", args=[matter.pk]),
    }


# role → {page: status}; pages not named answer as the default of the row.
MATRIX = {
    "community": ({}, 200),
    "town": ({}, 200),
    "grid": ({"new_document": 403, "assessments": 403, "assessment": 403, "new_assessment": 403}, 200),
    "supervisor": ({"new_document": 403, "new_application": 403, "new_assessment": 403}, 200),
    "department": ({}, 403),
    # Another community's staff: lists open (empty), this community's records are not found.
    "community2": (
        {
            "document": 404,
            "print": 404,
            "version": 404,
            "application": 404,
            "assessment": 404,
            "new_assessment": 404,
        },
        200,
    ),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(client, civil, pages, role):
    user = getattr(civil.users, role)
    client.force_login(user)
    overrides, default = MATRIX[role]
    got = {name: client.get(url).status_code for name, url in pages.items()}
    assert got == {name: overrides.get(name, default) for name in pages}


def test_anonymous_is_sent_to_login(client, pages):
    for url in pages.values():
        assert client.get(url).status_code == 302


def test_writes_are_refused_without_the_right(client, civil):
    doc = civil.document
    client.force_login(civil.users.supervisor)
    assert client.post(reverse("civil:revision_start", args=[doc.pk]), {"summary": "x"}).status_code == 403
    client.force_login(civil.users.community2)
    assert client.post(reverse("civil:revision_start", args=[doc.pk]), {"summary": "x"}).status_code == 404
    assert doc.versions.count() == 1


def test_amending_the_rules_on_the_web(client, civil):
    client.force_login(civil.users.community)
    matter = raise_to_council(civil)
    doc = civil.document
    answer = client.post(reverse("civil:revision_start", args=[doc.pk]), {"summary": "", "matter": matter.pk})
    assert answer.status_code == 400 and 'class="field-error"' in answer.content.decode()
    answer = client.post(reverse("civil:revision_start", args=[doc.pk]), {"summary": "调整", "matter": matter.pk})
    version = doc.versions.get(number=2)
    assert answer.status_code == 302
    url = reverse("civil:version_detail", args=[version.pk])
    bad = client.post(reverse("civil:article_set", args=[version.pk]), {"number": "x", "text": ""})
    assert bad.status_code == 400
    client.post(
        reverse("civil:article_set", args=[version.pk]), {"number": 3, "text": "晚上九点半后不得使用扩音设备。"}
    )
    page = client.get(url).content.decode()
    assert "<ins>九</ins>" in page and "<del>十</del>" in page
    assert "尚未经会议表决通过" in page
    refused = client.post(reverse("civil:version_adopt", args=[version.pk]), follow=True).content.decode()
    assert "尚未经会议表决通过" in refused
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    vote(civil, matter)
    client.post(reverse("civil:version_adopt", args=[version.pk]))
    client.post(reverse("civil:version_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    board = client.get(reverse("disclosure:board", args=[civil.c1.code])).content.decode()
    assert "南庄社区居民公约（第 2 版）公布" in board
    pdf = client.get(reverse("civil:document_print", args=[doc.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    export = client.get(url + "?export=xlsx")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]


def test_names_are_masked_on_the_log_and_its_export(client, civil):
    person = factories.make_resident(civil.town["g11"], name="钱多多")
    _entry(civil, resident=person)
    client.force_login(civil.users.community)
    page = client.get(reverse("civil:application_list")).content.decode()
    assert "钱*多" in page and "钱多多" not in page
    export = client.get(reverse("civil:application_list") + "?export=xlsx")
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(BytesIO(export.content)).active.iter_rows() for c in row]
    assert "钱*多" in cells and "钱多多" not in cells
    client.force_login(civil.users.supervisor)  # reads the registry of c1: the record shows the name
    entry = RuleApplication.objects.get(resident=person)
    assert "钱多多" in client.get(reverse("civil:application_detail", args=[entry.pk])).content.decode()
    client.force_login(civil.users.grid)  # the export needs its own right
    assert client.get(reverse("civil:application_list") + "?export=xlsx").status_code == 403


def test_a_grid_worker_records_an_application_for_a_resident_of_her_grid(client, civil):
    person = factories.make_resident(civil.town["g11"], name="孙晓")
    client.force_login(civil.users.grid)
    search = client.get(reverse("civil:resident_search"), {"q": "孙晓"}).content.decode()
    assert "孙晓" in search
    data = {
        "document": civil.document.pk,
        "article_number": 1,
        "occurred_on": timezone.localdate().isoformat(),
        "resident": person.pk,
        "facts": "损坏健身器材",
        "handling": "照价赔偿",
    }
    bad = client.post(reverse("civil:application_create"), {**data, "article_number": 8})
    assert bad.status_code == 400 and "现行版本中没有第 8 条" in bad.content.decode()
    assert client.post(reverse("civil:application_create"), data).status_code == 302
    # A resident she cannot read in the registry cannot be picked.
    far = client.post(reverse("civil:application_create"), {**data, "resident": civil.far.pk})
    assert far.status_code == 400 and "请从人口库中选择当事居民" in far.content.decode()
    assert RuleApplication.objects.count() == 1


def test_filing_a_risk_assessment_and_the_supervisor_sees_it_on_the_matter(client, civil):
    matter = raise_to_council(civil, "加装电梯", major=True)
    matter_url = reverse("consultation:matter_detail", args=[matter.pk])
    client.force_login(civil.users.supervisor)
    page = client.get(matter_url).content.decode()
    assert 'id="risk-assessment"' in page and "尚未提交稳评" in page and "须先完成社会稳定风险评估" in page
    client.force_login(civil.users.community)
    bad = client.post(reverse("civil:assessment_create", args=[matter.pk]), {**GOOD, "conclusion": ""})
    assert bad.status_code == 400
    client.post(reverse("civil:assessment_create", args=[matter.pk]), GOOD)
    assessment = RiskAssessment.objects.get()
    client.post(reverse("civil:assessment_file", args=[assessment.pk]))
    client.force_login(civil.users.supervisor)
    page = client.get(matter_url).content.decode()
    assert "中风险" in page and "查看稳评" in page and "须先完成社会稳定风险评估" not in page
    client.force_login(civil.users.grid)  # no right to read assessments: no panel
    assert 'id="risk-assessment"' not in client.get(matter_url).content.decode()


def test_list_pages_cost_the_same_whatever_their_length(client, civil, django_assert_max_num_queries):
    for i in range(12):
        _entry(civil, resident=civil.members[i % 7])
    for i in range(4):
        services.create_document(node=civil.c1, kind="charter", title=f"章程{i}", articles=["x"])
    for i in range(5):
        services.create_assessment(raise_to_council(civil, f"重大{i}", major=True), **GOOD)
    client.force_login(civil.users.community)
    for name in ("civil:application_list", "civil:document_list", "civil:assessment_list"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
