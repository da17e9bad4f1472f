"""The legal services' state changes: advisers, consultations, legal-aid referrals and their
answers, 普法 activities — each refused in Chinese on bad input with nothing half-saved, each
audited, each checked at the record's place."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.core.exceptions import NotFound, StaleObject
from gongzhi.core.models import AuditEntry
from gongzhi.legal import selectors, services
from gongzhi.legal.models import Activity, Adviser, Attendance, Consultation, Referral
from tests import factories

from .conftest import consult, refer

TODAY = timezone.localdate


def _entries(model, obj):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=str(obj.pk))


def _messages(exc) -> str:
    return " ".join(exc.value.messages)


def test_appoint_adviser_checks_input_and_place(legal):
    c1 = legal.town["c1"]
    good = {
        "name": "李律师",
        "firm": "某律所",
        "phone": "13911112222",
        "term_from": TODAY(),
        "term_to": TODAY() + dt.timedelta(days=365),
        "schedule": "每周一上午",
    }
    before = Adviser.objects.count()
    cases = [
        ({"node": legal.town["g11"]}, "请选择法律顾问服务的社区"),
        ({"name": " "}, "请填写法律顾问姓名"),
        ({"phone": "12345"}, "手机号应为以 1 开头的 11 位数字"),
        ({"term_to": TODAY() - dt.timedelta(days=1)}, "聘期止不能早于聘期起"),
        ({"schedule": ""}, "请填写值班安排"),
        ({"served": [legal.town["g21"]]}, "不在所服务的社区内"),
    ]
    for change, message in cases:
        values = {"node": c1, **good, **change}
        with pytest.raises(ValidationError) as exc:
            services.appoint_adviser(legal.users.community, **values)
        assert message in _messages(exc), change
    assert Adviser.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.appoint_adviser(legal.users.community2, node=c1, **good)
    with pytest.raises(PermissionDenied):
        services.appoint_adviser(legal.users.grid, node=c1, **good)
    made = services.appoint_adviser(legal.users.community, node=c1, served=[legal.town["g12"]], **good)
    entry = _entries(Adviser, made).get()
    assert "13911112222" not in str(entry.after)  # the adviser's own phone stays out of the log
    assert entry.after["served"] == [legal.town["g12"].name]


def test_update_adviser_with_version(legal):
    a = legal.adviser
    with pytest.raises(ValidationError) as exc:
        services.update_adviser(legal.users.community, a, {"term_to": a.term_from - dt.timedelta(days=1)})
    assert "聘期止不能早于聘期起" in _messages(exc)
    services.update_adviser(legal.users.community, a, {"schedule": "每周三上午"}, expected_version=a.version)
    a.refresh_from_db()
    assert a.schedule == "每周三上午" and a.version == 2
    with pytest.raises(StaleObject):
        services.update_adviser(legal.users.community, a, {"schedule": "x"}, expected_version=1)
    with pytest.raises(PermissionDenied):
        services.update_adviser(legal.users.community2, a, {"schedule": "x"})


def test_log_consultation_refuses_bad_input_in_chinese(legal):
    cases = [
        ({"category": "tax"}, "请选择咨询类别"),
        ({"question": "  "}, "请填写咨询问题"),
        ({"advice": ""}, "请填写解答意见"),
        ({"resident": None, "person_name": ""}, "请从人口库选择居民，或填写未登记人员的姓名"),
        ({"resident": None, "person_name": "吴女士", "person_phone": "123"}, "手机号应为以 1 开头"),
        ({"consulted_on": TODAY() + dt.timedelta(days=1)}, "咨询日期不能晚于今天"),
        ({"consulted_on": TODAY() - dt.timedelta(days=400)}, "的聘期为"),
        ({"adviser": None}, "请选择法律顾问"),
        ({"follow_up": "mediation"}, "转人民调解时请写明转至哪个调解委员会"),
        ({"follow_up": "court"}, "请选择后续处理"),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError) as exc:
            consult(legal, **change)
        assert message in _messages(exc), change
    with pytest.raises(ValidationError) as exc:
        consult(legal, adviser=legal.adviser2)
    assert "不是该区域的法律顾问" in _messages(exc)
    assert Consultation.objects.count() == 0


def test_consultation_is_scoped_to_the_residents_grid(legal):
    c = consult(legal)
    assert c.area == legal.town["g11"] and c.recorded_by == legal.users.community
    outsider = consult(legal, resident=None, person_name="吴女士", person_phone="138 1234 4321")
    assert outsider.area == legal.town["c1"] and outsider.person_phone == "13812344321"
    assert set(selectors.consultations(legal.users.grid)) == {c}  # her grid's, not the community's desk
    assert not selectors.consultations(legal.users.grid2).exists()
    assert selectors.consultations(legal.users.town).count() == 2
    assert not selectors.consultations(legal.users.community2).exists()
    with pytest.raises(PermissionDenied):
        consult(legal, by=legal.users.grid)  # grid workers only read
    with pytest.raises(NotFound):
        consult(legal, by=legal.users.community2, node=legal.town["c2"], adviser=legal.adviser2)
    entry = _entries(Consultation, outsider).get()
    assert "13812344321" not in str(entry.after)


def test_referral_from_consultation_marks_follow_up_and_is_answered_once(legal):
    c = consult(legal, consulted_on=TODAY() - dt.timedelta(days=5))
    with pytest.raises(ValidationError) as exc:
        refer(legal, c, sent_on=TODAY() - dt.timedelta(days=6))
    assert "转介日期不能早于咨询日期" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        refer(legal, c, hardship="declared")
    assert "个人申报经济困难时请写明" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        refer(legal, c, reason="")
    assert "请填写转介事由" in _messages(exc)
    c.refresh_from_db()
    assert c.follow_up == "none" and not Referral.objects.exists()
    r = refer(legal, c, sent_on=TODAY() - dt.timedelta(days=4))
    c.refresh_from_db()
    assert c.follow_up == "legal_aid" and r.resident == legal.people.mei and r.area == c.area
    with pytest.raises(ValidationError) as exc:
        refer(legal, c)
    assert "请勿重复转介" in _messages(exc)
    with pytest.raises(PermissionDenied):
        services.accept_referral(legal.users.grid, r)
    with pytest.raises(ValidationError) as exc:
        services.reject_referral(legal.users.community, r)
    assert "不予受理时请填写" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.accept_referral(legal.users.community, r, on=TODAY() - dt.timedelta(days=10))
    assert "答复日期不能早于转介日期" in _messages(exc)
    r.refresh_from_db()
    assert r.status == "sent" and r.decided_on is None
    with pytest.raises(StaleObject):
        services.accept_referral(legal.users.community, r, expected_version=r.version + 1)
    services.accept_referral(legal.users.community, r, note="已指派律师", expected_version=r.version)
    r.refresh_from_db()
    assert r.status == "accepted" and r.decided_on == TODAY() and r.decision_note == "已指派律师"
    with pytest.raises(ValidationError):
        services.reject_referral(legal.users.community, r, note="迟到的答复")
    reasons = list(_entries(Referral, r).values_list("reason", flat=True))
    assert "转介法律援助" in reasons and "登记法律援助中心受理" in reasons


def test_standalone_referral_and_rejection(legal):
    with pytest.raises(ValidationError) as exc:
        refer(legal, hardship="rich")
    assert "请选择经济困难依据" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        refer(legal, resident=None, person_name="")
    assert "请从人口库选择居民" in _messages(exc)
    with pytest.raises(PermissionDenied):
        refer(legal, by=legal.users.supervisor)
    r = refer(legal, resident=None, person_name="外来务工人员", person_phone="13512345678", hardship="dibao")
    assert r.area == legal.town["c1"] and r.consultation is None
    services.reject_referral(legal.users.town, r, note="不属于法律援助范围")
    r.refresh_from_db()
    assert r.status == "rejected" and selectors.awaiting(legal.users.community).count() == 0


def test_record_activity_with_attendees(legal):
    neighbour = factories.make_resident(legal.town["g12"], name="赵邻居")
    base = {
        "node": legal.town["c1"],
        "title": "宪法宣传日",
        "held_on": TODAY(),
        "place": "社区广场",
        "topic": "宪法",
        "attendance": 1,
    }
    cases = [
        ({"title": ""}, "请填写活动名称"),
        ({"held_on": TODAY() + dt.timedelta(days=2)}, "活动日期不能晚于今天"),
        ({"attendance": -1}, "参加人数应为不小于 0 的整数"),
        ({"residents": [legal.people.mei, neighbour]}, "参加人数不能少于登记的参加居民数"),
        ({"residents": [legal.people.far]}, "所选居民不在您的权限范围内"),
        ({"residents": [legal.people.secret]}, "所选居民不在您的权限范围内"),
    ]
    for change, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.record_activity(legal.users.community, **{**base, **change})
        assert message in _messages(exc), change
    assert not Activity.objects.exists() and not Attendance.objects.exists()
    a = services.record_activity(legal.users.community, **{**base, "attendance": 40, "residents": [legal.people.mei]})
    assert a.attendees.get().resident == legal.people.mei
    assert set(selectors.activities(legal.users.grid)) == {a}  # her community's activity
    assert not selectors.activities(legal.users.grid2).exists()


def test_sensitive_resident_named_only_with_the_right_and_hidden_from_history(legal, client):
    c = consult(legal, by=legal.users.carer, resident=legal.people.secret)
    plain = consult(legal)
    assert selectors.Names(legal.users.carer).name(c) == "钱矫正"
    shown = selectors.named(legal.users.community, [c, plain])
    assert shown[0].shown_name.startswith("钱*") and "钱矫正" not in shown[0].shown_name
    assert shown[0].shown_phone == "" and shown[1].shown_name == "王小梅"
    # The audit list hides the record of the sensitive resident from readers without the right.
    from gongzhi.core import manifest

    reader = manifest.history_readers()["legal.consultation"]
    assert set(reader.sensitive_ids([str(c.pk), str(plain.pk)])) == {str(c.pk)}


def test_figures_count_by_month_and_category(legal):
    day = TODAY().replace(day=1)
    consult(legal, consulted_on=day)
    consult(legal, category="family", consulted_on=day)
    c = consult(
        legal,
        by=legal.users.community2,
        node=legal.town["c2"],
        adviser=legal.adviser2,
        resident=legal.people.far,
        consulted_on=day,
    )
    r = refer(legal, c, by=legal.users.community2, sent_on=day)
    services.accept_referral(legal.users.community2, r, on=day)
    refer(legal, sent_on=day)
    services.record_activity(
        legal.users.community,
        node=legal.town["c1"],
        title="讲座",
        held_on=day,
        place="活动室",
        topic="民法典",
        attendance=30,
    )
    town = selectors.figures(legal.users.town, day.year)
    m = town["months"][day.month - 1]
    assert m["categories"]["labour"] == 2 and m["categories"]["family"] == 1 and m["consultations"] == 3
    assert (m["referrals"], m["accepted"], m["waiting"]) == (2, 1, 1)
    assert (m["activities"], m["attendance"]) == (1, 30)
    one = selectors.figures(legal.users.town, day.year, legal.town["c1"])["months"][day.month - 1]
    assert one["consultations"] == 2 and one["referrals"] == 1 and one["accepted"] == 0
    assert selectors.figures(legal.users.community, day.year)["total"]["consultations"] == 2
