"""Registry services: derived gender and birth date, mismatch messages, duplicates, tags and
the sensitive flag, moves with history, household heads, deletion rules."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.core.choices import AuditAction
from gongzhi.core.exceptions import StaleObject
from gongzhi.core.models import AuditEntry
from gongzhi.registry import services
from gongzhi.registry.models import Household, Resident, ResidentMove
from gongzhi.registry.validation import DuplicateIdNumber
from tests.factories import make_household, make_resident, sensitive_tag

FEMALE_1949 = "11010519491231002X"


def audit_of(obj, action=None):
    qs = AuditEntry.objects.filter(content_type__model=type(obj)._meta.model_name, object_id=str(obj.pk))
    return qs.filter(action=action) if action else qs


def test_gender_and_birth_taken_from_the_id_number(town):
    r = make_resident(town["g11"], name="欧阳娜娜", id_number="11010519491231002x", phone="138 1234 5678")
    assert r.id_number == FEMALE_1949
    assert r.gender == "F" and r.birth_date == dt.date(1949, 12, 31)
    assert r.phone == "13812345678"
    assert (r.name_pinyin, r.name_initials) == ("ouyangnana", "oynn")
    entry = audit_of(r, AuditAction.CREATE).get()
    assert entry.after["id_number"] == FEMALE_1949 and "name_pinyin" not in entry.after


def test_legacy_number_is_stored_upgraded(town):
    r = make_resident(town["g11"], id_number="110105491231002")
    assert r.id_number == FEMALE_1949


def test_typed_gender_or_birth_that_disagree_are_named(town):
    with pytest.raises(ValidationError) as e:
        make_resident(town["g11"], id_number=FEMALE_1949, gender="M", birth_date="1950-01-01")
    errors = e.value.message_dict
    assert "性别与身份证号不符" in errors["gender"][0] and "女" in errors["gender"][0]
    assert "出生日期与身份证号不符" in errors["birth_date"][0] and "1949-12-31" in errors["birth_date"][0]
    assert not Resident.objects.filter(id_number=FEMALE_1949).exists()


def test_bad_values_each_get_a_message(town):
    with pytest.raises(ValidationError) as e:
        make_resident(town["g11"], name=" ", id_number="110105194912310021", phone="12345")
    errors = e.value.message_dict
    assert set(errors) >= {"name", "id_number", "phone"}
    assert "校验位" in errors["id_number"][0]
    assert not Resident.objects.exists()


def test_duplicate_id_number_points_to_the_existing_record(town):
    first = make_resident(town["g11"], id_number=FEMALE_1949)
    with pytest.raises(DuplicateIdNumber) as e:
        make_resident(town["g21"], name="重复", id_number="11010519491231002x")
    assert e.value.existing == first
    assert "已登记" in e.value.message_dict["id_number"][0]
    assert Resident.objects.filter(id_number=FEMALE_1949).count() == 1


def test_changing_to_another_residents_number_refused(town):
    a = make_resident(town["g11"], id_number=FEMALE_1949)
    b = make_resident(town["g11"], name="李四")
    with pytest.raises(DuplicateIdNumber) as e:
        services.update_resident(b, {"id_number": FEMALE_1949})
    assert e.value.existing == a
    b.refresh_from_db()
    assert b.id_number != FEMALE_1949


def test_tags_keep_the_sensitive_flag_in_step(town):
    care = services.create_tag(slug="elderly_alone", name="独居老人", care=True)
    r = make_resident(town["g11"], tags=[care])
    assert not r.has_sensitive
    r = services.update_resident(r, {}, tags=[care, sensitive_tag()], reason="纳入社区矫正")
    assert Resident.objects.get(pk=r.pk).has_sensitive
    entry = audit_of(r, AuditAction.UPDATE).get()
    assert entry.after["tags"] == sorted(["独居老人", "社区矫正"]) and entry.reason == "纳入社区矫正"
    services.update_resident(r, {}, tags=[care])
    assert not Resident.objects.get(pk=r.pk).has_sensitive


def test_update_bumps_version_and_stale_write_changes_nothing(town):
    r = make_resident(town["g11"], phone="13812345678")
    services.update_resident(r, {"phone": "13900001111"}, expected_version=1, reason="换号")
    assert Resident.objects.get(pk=r.pk).version == 2
    stale = Resident.objects.get(pk=r.pk)
    with pytest.raises(StaleObject):
        services.update_resident(stale, {"phone": "13700002222"}, expected_version=1)
    assert Resident.objects.get(pk=r.pk).phone == "13900001111"


def test_update_may_not_move(town):
    r = make_resident(town["g11"])
    with pytest.raises(ValidationError):
        services.update_resident(r, {"grid": town["g12"]})
    assert Resident.objects.get(pk=r.pk).grid == town["g11"]


def test_move_keeps_history_and_logs_a_move(town):
    r = make_resident(town["g11"], relation="spouse")
    old_household = r.household
    target = make_household(town["g21"])
    services.move_resident(r, household=target, relation="head", reason="购房迁入")
    r.refresh_from_db()
    assert r.household == target and r.grid == town["g21"] and r.relation == "head"
    move = ResidentMove.objects.get(resident=r)
    assert (move.from_household, move.to_household) == (old_household, target)
    assert (move.from_grid, move.to_grid) == (town["g11"], town["g21"])
    assert move.reason == "购房迁入"
    entry = audit_of(r, AuditAction.MOVE).get()
    assert entry.before["grid"] == town["g11"].pk and entry.after["grid"] == town["g21"].pk
    services.move_resident(r, grid=town["g22"], reason="外出务工")
    assert ResidentMove.objects.filter(resident=r).count() == 2
    assert Resident.objects.get(pk=r.pk).household is None


def test_move_needs_a_target(town):
    r = make_resident(town["g11"])
    with pytest.raises(ValidationError):
        services.move_resident(r)


def test_first_head_becomes_the_households_head(town):
    household = make_household(town["g11"])
    head = make_resident(household=household, relation="head")
    make_resident(household=household, name="张小三", relation="child")
    second = make_resident(household=household, name="张大三", relation="head")
    household.refresh_from_db()
    assert household.head == head and second.relation == "head"


def test_head_must_be_a_member(town):
    household = make_household(town["g11"])
    outsider = make_resident(town["g12"])
    with pytest.raises(ValidationError) as e:
        services.update_household(household, {"head": outsider})
    assert "户主须是本户成员" in e.value.message_dict["head"][0]


def test_head_moving_out_leaves_the_household_without_head(town):
    household = make_household(town["g11"])
    head = make_resident(household=household, relation="head")
    services.move_resident(head, household=make_household(town["g11"]), relation="head", reason="分户")
    household.refresh_from_db()
    assert household.head is None
    assert audit_of(household, AuditAction.UPDATE).filter(reason__contains="迁出").exists()


def test_delete_requires_a_reason_and_is_logged(town):
    household = make_household(town["g11"])
    r = make_resident(household=household, relation="head")
    with pytest.raises(ValidationError) as e:
        services.delete_resident(r)
    assert "原因" in e.value.message_dict["reason"][0]
    assert Resident.objects.filter(pk=r.pk).exists()
    pk = r.pk
    services.delete_resident(r, reason="重复录入")
    assert not Resident.objects.filter(pk=pk).exists()
    assert Household.objects.get(pk=household.pk).head is None
    entry = AuditEntry.objects.get(action=AuditAction.DELETE, content_type__model="resident", object_id=str(pk))
    assert entry.reason == "重复录入" and entry.before["id_number"]


def test_household_with_members_cannot_be_deleted(town):
    household = make_household(town["g11"])
    make_resident(household=household)
    with pytest.raises(ValidationError):
        services.delete_household(household, reason="撤户")
    assert Household.objects.filter(pk=household.pk).exists()


def test_household_changing_grid_moves_its_members(town):
    household = services.create_household(number="HH-ADDR-8", grid=town["g11"], address="沙洲路8号")
    r = make_resident(household=household)
    services.update_household(household, {"grid": town["g12"]}, reason="网格调整")
    r.refresh_from_db()
    assert r.grid == town["g12"]
    assert ResidentMove.objects.filter(resident=r, to_grid=town["g12"]).exists()


def test_household_needs_a_place(town):
    with pytest.raises(ValidationError) as e:
        services.create_household(number="HH-X", grid=town["g11"])
    assert "address" in e.value.message_dict


def test_household_must_be_in_the_residents_grid(town):
    household = make_household(town["g11"])
    with pytest.raises(ValidationError) as e:
        services.create_resident(name="王五", id_number=FEMALE_1949, grid=town["g21"], household=household)
    assert "household" in e.value.message_dict
    assert not Resident.objects.filter(id_number=FEMALE_1949).exists()


def test_moving_to_where_one_already_is_refused(town):
    r = make_resident(town["g11"])
    with pytest.raises(ValidationError):
        services.move_resident(r, household=r.household, relation=r.relation)
    assert not ResidentMove.objects.filter(resident=r).exists()
