"""Services of social organisations and 共驻共建: every state change, the right checked at the
record's place, bad input refused with a Chinese message and nothing half-saved, the audit
entry written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.core.exceptions import NotFound, StaleObject
from gongzhi.core.models import AuditEntry
from gongzhi.organisations import services
from gongzhi.organisations.models import Agreement, CoBuildUnit, Organisation, OrgMember, Pledge, PurchasedService

from .conftest import code


def _messages(exc):
    return " ".join(m for msgs in exc.value.message_dict.values() for m in msgs)


def test_register_an_organisation_checks_its_credit_code_and_phone(reg):
    c1 = reg.town["c1"]
    with pytest.raises(ValidationError) as e:
        services.create_organisation(reg.users.community, node=c1, name="社工站", kind="registered", leader="林")
    assert "须填写统一社会信用代码" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.create_organisation(
            reg.users.community, node=c1, name="社工站", kind="registered", leader="林", registration_no="1234"
        )
    assert "应为 18 位" in _messages(e)
    bad = code()[:-1] + ("0" if code()[-1] != "0" else "1")
    with pytest.raises(ValidationError) as e:
        services.create_organisation(
            reg.users.community, node=c1, name="社工站", kind="registered", leader="林", registration_no=bad
        )
    assert "校验位错误" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.create_organisation(reg.users.community, node=c1, name="社工站", kind="filed", leader="", phone="")
    assert "请填写负责人" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.create_organisation(reg.users.community, node=c1, name="南庄老人协会", kind="elders", leader="某")
    assert "已有名为“南庄老人协会”的组织" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.create_organisation(reg.users.community, node=reg.town["g11"], name="队", kind="other", leader="某")
    assert "镇（街道）或社区（村）" in _messages(e)
    assert Organisation.objects.count() == 1
    made = services.create_organisation(
        reg.users.community,
        node=c1,
        name="社工站",
        kind="registered",
        leader="林",
        registration_no=code().lower(),
        phone="139 1234 0000",
    )
    assert made.registration_no == code() and made.phone == "13912340000"
    entry = AuditEntry.objects.filter(object_id=str(made.pk), content_type__model="organisation").get()
    assert "13912340000" not in str(entry.after)


def test_only_staff_of_the_place_may_register_or_edit(reg):
    with pytest.raises(PermissionDenied):
        services.create_organisation(reg.users.community2, node=reg.town["c1"], name="x", kind="other", leader="y")
    with pytest.raises(PermissionDenied):
        services.update_organisation(reg.users.grid, reg.org, {"leader": "某"})
    changed = services.update_organisation(reg.users.town, reg.org, {"member_count": 90, "incubation": "incubating"})
    assert changed.member_count == 90 and changed.version == 2
    with pytest.raises(StaleObject):
        services.update_organisation(reg.users.community, reg.org, {"leader": "某"}, expected_version=1)


def test_members_come_from_the_registry_in_scope(reg):
    added = services.add_member(reg.users.community, reg.org, resident=reg.people.mei, post="会长")
    assert added.since == timezone.localdate()
    with pytest.raises(ValidationError) as e:
        services.add_member(reg.users.community, reg.org, resident=reg.people.mei)
    assert "已是本组织成员" in _messages(e)
    with pytest.raises(NotFound):  # another community's resident
        services.add_member(reg.users.community, reg.org, resident=reg.people.far)
    with pytest.raises(NotFound):  # a sensitive resident the user may not see
        services.add_member(reg.users.community, reg.org, resident=reg.people.hidden)
    services.add_member(reg.users.carer, reg.org, resident=reg.people.hidden)
    future = timezone.localdate() + dt.timedelta(days=3)
    with pytest.raises(ValidationError):
        services.add_member(reg.users.carer, reg.org, resident=reg.people.mei, since=future)
    assert OrgMember.objects.count() == 2
    services.remove_member(reg.users.community, added)
    assert OrgMember.objects.count() == 1


def test_buy_a_service_and_evaluate_it_once(reg):
    today = timezone.localdate()
    values = {
        "organisation": reg.org,
        "project": "助餐",
        "amount": "36000",
        "starts_on": today - dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=300),
        "deliverables": "每周送餐",
    }
    for change, message in [
        ({"project": " "}, "请填写项目名称"),
        ({"amount": "-1"}, "资金不能为负数"),
        ({"amount": "abc"}, "资金应为数字"),
        ({"ends_on": today - dt.timedelta(days=60)}, "结束日期不能早于开始日期"),
        ({"deliverables": ""}, "请填写服务内容与交付成果"),
    ]:
        with pytest.raises(ValidationError) as e:
            services.buy_service(reg.users.town, **{**values, **change})
        assert message in str(e.value)
    with pytest.raises(PermissionDenied):
        services.buy_service(reg.users.community2, **values)
    assert PurchasedService.objects.count() == 0
    s = services.buy_service(reg.users.town, **values)
    assert s.amount == Decimal("36000.00") and s.status == "ongoing"
    with pytest.raises(ValidationError) as e:
        services.evaluate_service(reg.users.town, s, score=120, verdict="good")
    assert "0 到 100" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.evaluate_service(reg.users.town, s, score=80, verdict="meh")
    assert "请选择评估结论" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.evaluate_service(reg.users.town, s, score=80, verdict="good", on=today - dt.timedelta(days=90))
    assert "不能早于服务开始日期" in str(e.value)
    s.refresh_from_db()
    assert s.status == "ongoing" and s.score is None and s.version == 1
    done = services.evaluate_service(reg.users.community, s, score=88, verdict="good", evaluation="完成")
    assert done.status == "evaluated" and done.evaluated_by == reg.users.community and done.evaluated_on == today
    with pytest.raises(ValidationError) as e:
        services.evaluate_service(reg.users.community, s, score=90, verdict="excellent")
    assert "已评估" in str(e.value)


def test_units_and_pledges_move_through_their_statuses(reg):
    with pytest.raises(ValidationError) as e:
        services.create_unit(reg.users.community, node=reg.town["c1"], name="银行", credit_code="X" * 18)
    assert "统一社会信用代码" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.create_unit(reg.users.community, node=reg.town["c1"], name="南庄中心小学")
    assert "已登记名为" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.create_unit(reg.users.community, node=reg.town["c1"], name="银行", phone="12")
    assert CoBuildUnit.objects.count() == 1
    p = reg.pledge
    with pytest.raises(ValidationError) as e:
        services.add_pledge(reg.users.community, reg.unit, title="  ")
    assert "请填写承诺事项" in _messages(e)
    with pytest.raises(PermissionDenied):
        services.start_pledge(reg.users.grid, p)
    with pytest.raises(ValidationError) as e:
        services.fulfil_pledge(reg.users.community, p, note="")
    assert "请填写兑现情况说明" in _messages(e)
    started = services.start_pledge(reg.users.community, p, expected_version=1)
    assert started.status == "in_progress"
    with pytest.raises(ValidationError) as e:
        services.start_pledge(reg.users.community, p)
    assert "不能改为“进行中”" in str(e.value)
    with pytest.raises(ValidationError):
        services.fulfil_pledge(reg.users.community, p, note="开放", on=timezone.localdate() + dt.timedelta(days=1))
    kept = services.fulfil_pledge(reg.users.community, p, note="7—8 月开放")
    assert kept.status == "fulfilled" and kept.closed_on == timezone.localdate() and kept.note == "7—8 月开放"
    with pytest.raises(ValidationError):
        services.fail_pledge(reg.users.community, p, note="没做")
    assert Pledge.objects.get(pk=p.pk).status == "fulfilled"


def test_agreements(reg):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as e:
        services.sign_agreement(reg.users.community, reg.unit, signed_on=today, ends_on=today - dt.timedelta(days=1))
    assert "有效期不能早于签订日期" in _messages(e)
    with pytest.raises(ValidationError) as e:
        services.sign_agreement(reg.users.community, reg.unit, signed_on=today + dt.timedelta(days=1))
    assert "签订日期不能晚于今天" in _messages(e)
    with pytest.raises(PermissionDenied):
        services.sign_agreement(reg.users.community2, reg.unit, signed_on=today)
    assert Agreement.objects.count() == 0
    a = services.sign_agreement(reg.users.community, reg.unit, signed_on=today, text="共建共享")
    assert a.unit == reg.unit
