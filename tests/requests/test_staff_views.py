"""Staff screens of service requests: who may open which page (out of scope → 404), each action
form (a success and a refusal with its Chinese message, nothing written), exports, the old inbox
address (now the case engine's inbox, tests/cases/test_inbox_views.py),
filing from the field and from a call, and query-count guards on the queue pages."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.cases.models import JournalEntry, Notification
from gongzhi.requests import services
from gongzhi.requests.choices import Status
from gongzhi.requests.models import ServiceRequest

from .conftest import PHONE


def _as(client, user):
    client.force_login(user)
    return client


def _url(name, *args):
    return reverse(f"requests_staff:{name}", args=args)


def _act(client, r, name, **data):
    r.refresh_from_db()
    post = {f"{name}-expected_version": r.version, **{f"{name}-{k}": v for k, v in data.items()}}
    return client.post(_url("act", r.pk, name), post)


def _now_request(flow, status=Status.RECEIVED):
    """A request received now (so windows and deadlines lie ahead), walked to `status`."""
    w = flow.w
    r = flow.file(received_at=timezone.now())
    if status in (Status.DISPATCHED, Status.HANDLING):
        r = services.dispatch(r, w.users.dispatcher, assignee=w.orgs.cg)
    if status == Status.HANDLING:
        r = services.accept(r, w.users.dept)
    return r


# ---------------------------------------------------------------- who sees what

PAGES = ("list", "dispatch_queue", "my_queue", "overdue", "stats", "file_field", "file_hotline")
EXPECTED = {
    "dispatcher": {
        "list": 200,
        "dispatch_queue": 200,
        "my_queue": 403,
        "overdue": 200,
        "stats": 200,
        "file_field": 200,
        "file_hotline": 200,
    },
    "dept": {
        "list": 200,
        "dispatch_queue": 403,
        "my_queue": 200,
        "overdue": 403,
        "stats": 200,
        "file_field": 403,
        "file_hotline": 403,
    },
    "grid": {
        "list": 200,
        "dispatch_queue": 403,
        "my_queue": 403,
        "overdue": 403,
        "stats": 200,
        "file_field": 200,
        "file_hotline": 200,
    },
    "supervisor": {
        "list": 200,
        "dispatch_queue": 403,
        "my_queue": 403,
        "overdue": 200,
        "stats": 200,
        "file_field": 403,
        "file_hotline": 403,
    },
    "resident": dict.fromkeys(PAGES, 403),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_status_codes_per_role(client, world, flow, role):
    flow.to(Status.HANDLING)
    _as(client, getattr(world.users, role))
    got = {page: client.get(_url(page)).status_code for page in PAGES}
    assert got == EXPECTED[role]


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(_url("list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_out_of_scope_requests_answer_404(client, world, flow):
    r = flow.to(Status.HANDLING)  # grid g11, assigned to 城市管理局
    for user in (world.users.dept2, world.users.grid_other, world.users.community2):
        _as(client, user)
        assert client.get(_url("detail", r.pk)).status_code == 404
        assert _act(client, r, "reply", note="x").status_code == 404
    _as(client, world.users.dept)
    assert client.get(_url("detail", r.pk)).status_code == 200


def test_queues_show_the_right_requests(client, world, flow):
    new, mine, other = flow.to(Status.RECEIVED), flow.to(Status.HANDLING), flow.to(Status.RECEIVED)
    services.dispatch(other, world.users.dispatcher, assignee=world.orgs.mz, now=flow.AT["dispatch"])
    dispatch_page = _as(client, world.users.dispatcher).get(_url("dispatch_queue")).content.decode()
    assert new.tracking_number in dispatch_page and mine.tracking_number not in dispatch_page
    dept_page = _as(client, world.users.dept).get(_url("my_queue")).content.decode()
    assert mine.tracking_number in dept_page and other.tracking_number not in dept_page
    assert "超期" in dept_page and 'class="tag bad countdown"' in dept_page  # Nov 2 deadline long past
    grid_page = _as(client, world.users.grid_other).get(_url("list")).content.decode()
    assert new.tracking_number not in grid_page


def test_returned_request_is_tagged_in_dispatch_queue(client, world, flow):
    r = _now_request(flow, Status.DISPATCHED)
    services.return_wrong_assignment(r, world.users.dept, reason="不属于本局职责")
    page = _as(client, world.users.dispatcher).get(_url("dispatch_queue")).content.decode()
    assert r.tracking_number in page and "退回" in page


def test_phone_masked_and_revealed_only_through_contact(client, world, flow):
    r = flow.to(Status.RECEIVED)
    page = _as(client, world.users.grid).get(_url("detail", r.pk)).content.decode()
    assert "138****5678" in page and PHONE not in page and "联系来电人" not in page
    assert client.post(_url("contact", r.pk), {"purpose": "回访"}).status_code == 403
    page = _as(client, world.users.town).post(_url("contact", r.pk), {"purpose": "回访"}).content.decode()
    assert PHONE in page


# ---------------------------------------------------------------- action forms


def test_dispatch_shows_deadline_then_dispatches(client, world, flow, django_capture_on_commit_callbacks):
    r = flow.to(Status.RECEIVED)
    _as(client, world.users.dispatcher)
    page = client.get(_url("detail", r.pk)).content.decode()
    assert "办结时限为 2026-11-09" in page
    assert f'"{world.light.pk}": "2026-11-05"' in page  # 路灯损坏: 3 working days, offered when re-categorised
    with django_capture_on_commit_callbacks(execute=True):
        response = _act(client, r, "dispatch", assignee=world.orgs.cg.pk, note="请尽快处理")
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == Status.DISPATCHED and r.assignee == world.orgs.cg
    assert Notification.objects.filter(user=world.users.dept, case_id=r.pk).exists()


def test_dispatch_to_an_organisation_elsewhere_is_refused(client, world, flow):
    r = flow.to(Status.RECEIVED)  # in 南庄社区; 梁丰社区居委会 does not serve it
    response = _act(_as(client, world.users.dispatcher), r, "dispatch", assignee=world.orgs.lf.pk)
    assert "所选单位不负责该区域，请重新选择。" in response.content.decode()
    r.refresh_from_db()
    assert r.status == Status.RECEIVED and r.assignee is None


def test_accept_and_refused_for_non_assignee(client, world, flow):
    r = flow.to(Status.DISPATCHED)
    response = _act(_as(client, world.users.dispatcher), r, "accept")
    assert response.status_code == 403 and "您无权签收。" in response.content.decode()
    assert _act(_as(client, world.users.dept), r, "accept").status_code == 302
    r.refresh_from_db()
    assert r.status == Status.HANDLING


def test_return_with_reason_and_refusals(client, world, flow):
    r = _now_request(flow, Status.DISPATCHED)
    _as(client, world.users.dept)
    assert "退回须说明理由。" in _act(client, r, "return", note="").content.decode()
    assert _act(client, r, "return", note="属于民政办职责").status_code == 302
    r.refresh_from_db()
    assert r.status == Status.RECEIVED and r.assignee is None
    late = flow.to(Status.DISPATCHED)  # dispatched on 2 November: the 2-day window is long gone
    assert "已超过退回时限" in _act(client, late, "return", note="错派").content.decode()
    late.refresh_from_db()
    assert late.status == Status.DISPATCHED


def test_extension_request_grant_and_refuse(client, world, flow):
    r = _now_request(flow, Status.HANDLING)
    _as(client, world.users.dept)
    assert "最多还可延期 10 个工作日。" in _act(client, r, "request_extension", days=11, note="需协调").content.decode()
    assert _act(client, r, "request_extension", days=3, note="需协调物业").status_code == 302
    before = ServiceRequest.objects.get(pk=r.pk).deadline
    _as(client, world.users.dispatcher)
    assert _act(client, r, "grant_extension").status_code == 302
    r.refresh_from_db()
    assert r.deadline > before and r.extended_days == 3
    assert "没有待审批的延期申请。" in _act(client, r, "refuse_extension").content.decode()
    _as(client, world.users.dept)
    _act(client, r, "request_extension", days=2, note="再协调")
    assert _act(_as(client, world.users.dispatcher), r, "refuse_extension", note="时间够").status_code == 302
    r.refresh_from_db()
    assert r.extension_requested_days is None and r.extended_days == 3


def test_reply_close_and_refusals(client, world, flow):
    r = flow.to(Status.HANDLING)
    _as(client, world.users.dept)
    assert "当前状态为“办理中”，不能办结。" in _act(client, r, "close").content.decode()
    assert "请填写答复内容。" in _act(client, r, "reply", note="  ").content.decode()
    assert _act(client, r, "reply", note="已协调").status_code == 302
    assert _act(client, r, "close").status_code == 302
    r.refresh_from_db()
    assert r.status == Status.CLOSED and r.reply == "已协调"


def test_flag_overdue_and_refused_when_in_time(client, world, flow):
    late, fresh = flow.to(Status.HANDLING), _now_request(flow, Status.HANDLING)
    _as(client, world.users.supervisor)
    page = client.get(_url("overdue")).content.decode()
    assert late.tracking_number in page and fresh.tracking_number not in page
    response = client.post(
        _url("act", late.pk, "flag"), {"flag-expected_version": late.version, "next": _url("overdue")}
    )
    assert response.status_code == 302 and response["Location"] == _url("overdue")
    late.refresh_from_db()
    assert late.flag_count == 1
    assert "只有超期未办结的诉求才能督办。" in _act(client, fresh, "flag").content.decode()


def test_return_visit_satisfied_unsatisfied_and_refused(client, world, flow):
    ok, bad = flow.to(Status.CLOSED), flow.to(Status.CLOSED)
    response = _act(_as(client, world.users.dept), ok, "visit", result="satisfied")
    assert response.status_code == 403
    _as(client, world.users.visitor)
    assert "请选择回访结果。" in _act(client, ok, "visit", result="").content.decode()
    assert _act(client, ok, "visit", result="basically").status_code == 302
    assert _act(client, bad, "visit", result="unsatisfied", note="噪声依旧").status_code == 302
    ok.refresh_from_db(), bad.refresh_from_db()
    assert ok.status == Status.COMPLETED
    assert bad.status == Status.HANDLING and bad.assignee == world.orgs.cg and bad.deadline > timezone.now()


def test_link_duplicate_from_candidates(client, world, flow):
    first = flow.file(received_at=timezone.now(), building=None, lat="31.87", lng="120.55")
    again = flow.file(received_at=timezone.now(), lat="31.8701", lng="120.5501")
    _as(client, world.users.dispatcher)
    page = client.get(_url("detail", again.pk)).content.decode()
    assert "疑似重复诉求" in page and first.tracking_number in page
    assert "找不到受理编号为 X123 的诉求。" in _act(client, again, "link_duplicate", original="X123").content.decode()
    assert _act(client, again, "link_duplicate", original=first.tracking_number).status_code == 302
    again.refresh_from_db()
    assert again.status == Status.DUPLICATE and again.duplicate_of_id == first.pk


def test_stale_form_writes_nothing(client, world, flow):
    r = flow.to(Status.HANDLING)
    _as(client, world.users.dept)
    old = r.version
    services.request_extension(r, world.users.dept, days=1, reason="先占版本")
    entries = JournalEntry.objects.filter(case_id=r.pk).count()
    response = client.post(_url("act", r.pk, "reply"), {"reply-expected_version": old, "reply-note": "答复"})
    assert "保存失败" in response.content.decode()
    assert JournalEntry.objects.filter(case_id=r.pk).count() == entries


# ---------------------------------------------------------------- filing, inbox, stats


def test_hotline_files_and_bad_input_saves_nothing(client, world):
    _as(client, world.users.hotline)
    data = {
        "category": world.noise.pk,
        "node": world.town["c1"].pk,
        "description": "<script>x</script>" + "长" * 4000,
        "address": "人民路 1 号",
        "requester_name": "李四",
        "requester_phone": "123",
    }
    response = client.post(_url("file_hotline"), data)
    body = response.content.decode()
    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    assert "手机号" in body or "电话" in body
    data.update(description="楼下餐馆油烟很大", requester_phone=PHONE)
    response = client.post(_url("file_hotline"), data)
    r = ServiceRequest.objects.get()
    assert response.status_code == 302 and r.channel == "hotline" and r.node == world.town["c1"]


def test_grid_worker_files_in_own_grid_only(client, world):
    _as(client, world.users.grid)
    data = {"category": world.light.pk, "node": world.town["g21"].pk, "description": "路灯不亮", "address": "3 幢"}
    assert "所选区域不在您的辖区内。" in client.post(_url("file_field"), data).content.decode()
    data["node"] = world.town["g11"].pk
    response = client.post(_url("file_field"), data)
    r = ServiceRequest.objects.get()
    assert response["Location"] == _url("detail", r.pk) and r.grid == world.town["g11"] and r.channel == "grid"


def test_old_inbox_address_leads_to_the_inbox_of_every_case_type(
    client, world, flow, django_capture_on_commit_callbacks
):
    r = flow.to(Status.RECEIVED)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg)
    _as(client, world.users.dept)
    response = client.get(_url("inbox") + "?unread=1")
    assert response.status_code == 302 and response["Location"] == reverse("cases:inbox") + "?unread=1"
    page = client.get(response["Location"]).content.decode()
    assert f"新派单 {r.tracking_number}" in page and "1 条未读" in page
    assert f'href="{_url("detail", r.pk)}"' in page  # a request's notification opens the request


def _sheet(response, index=0):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    return [[c for c in row] for row in wb.worksheets[index].iter_rows(values_only=True)]


def test_list_export_masks_phones(client, world, flow):
    a, b = flow.to(Status.RECEIVED), flow.to(Status.HANDLING)
    rows = _sheet(_as(client, world.users.dispatcher).get(_url("list") + "?state=all&export=xlsx"))
    assert rows[0][0] == "受理编号"
    assert {r[0] for r in rows[1:]} == {a.tracking_number, b.tracking_number}
    assert all(r[8] == "138****5678" for r in rows[1:])
    assert any(r[11] == "超期" for r in rows[1:])
    inbox_rows = _sheet(client.get(reverse("cases:inbox") + "?export=xlsx"))
    assert inbox_rows == [["时间", "类型", "受理编号", "内容", "状态"]]  # the dispatcher has no messages


def test_stats_page_and_export(client, world, flow):
    flow.to(Status.COMPLETED), flow.to(Status.HANDLING)
    _as(client, world.users.town)
    page = client.get(_url("stats")).content.decode()
    assert "城市管理局" in page and "噪声扰民" in page
    rows = _sheet(client.get(_url("stats") + "?export=xlsx"))
    dept = next(r for r in rows if r[0] == "城市管理局")
    assert dept[1:5] == [2, 1, 1, 1]  # received, closed, on time, late (the open one is past its deadline)
    bad = client.get(_url("stats"), {"since": "2026-12-01", "until": "2026-11-01"}).content.decode()
    assert "结束日期不能早于开始日期。" in bad


# ---------------------------------------------------------------- query-count guards


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "role,page,status",
    [
        ("dispatcher", "dispatch_queue", Status.RECEIVED),
        ("dept", "my_queue", Status.HANDLING),
        ("supervisor", "overdue", Status.HANDLING),
        ("grid", "list", Status.HANDLING),
    ],
)
def test_queue_query_count_does_not_grow_with_rows(client, world, flow, role, page, status):
    flow.to(status)
    _as(client, getattr(world.users, role))
    few = _queries(client, _url(page))
    for _ in range(6):
        flow.to(status)
    assert _queries(client, _url(page)) == few
    assert few <= 20


def test_intake_offers_likely_duplicates(client, world, flow):
    near = flow.file(received_at=timezone.now(), lat="31.870000", lng="120.550000")
    far = flow.file(received_at=timezone.now(), lat="31.900000", lng="120.550000")  # ≈ 3.3 km north
    _as(client, world.users.grid)
    page = client.get(_url("intake_duplicates"), {"category": world.noise.pk, "lat": "31.8705", "lng": "120.5502"})
    body = page.content.decode()
    assert near.tracking_number in body and far.tracking_number not in body
    other = client.get(_url("intake_duplicates"), {"category": world.light.pk, "lat": "31.8705", "lng": "120.5502"})
    assert "附近没有疑似重复的诉求。" in other.content.decode()
    bad = client.get(_url("intake_duplicates"), {"category": world.noise.pk, "lat": "nan", "lng": "x"})
    assert bad.status_code == 200 and near.tracking_number not in bad.content.decode()
    _as(client, world.users.grid_other)  # g21 cannot see requests of g11
    hidden = client.get(_url("intake_duplicates"), {"category": world.noise.pk, "lat": "31.8705", "lng": "120.5502"})
    assert near.tracking_number not in hidden.content.decode()


def test_photo_served_to_those_who_see_the_request(client, world, flow, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    r = flow.file(photos=[SimpleUploadedFile("a.png", png)])
    photo = r.photos.get()
    _as(client, world.users.dispatcher)
    response = client.get(_url("photo", r.pk, photo.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == png
    _as(client, world.users.grid_other)
    assert client.get(_url("photo", r.pk, photo.pk)).status_code == 404


def test_countdown_words():
    import datetime as dt

    from gongzhi.requests.views.staff import countdown

    now = timezone.now()
    assert countdown(now + dt.timedelta(days=2, hours=3, minutes=10), now) == ("还剩 2 天 3 小时", False)
    assert countdown(now + dt.timedelta(minutes=5), now) == ("还剩 1 小时", False)
    assert countdown(now - dt.timedelta(hours=5), now) == ("超期 5 小时", True)
    assert countdown(now - dt.timedelta(days=4, hours=1), now) == ("超期 4 天", True)
    assert countdown(None, now) == ("", False)
