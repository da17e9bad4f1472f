"""The pages of social organisations and 共驻共建: the permission matrix on the web (role ×
page, in and out of scope), forms with bad input, members picked from the registry (sensitive
residents named only to those who may see them), sortable lists with their Excel exports and
bounded queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.organisations import services
from gongzhi.organisations.models import Organisation, Pledge, PurchasedService

from .conftest import code

# role → status of: orgs, services, units, pledges, new org, new service, new unit
MATRIX = {
    "community": (200, 200, 200, 200, 200, 200, 200),
    "town": (200, 200, 200, 200, 200, 200, 200),
    "grid": (200, 200, 200, 200, 403, 403, 403),
    "supervisor": (200, 200, 200, 200, 403, 403, 403),
    "department": (403, 403, 403, 403, 403, 403, 403),
}
PAGES = ["orgs", "services", "units", "pledges", "org_new", "service_new", "unit_new"]


def _buy(reg, **change):
    today = timezone.localdate()
    values = {
        "organisation": reg.org,
        "project": "助餐",
        "amount": "36000",
        "starts_on": today - dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=300),
        "deliverables": "每周送餐",
    }
    return services.buy_service(reg.users.town, **{**values, **change})


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_of_the_pages(client, reg, role):
    client.force_login(getattr(reg.users, role))
    got = tuple(client.get(reverse(f"organisations:{name}")).status_code for name in PAGES)
    assert got == MATRIX[role]


@pytest.mark.parametrize(
    ("role", "sees"),
    [("community", True), ("town", True), ("supervisor", True), ("community2", False), ("grid", False)],
)
def test_records_out_of_scope_are_not_found(client, reg, role, sees):
    s = _buy(reg)
    client.force_login(getattr(reg.users, role))
    for url in (
        reverse("organisations:org", args=[reg.org.pk]),
        reverse("organisations:service", args=[s.pk]),
        reverse("organisations:unit", args=[reg.unit.pk]),
    ):
        assert client.get(url).status_code == (200 if sees else 404)


def test_read_only_roles_cannot_write(client, reg):
    client.force_login(reg.users.supervisor)
    page = client.get(reverse("organisations:unit", args=[reg.unit.pk])).content.decode()
    assert "登记承诺" not in page and "开始实施" not in page
    url = reverse("organisations:pledge_move", args=[reg.pledge.pk, "start"])
    assert client.post(url, {"note": ""}).status_code == 403
    assert client.post(reverse("organisations:member_add", args=[reg.org.pk]), {}).status_code == 403
    assert Pledge.objects.get().status == "claimed"


def test_register_an_organisation_on_the_web(client, reg):
    client.force_login(reg.users.community)
    url = reverse("organisations:org_new")
    base = {"node": reg.town["c1"].pk, "name": "社工站", "kind": "registered", "leader": "林", "member_count": 5}
    bad = client.post(url, {**base, "incubation": "none"})
    assert bad.status_code == 400 and "登记的社会组织须填写统一社会信用代码" in bad.content.decode()
    wrong = code()[:-1] + ("0" if code()[-1] != "0" else "1")
    bad = client.post(url, {**base, "incubation": "none", "registration_no": wrong})
    assert bad.status_code == 400 and "校验位错误" in bad.content.decode()
    other = client.post(url, {**base, "node": reg.town["c2"].pk, "kind": "filed", "incubation": "none"})
    assert other.status_code == 400 and "不在您的权限范围内" in other.content.decode()
    assert Organisation.objects.count() == 1
    done = client.post(url, {**base, "kind": "filed", "incubation": "incubating", "phone": "13912340000"})
    made = Organisation.objects.get(name="社工站")
    assert done.status_code == 302 and made.incubation == "incubating"
    edit = reverse("organisations:org_edit", args=[made.pk])
    form = client.get(edit)
    assert form.status_code == 200
    stale = client.post(edit, {**base, "kind": "filed", "incubation": "hatched", "version": 9})
    assert stale.status_code == 400 and "记录已被他人修改" in stale.content.decode()
    client.post(edit, {**base, "kind": "filed", "incubation": "hatched", "version": made.version})
    made.refresh_from_db()
    assert made.incubation == "hatched"


def test_members_from_the_registry_and_sensitive_names(client, reg):
    client.force_login(reg.users.community)
    search = client.get(reverse("organisations:resident_search") + "?q=王小梅").content.decode()
    assert "王小梅" in search
    assert "赵某某" not in client.get(reverse("organisations:resident_search") + "?q=赵某某").content.decode()
    assert client.get(reverse("organisations:resident_pick") + f"?id={reg.people.far.pk}").status_code == 404
    add = reverse("organisations:member_add", args=[reg.org.pk])
    today = timezone.localdate().isoformat()
    bad = client.post(add, {"since": today})
    assert bad.status_code == 400 and "请从人口库选择居民" in bad.content.decode()
    far = client.post(add, {"resident": reg.people.far.pk, "since": today})
    assert far.status_code == 400
    assert client.post(add, {"resident": reg.people.mei.pk, "post": "会长", "since": today}).status_code == 302
    client.force_login(reg.users.carer)
    assert client.post(add, {"resident": reg.people.hidden.pk, "since": today}).status_code == 302
    assert "赵某某" in client.get(reverse("organisations:org", args=[reg.org.pk])).content.decode()
    client.force_login(reg.users.community)
    page = client.get(reverse("organisations:org", args=[reg.org.pk])).content.decode()
    assert "王小梅" in page and "赵某某" not in page and "（受限）" in page
    assert "139****5678" in page and "13912345678" not in page


def test_service_and_evaluation_on_the_web(client, reg):
    client.force_login(reg.users.community)
    today = timezone.localdate()
    url = reverse("organisations:service_new")
    body = {
        "organisation": reg.org.pk,
        "project": "助餐",
        "amount": "1000",
        "starts_on": today.isoformat(),
        "ends_on": (today - dt.timedelta(days=1)).isoformat(),
        "deliverables": "送餐",
    }
    bad = client.post(url, body)
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.content.decode()
    assert PurchasedService.objects.count() == 0
    done = client.post(url, {**body, "ends_on": (today + dt.timedelta(days=90)).isoformat()})
    s = PurchasedService.objects.get()
    assert done.status_code == 302
    evaluate = reverse("organisations:service_evaluate", args=[s.pk])
    bad = client.post(evaluate, {"score": 101, "verdict": "good", "on": today.isoformat(), "version": 1})
    assert bad.status_code == 400 and "0 到 100" in bad.content.decode()
    assert client.post(evaluate, {"score": 92, "verdict": "excellent", "on": today.isoformat(), "version": 1})
    s.refresh_from_db()
    assert s.status == "evaluated" and s.verdict == "excellent"
    assert "92 · 优秀" in client.get(reverse("organisations:service", args=[s.pk])).content.decode()


def test_units_pledges_and_agreements_on_the_web(client, reg):
    client.force_login(reg.users.community)
    bad = client.post(
        reverse("organisations:unit_new"), {"node": reg.town["c1"].pk, "name": "银行", "credit_code": "1"}
    )
    assert bad.status_code == 400 and "统一社会信用代码应为 18 位" in bad.content.decode()
    unit_page = reverse("organisations:unit", args=[reg.unit.pk])
    bad = client.post(reverse("organisations:pledge_new", args=[reg.unit.pk]), {"title": ""})
    assert bad.status_code == 400 and "请填写承诺事项" in bad.content.decode()
    fulfil = reverse("organisations:pledge_move", args=[reg.pledge.pk, "fulfil"])
    bad = client.post(fulfil, {"note": "", "version": 1})
    assert bad.status_code == 400 and "请填写兑现情况说明" in bad.content.decode()
    assert client.post(reverse("organisations:pledge_move", args=[reg.pledge.pk, "fly"])).status_code == 404
    assert client.post(fulfil, {"note": "已开放", "version": 1}).status_code == 302
    assert Pledge.objects.get().status == "fulfilled"
    agreement = reverse("organisations:agreement_new", args=[reg.unit.pk])
    assert client.post(agreement, {"signed_on": "2020-13-01"}).status_code == 400
    assert client.post(agreement, {"signed_on": timezone.localdate().isoformat(), "text": "共建"}).status_code == 302
    page = client.get(unit_page).content.decode()
    assert "已兑现" in page and "已开放" in page and "共建" in page


def test_lists_sort_export_and_keep_their_queries_bounded(client, reg, django_assert_max_num_queries):
    today = timezone.localdate()
    for n in range(3):
        services.create_organisation(
            reg.users.community, node=reg.town["c1"], name=f"队{n}", kind="volunteers", leader="某"
        )
        _buy(reg, project=f"项目{n}")
        u = services.create_unit(reg.users.community, node=reg.town["c1"], name=f"单位{n}", phone="13812340000")
        services.add_pledge(reg.users.community, u, title=f"承诺{n}", due=today - dt.timedelta(days=n + 1))
    client.force_login(reg.users.community)
    names = ("orgs", "services", "units", "pledges")
    for name in names:
        client.get(reverse(f"organisations:{name}"))
        with django_assert_max_num_queries(14):
            assert client.get(reverse(f"organisations:{name}") + "?state=all").status_code == 200
    for n in range(5):
        u = services.create_unit(reg.users.community, node=reg.town["c1"], name=f"另{n}")
        services.add_pledge(reg.users.community, u, title=f"再{n}")
        services.create_organisation(reg.users.community, node=reg.town["c1"], name=f"会{n}", kind="other", leader="某")
    for name in names:
        with django_assert_max_num_queries(14):
            client.get(reverse(f"organisations:{name}") + "?state=all")
    overdue = client.get(reverse("organisations:pledges") + "?state=overdue")
    assert overdue.context["page"].paginator.count == 3
    desc = client.get(reverse("organisations:orgs") + "?sort=-members")
    counts = [o.member_count for o in desc.context["page"]]
    assert counts == sorted(counts, reverse=True)
    sheet = load_workbook(io.BytesIO(client.get(reverse("organisations:orgs") + "?export=xlsx").content)).active
    rows = list(sheet.values)
    assert (
        rows[0][0] == "组织名称" and len(rows) == 10 and "139****5678" in str(rows) and "13912345678" not in str(rows)
    )
    units = list(
        load_workbook(io.BytesIO(client.get(reverse("organisations:units") + "?export=xlsx").content)).active.values
    )
    assert units[0][0] == "单位名称" and "13812340000" not in str(units) and "138****0000" in str(units)
    pledges = load_workbook(
        io.BytesIO(client.get(reverse("organisations:pledges") + "?state=overdue&export=xlsx").content)
    )
    assert len(list(pledges.active.values)) == 4
    svc = load_workbook(io.BytesIO(client.get(reverse("organisations:services") + "?export=xlsx").content)).active
    assert list(svc.values)[0][0] == "项目名称"
    client.force_login(reg.users.grid)
    assert client.get(reverse("organisations:orgs") + "?export=xlsx").status_code == 403


def test_workbench_counter_of_overdue_pledges(client, reg):
    from gongzhi.organisations.apps import _overdue_count

    services.add_pledge(reg.users.community, reg.unit, title="过期", due=timezone.localdate() - dt.timedelta(days=2))
    assert _overdue_count(reg.users.community) == 1
    assert _overdue_count(reg.users.community2) == 0
    assert _overdue_count(reg.users.supervisor) is None
