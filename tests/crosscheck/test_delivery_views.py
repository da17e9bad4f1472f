"""The town's pages of delivered findings: the permission matrix on the web (role × page, in
and out of scope), residents shown by the registry's rules, marking with bad input, the Excel
export, the workbench figure and bounded queries."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.crosscheck import services, snapshot
from gongzhi.crosscheck.models import Finding
from tests import factories
from tests.workbench_checks import figures_match_lists

from .delivery_fixtures import RUN, finding


def _deliver(desk, key, *people):
    findings = [finding(key, r) for r in (people or (desk.people.mei, desk.people.hidden, desk.people.far))]
    return services.receive(
        desk.users.deliverer,
        town="320582100",
        run_on=RUN,
        key_check_value=snapshot.key_check(key),
        findings=findings,
    )


# role → status of: the list, the export, a finding on g11, marking it
MATRIX = {
    "town": (200, 200, 200, 302),
    "community": (200, 200, 200, 302),
    "community2": (200, 200, 404, 404),
    "grid": (200, 403, 200, 302),
    "supervisor": (200, 403, 200, 403),
    "department": (403, 403, 403, 403),
    "deliverer": (403, 403, 403, 403),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_of_the_pages(client, desk, key, role):
    _deliver(desk, key)
    f = Finding.objects.get(resident=desk.people.mei)
    client.force_login(getattr(desk.users, role))
    got = (
        client.get(reverse("crosscheck:findings")).status_code,
        client.get(reverse("crosscheck:findings"), {"export": "xlsx"}).status_code,
        client.get(reverse("crosscheck:finding", args=[f.pk])).status_code,
        client.post(
            reverse("crosscheck:mark", args=[f.pk]), {"action": "check", "note": "已核实", "version": "1"}
        ).status_code,
    )
    assert got == MATRIX[role]


def test_the_list_shows_residents_masked_and_the_hidden_one_only_to_whom_may_see_her(
    client, desk, key, django_assert_max_num_queries
):
    _deliver(desk, key)
    for _n in range(6):
        _deliver(desk, key, factories.make_resident(desk.town["g12"]))
    client.force_login(desk.users.community)
    url = reverse("crosscheck:findings")
    client.get(url)
    with django_assert_max_num_queries(14):
        page = client.get(url)
    html = page.content.decode()
    assert page.context["page"].paginator.count == 8  # 南庄's: not 梁丰's 李梁丰
    assert "王小梅" in html and "（受限）" in html and "孙矫正" not in html and "李梁丰" not in html
    assert desk.people.mei.id_number not in html and desk.people.mei.id_number[:4] + "*" in html
    client.force_login(desk.users.carer)
    assert "孙矫正" in client.get(url).content.decode()
    assert AuditEntry.objects.filter(action="view", object_id=str(desk.people.hidden.pk)).exists()


def test_marking_on_the_web(client, desk, key):
    _deliver(desk, key)
    f = Finding.objects.get(resident=desk.people.mei)
    client.force_login(desk.users.grid)
    page = client.get(reverse("crosscheck:finding", args=[f.pk]))
    assert page.status_code == 200 and "同时登记在住的街道/乡镇：320582101" in page.content.decode()
    url = reverse("crosscheck:mark", args=[f.pk])
    bad = client.post(url, {"action": "check", "note": "", "version": "1"})
    assert bad.status_code == 400 and "请填写核实情况" in bad.content.decode()
    stale = client.post(url, {"action": "check", "note": "x", "version": "7"})
    assert stale.status_code in (400, 412) and Finding.objects.get(pk=f.pk).status == "new"
    done = client.post(url, {"action": "dismiss", "note": "梁丰的登记是同名同号的录入错误，已告知", "version": "1"})
    assert done.status_code == 302
    f.refresh_from_db()
    assert (f.status, f.handled_by, f.version) == ("no_problem", desk.users.grid, 2)
    after = client.get(reverse("crosscheck:finding", args=[f.pk])).content.decode()
    assert "已告知" in after and 'id="mark-form"' not in after  # nothing left to mark
    assert client.post(url, {"action": "check", "note": "x", "version": "2"}).status_code == 400
    entry = AuditEntry.objects.filter(content_type__app_label="crosscheck", action="update").latest("pk")
    assert entry.actor == desk.users.grid and entry.reason == "标记为无问题"


def test_the_export_masks_ids_and_is_logged(client, desk, key):
    _deliver(desk, key)
    client.force_login(desk.users.community)
    response = client.get(reverse("crosscheck:findings"), {"export": "xlsx", "state": "all"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][:6] == ["比对结果编号", "比对日期", "比对项目", "居民编号", "姓名", "身份证号"]
    names = {r[4] for r in rows[1:]}
    assert names == {"王小梅", "（受限）"}
    flat = str(rows)
    assert desk.people.mei.id_number not in flat and "孙矫正" not in flat
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.after == {"rows": 2} and entry.actor == desk.users.community


def test_the_workbench_figure_opens_the_list_it_counts(client, desk, key):
    _deliver(desk, key)
    figures = figures_match_lists(client, desk.users.community)
    assert figures["crosscheck_new"] == 2
