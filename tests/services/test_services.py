"""The hall's services: the catalogue, 首问 logging and handover, 代办 steps and deadlines,
bad input refused with a Chinese message and nothing half-saved, every change audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.core.exceptions import NotFound
from gongzhi.core.models import AuditEntry
from gongzhi.core.workdays import add_workdays
from gongzhi.services import services
from gongzhi.services.choices import ErrandStatus
from gongzhi.services.models import Enquiry, Errand, ErrandStep, Handover, ServiceItem
from gongzhi.services.public import public_progress

from .conftest import errand, log


def test_item_needs_a_right_at_its_node_and_a_free_name(hall):
    with pytest.raises(PermissionDenied):
        services.create_item(
            hall.users.community2, node=hall.town["c1"], name="x", department="d", materials="m", time_limit=1
        )
    with pytest.raises(ValidationError) as e:
        services.create_item(
            hall.users.community, node=hall.town["c1"], name="居住证明开具", department="d", materials="m", time_limit=1
        )
    assert "已有" in str(e.value)
    with pytest.raises(ValidationError) as e:
        services.create_item(
            hall.users.community, node=hall.town["c1"], name="新事项", department="d", materials="m", time_limit=0
        )
    assert "time_limit" in e.value.message_dict
    assert ServiceItem.objects.count() == 2
    changed = services.update_item(hall.users.town, hall.permit, {"time_limit": 5}, expected_version=1)
    assert changed.time_limit == 5 and changed.version == 2
    assert hall.permit.material_list() == ["居民身份证", "原居住证", "租房合同"]


def test_log_makes_the_receiver_responsible_and_is_audited(hall):
    e = log(hall)
    assert e.received_by == hall.users.community and e.responsible == hall.users.community
    assert AuditEntry.objects.filter(object_id=str(e.pk), action="create", object_repr__startswith=str(e.pk)).exists()


def test_log_a_person_not_in_the_registry_needs_a_name_and_a_valid_phone(hall):
    with pytest.raises(ValidationError) as e:
        log(hall, resident=None)
    assert "visitor_name" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        log(hall, resident=None, visitor_name="周先生", visitor_phone="12345")
    assert "visitor_phone" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        log(hall, question="   ")
    assert "question" in e.value.message_dict
    ok = log(hall, resident=None, visitor_name="周先生", visitor_phone="139 1234 5678")
    assert ok.visitor_phone == "13912345678"
    entry = AuditEntry.objects.get(object_id=str(ok.pk), action="create", content_type__model="enquiry")
    assert "13912345678" not in str(entry.after)
    assert Enquiry.objects.count() == 1


def test_log_refuses_a_resident_out_of_scope_and_a_node_out_of_scope(hall):
    with pytest.raises(NotFound):
        log(hall, resident=hall.people.far)
    with pytest.raises(PermissionDenied):
        log(hall, node=hall.town["c2"])


def test_handover_moves_responsibility_with_a_note_and_keeps_history(hall):
    e = log(hall)
    with pytest.raises(PermissionDenied):
        services.hand_over(hall.users.colleague, e, to_user=hall.users.town, note="x")
    with pytest.raises(ValidationError) as err:
        services.hand_over(hall.users.community, e, to_user=hall.users.community2, note="请办")
    assert "to_user" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.hand_over(hall.users.community, e, to_user=hall.users.colleague, note=" ")
    assert "note" in err.value.message_dict
    assert Handover.objects.count() == 0
    e = services.hand_over(hall.users.community, e, to_user=hall.users.colleague, note="我下午外出，请接手")
    assert e.responsible == hall.users.colleague
    e = services.hand_over(hall.users.colleague, e, to_user=hall.users.town, note="需镇里答复")
    assert [(h.from_user, h.to_user) for h in e.handovers.all()] == [
        (hall.users.community, hall.users.colleague),
        (hall.users.colleague, hall.users.town),
    ]
    with pytest.raises(PermissionDenied):
        services.close_enquiry(hall.users.community, e, reply="已答复")
    closed = services.close_enquiry(hall.users.town, e, reply="已电话答复")
    assert closed.status == "closed" and closed.closed_at is not None
    with pytest.raises(ValidationError):
        services.hand_over(hall.users.town, closed, to_user=hall.users.community, note="再看看")
    assert AuditEntry.objects.filter(content_type__model="handover").count() == 2


def test_the_receiver_of_an_enquiry_is_told_in_the_inbox_once_it_commits(hall, django_capture_on_commit_callbacks):
    from gongzhi.cases.models import Notification

    e = log(hall, question="王小梅问居住证续签")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.hand_over(hall.users.community, e, to_user=hall.users.colleague, note=" ")
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_over(hall.users.community, e, to_user=hall.users.colleague, note="王小梅下午再来")
    told = Notification.objects.get()
    assert told.user == hall.users.colleague and told.case is None and told.read_at is None
    when = timezone.localtime(e.received_at)
    # When it was received and the item; never the question, the note or the person.
    assert f"{when:%m-%d %H:%M}" in told.text and hall.permit.name in told.text
    assert "王小梅" not in told.text


def test_stale_handover_is_refused(hall):
    from gongzhi.core.exceptions import StaleObject

    e = log(hall)
    with pytest.raises(StaleObject):
        services.hand_over(hall.users.community, e, to_user=hall.users.colleague, note="x", expected_version=9)


def test_errand_deadline_is_the_items_limit_in_working_days(hall):
    e = errand(hall, received_on=timezone.localdate() - dt.timedelta(days=1))
    assert e.deadline == add_workdays(e.received_on, 7)
    assert e.code.startswith("DB") and len(e.code) == 14
    assert e.applicant_name == "王小梅" and e.applicant_phone == "13800005678"
    assert [s.status for s in e.steps.all()] == ["received"]


def test_errand_bad_input(hall):
    with pytest.raises(ValidationError) as err:
        errand(hall, item=hall.proof)
    assert "不可代办" in str(err.value)
    with pytest.raises(ValidationError) as err:
        errand(hall, resident=None, applicant_name="")
    assert "applicant_name" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        errand(hall, resident=None, applicant_name="周先生", applicant_phone="")
    assert "applicant_phone" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        errand(hall, received_on=timezone.localdate() + dt.timedelta(days=1))
    assert "received_on" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        errand(hall, by=hall.users.grid, node=hall.town["g11"])
    assert Errand.objects.count() == 0 and ErrandStep.objects.count() == 0


def test_steps_in_order_dated_and_audited(hall):
    today = timezone.localdate()
    e = errand(hall, received_on=today - dt.timedelta(days=5))
    with pytest.raises(ValidationError) as err:
        services.record_step(hall.users.community, e, action="deliver")
    assert "不能交付居民" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.record_step(hall.users.community, e, action="send", on=today - dt.timedelta(days=6))
    assert "on" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.record_step(hall.users.community, e, action="send", on=today + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.record_step(hall.users.grid, e, action="send")
    with pytest.raises(ValidationError):
        services.record_step(hall.users.community, e, action="fly")
    e = services.record_step(hall.users.community, e, action="send", on=today - dt.timedelta(days=4))
    e = services.record_step(hall.users.colleague, e, action="return", on=today - dt.timedelta(days=1), note="已制证")
    e = services.record_step(hall.users.community, e, action="deliver")
    assert e.status == ErrandStatus.DELIVERED and e.delivered_on == today and e.returned_on == today - dt.timedelta(1)
    assert [s.status for s in e.steps.all()] == ["received", "sent", "returned", "delivered"]
    updates = AuditEntry.objects.filter(content_type__model="errand", action="update", object_id=str(e.pk))
    assert updates.count() == 3 and "13800005678" not in str(list(updates.values_list("after", flat=True)))


def test_overdue_and_public_progress_by_code_and_last_four(hall):
    today = timezone.localdate()
    e = errand(hall, received_on=today - dt.timedelta(days=30))
    assert e.is_overdue(today)
    p = public_progress(e.code.lower(), "5678")
    assert p.overdue and p.item == "居住证签注" and p.steps[0][0] == "已收材料"
    assert "王小梅" not in repr(p)
    for code, digits in ((e.code, "0000"), ("DB000000000000", "5678"), ("", "5678"), (e.code, "567")):
        with pytest.raises(NotFound):
            public_progress(code, digits)
