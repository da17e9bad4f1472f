"""The action forms of the dispute page: each posts to the one service behind it, writes the
state and its audit entry, is refused (403, nothing written) when the status or the user's
role does not allow it, and answers bad input with a Chinese message beside the form."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from gongzhi.core.models import AuditEntry
from gongzhi.core.workdays import local_date
from gongzhi.mediation.choices import Status
from gongzhi.mediation.models import Dispute


def _writes(obj=None):
    """Audit entries about `obj` (about anything when None) other than page views and logins."""
    qs = AuditEntry.objects.exclude(action__in=("view", "login"))
    if obj is not None:
        qs = qs.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    return qs.count()


def post(client, user, d, name, data):
    client.force_login(user)
    d.refresh_from_db()
    body = {f"{name}-expected_version": d.version, **{f"{name}-{k}": v for k, v in data.items()}}
    return client.post(reverse("mediation:act", args=[d.pk, name]), body)


def today():
    return local_date(timezone.now())


def test_detail_offers_only_the_actions_allowed_to_the_user(client, flow, world):
    d = flow.to(Status.REGISTERED)
    client.force_login(world.users.director)
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert 'id="action-assign"' in page.text and 'id="action-close"' not in page.text
    client.force_login(world.users.outsider_mediator)
    assert client.get(reverse("mediation:detail", args=[d.pk])).status_code == 404


def test_assign(client, flow, world):
    d = flow.to(Status.REGISTERED)
    before = _writes(d)
    r = post(client, world.users.director, d, "assign", {"mediators": [world.members[1].pk], "note": ""})
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.MEDIATING and d.assignments.filter(mediator=world.members[1]).exists()
    assert _writes(d) > before


def test_assign_without_a_mediator_says_so(client, flow, world):
    d = flow.to(Status.REGISTERED)
    r = post(client, world.users.director, d, "assign", {})
    assert r.status_code == 200 and "请至少选择一名调解员。" in r.text
    d.refresh_from_db()
    assert d.status == Status.REGISTERED


def test_session(client, flow, world):
    d = flow.to(Status.MEDIATING)
    held = timezone.localtime() - dt.timedelta(hours=1)
    r = post(
        client,
        world.users.mediator,
        d,
        "session",
        {"held_at": f"{held:%Y-%m-%dT%H:%M}", "place": "调解室", "attendees": "双方、李明", "record": "双方陈述。"},
    )
    assert r.status_code == 302
    # The record is audited as a new Session; the dispute's journal tells the step.
    assert (
        _writes(d.sessions.get(place="调解室")) == 1
        and d.journal.filter(action="session", note__contains="调解室").exists()
    )


def test_session_in_the_future_is_refused_in_chinese(client, flow, world):
    d = flow.to(Status.MEDIATING)
    held = timezone.localtime() + dt.timedelta(days=2)
    r = post(
        client,
        world.users.mediator,
        d,
        "session",
        {"held_at": f"{held:%Y-%m-%dT%H:%M}", "place": "调解室", "attendees": "双方", "record": "x"},
    )
    assert r.status_code == 200 and "调解时间不能晚于现在。" in r.text
    assert not d.sessions.filter(place="调解室").exists()


def test_written_agreement_then_signatures_and_stamp_make_it_effective(client, flow, world):
    d = flow.to(Status.MEDIATING)
    u = world.users
    r = post(
        client,
        u.mediator,
        d,
        "agree_written",
        {
            "responsibilities": "刘家越界。",
            "terms": "刘家后移围墙。",
            "performance_manner": "自行拆除重砌",
            "performance_deadline": f"{today() + dt.timedelta(days=20):%Y-%m-%d}",
            "amount": "1000",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.SIGNING and d.terms == "刘家后移围墙。"
    for party in d.parties.all():
        assert (
            post(
                client,
                u.mediator,
                d,
                "sign",
                {"signer": f"p{party.pk}", "method": "signature", "signed_on": f"{today():%Y-%m-%d}"},
            ).status_code
            == 302
        )
    assert (
        post(
            client,
            u.mediator,
            d,
            "sign",
            {"signer": f"m{world.members[0].pk}", "method": "signature", "signed_on": f"{today():%Y-%m-%d}"},
        ).status_code
        == 302
    )
    # A mediator may not stamp: not offered, refused with 403, nothing written.
    before = _writes()
    assert post(client, u.mediator, d, "stamp", {"signed_on": f"{today():%Y-%m-%d}"}).status_code == 403
    assert _writes() == before
    assert post(client, u.director, d, "stamp", {"signed_on": f"{today():%Y-%m-%d}"}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.EFFECTIVE and d.effective_on == today()
    assert client.get(reverse("mediation:agreement_pdf", args=[d.pk])).status_code == 200


def test_written_agreement_without_terms_says_so(client, flow, world):
    d = flow.to(Status.MEDIATING)
    r = post(
        client,
        world.users.mediator,
        d,
        "agree_written",
        {"performance_manner": "x", "performance_deadline": "不是日期"},
    )
    assert r.status_code == 200 and "请填写协议内容。" in r.text and "履行期限格式不正确。" in r.text
    d.refresh_from_db()
    assert d.status == Status.MEDIATING


def test_oral_and_fail(client, flow, world):
    d = flow.to(Status.MEDIATING)
    assert post(client, world.users.mediator, d, "agree_oral", {"terms": "后移围墙。"}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.ORAL
    d2 = flow.to(Status.MEDIATING)
    r = post(client, world.users.mediator, d2, "fail", {"remedies": ""})
    assert "请填写已告知的救济途径。" in r.text
    assert post(client, world.users.mediator, d2, "fail", {"remedies": "可起诉。"}).status_code == 302
    d2.refresh_from_db()
    assert d2.status == Status.FAILED and d2.remedies == "可起诉。"


def test_court_follow_up_and_close(client, flow, world):
    d = flow.to(Status.EFFECTIVE)
    u = world.users
    r = post(
        client,
        u.mediator,
        d,
        "court_decision",
        {
            "result": "confirmed",
            "decided_on": f"{today():%Y-%m-%d}",
            "number": "(2026)苏0102民特1号",
            "court": "某区人民法院",
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.court_result == "confirmed"
    # Closing before the return visit is refused by the service, shown in Chinese.
    r = post(client, u.director, d, "close", {"note": ""})
    assert r.status_code == 200 and "书面协议结案前须回访履行情况。" in r.text
    assert post(client, u.mediator, d, "follow_up", {"performance": "done", "note": "已履行。"}).status_code == 302
    assert d.follow_ups.count() == 1
    before = _writes(d)
    assert post(client, u.director, d, "close", {"note": ""}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.CLOSED and _writes(d) > before


def test_report_extend_refuse(client, flow, world):
    d = flow.to(Status.MEDIATING)
    u = world.users
    assert post(client, u.mediator, d, "report", {"to": "派出所", "content": "可能激化。"}).status_code == 302
    assert d.reports.filter(to="派出所").exists()
    r = post(client, u.director, d, "extend", {"days": "0", "reason": "当事人外出"})
    assert "延期天数须为正整数。" in r.text
    limit = Dispute.objects.get(pk=d.pk).time_limit
    assert post(client, u.director, d, "extend", {"days": "10", "reason": "当事人外出"}).status_code == 302
    d.refresh_from_db()
    assert d.time_limit == limit + dt.timedelta(days=10) and d.extension_reason == "当事人外出"
    party = d.parties.first()
    assert post(client, u.mediator, d, "refuse", {"party": party.pk, "note": "明确拒绝。"}).status_code == 302
    d.refresh_from_db()
    assert d.status == Status.TERMINATED


@pytest.mark.parametrize("name", ["close", "agree_oral"])
def test_wrong_status_is_refused_with_nothing_written(client, flow, world, name):
    d = flow.to(Status.REGISTERED)
    before = _writes()
    r = post(client, world.users.director, d, name, {"terms": "x", "note": ""})
    assert r.status_code == 403 and _writes() == before
    d.refresh_from_db()
    assert d.status == Status.REGISTERED


def test_mediator_of_another_committee_gets_404(client, flow, world):
    d = flow.to(Status.MEDIATING)
    before = _writes()
    r = post(client, world.users.outsider_mediator, d, "report", {"to": "派出所", "content": "x"})
    assert r.status_code == 404 and _writes() == before


def test_stale_version_is_a_message(client, flow, world):
    d = flow.to(Status.MEDIATING)
    client.force_login(world.users.mediator)
    r = client.post(
        reverse("mediation:act", args=[d.pk, "report"]),
        {"report-expected_version": d.version - 1, "report-to": "派出所", "report-content": "x"},
    )
    assert r.status_code == 200 and "保存失败" in r.text and not d.reports.exists()


def _register_data(world, **kw):
    data = {
        "node": world.town["g11"].pk,
        "committee": world.committee.pk,
        "category": "neighbour",
        "source": "application",
        "title": "楼上漏水",
        "facts": "楼上卫生间漏水，楼下天花板受损。",
        "risk": "low",
        "a_name": "张三",
        "b_name": "李四",
        "b_phone": "13912345678",
    }
    data.update(kw)
    return data


def test_register_page(client, world):
    client.force_login(world.users.community)
    assert 'id="register-link"' in client.get(reverse("mediation:list")).text
    before = Dispute.objects.count()
    r = client.post(reverse("mediation:register"), _register_data(world))
    assert r.status_code == 302
    d = Dispute.objects.get(title="楼上漏水")
    assert Dispute.objects.count() == before + 1 and d.parties.count() == 2
    assert _writes(d) >= 1
    assert r["Location"] == reverse("mediation:detail", args=[d.pk])


def test_register_bad_input_in_chinese(client, world):
    client.force_login(world.users.community)
    before = Dispute.objects.count()
    r = client.post(reverse("mediation:register"), _register_data(world, facts="", b_phone="123", risk="high"))
    assert r.status_code == 200 and "请填写纠纷事实。" in r.text
    r = client.post(reverse("mediation:register"), _register_data(world, b_phone="123"))
    assert r.status_code == 200 and "李四" in r.text and "当事人" in r.text
    r = client.post(reverse("mediation:register"), _register_data(world, risk="high"))
    assert "风险为中、高时须说明理由。" in r.text
    assert Dispute.objects.count() == before


def test_register_refused_without_permission(client, world):
    client.force_login(world.users.department)
    assert client.get(reverse("mediation:register")).status_code == 403
    assert client.post(reverse("mediation:register"), _register_data(world)).status_code == 403


def test_transfer_from_the_request_page_lands_on_the_new_dispute(client, world):
    from gongzhi.requests.choices import Status as RS
    from tests.mediation.test_workflow import _returned_neighbour_request

    req = _returned_neighbour_request(world)
    client.force_login(world.users.dispatcher)
    page = client.get(reverse("requests_staff:detail", args=[req.pk]))
    assert 'id="action-transfer_mediation"' in page.text
    form = client.get(reverse("mediation:transfer", args=[req.pk]))
    assert form.status_code == 200 and "张建国" in form.text
    r = client.post(
        reverse("mediation:transfer", args=[req.pk]),
        {
            "committee": world.committee.pk,
            "category": "neighbour",
            "title": "邻里纠纷",
            "facts": req.description,
            "risk": "low",
            "a_name": "张建国",
            "a_phone": "13812345678",
            "b_name": "刘长顺",
        },
    )
    d = Dispute.objects.get(request=req)
    # The dispatcher reads no dispute (Art. 15): back on the request, told the new number.
    assert r.status_code == 302 and r["Location"] == reverse("requests_staff:detail", args=[req.pk])
    assert d.tracking_number in client.get(r["Location"]).text
    client.force_login(world.users.community)
    assert client.get(reverse("mediation:detail", args=[d.pk])).status_code == 200
    client.force_login(world.users.dispatcher)
    req.refresh_from_db()
    assert req.status == RS.TRANSFERRED and d.source == "request"
    assert _writes(d) >= 1
    # Once transferred the request no longer offers it, and the page refuses it.
    assert 'id="action-transfer_mediation"' not in client.get(reverse("requests_staff:detail", args=[req.pk])).text
    assert client.get(reverse("mediation:transfer", args=[req.pk])).status_code == 403


def test_transfer_refused_to_who_may_not_dispatch(client, world):
    from tests.mediation.test_workflow import _returned_neighbour_request

    req = _returned_neighbour_request(world)
    client.force_login(world.users.community)
    r = client.get(reverse("requests_staff:detail", args=[req.pk]))
    assert r.status_code != 200 or 'id="action-transfer_mediation"' not in r.text
    assert client.post(reverse("mediation:transfer", args=[req.pk]), {"committee": world.committee.pk}).status_code in (
        403,
        404,
    )
    assert not Dispute.objects.filter(request=req).exists()


def test_transfer_bad_input_in_chinese(client, world):
    from tests.mediation.test_workflow import _returned_neighbour_request

    req = _returned_neighbour_request(world)
    client.force_login(world.users.dispatcher)
    r = client.post(reverse("mediation:transfer", args=[req.pk]), {"committee": "", "facts": "x", "risk": "low"})
    assert r.status_code == 200 and "请选择调解委员会。" in r.text and "请选择纠纷类型。" in r.text
    assert not Dispute.objects.filter(request=req).exists()
