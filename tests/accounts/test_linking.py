"""Linking accounts to registry residents (accounts/linking.py): by staff, by the resident with
a one-time code; every refusal, the code's expiry, tries and throttle, and the audit."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.accounts import linking, sms
from gongzhi.accounts.models import LinkCode, User
from gongzhi.core.models import AuditEntry
from gongzhi.registry import services as registry
from tests.factories import id_number, make_resident, make_user

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    sms.MemoryBackend.outbox.clear()
    yield sms.MemoryBackend.outbox
    sms.MemoryBackend.outbox.clear()


@pytest.fixture
def liu(town):
    return make_resident(town["g11"], name="刘德福", phone=PHONE, id_number=id_number())


def _bare(username):
    """A plain account (no role), as a resident registering would have."""
    from gongzhi.accounts import services

    return services.create_user(username=username, password="gongzhi-demo-2026", display_name="刘大爷")


def codes(liu):
    return LinkCode.objects.filter(resident=liu)


# Staff linking


def test_staff_link_and_unlink_are_audited(town, liu):
    user = _bare("liu1")
    linking.link(user, liu)
    user.refresh_from_db()
    assert user.resident == liu
    entry = AuditEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).latest("id")
    assert entry.after["resident"] == liu.pk and entry.node_path == town["g11"].path and entry.reason
    with pytest.raises(ValidationError):
        linking.unlink(user, reason="")
    linking.unlink(user, reason="绑错了人")
    user.refresh_from_db()
    assert user.resident is None
    entry = AuditEntry.objects.filter(content_type__model="user", object_id=str(user.pk)).latest("id")
    assert entry.before["resident"] == liu.pk and entry.reason == "绑错了人"


def test_a_resident_is_linked_to_one_account_only(town, liu):
    linking.link(_bare("first"), liu)
    with pytest.raises(ValidationError) as exc:
        linking.link(_bare("second"), liu)
    assert "已绑定账号" in exc.value.messages[0]


def test_an_account_links_one_resident_only(town, liu):
    user = linking.link(_bare("first"), liu)
    other = make_resident(town["g11"], name="王五")
    with pytest.raises(ValidationError) as exc:
        linking.link(user, other)
    assert "已绑定居民" in exc.value.messages[0]


def test_staff_accounts_cannot_be_linked(town, liu):
    worker = make_user("grid", town["g11"])
    with pytest.raises(ValidationError) as exc:
        linking.link(worker, liu)
    assert "工作人员账号" in exc.value.messages[0]
    assert User.objects.get(pk=worker.pk).resident is None


def test_a_resident_who_moved_out_cannot_be_linked(town, liu):
    liu = registry.update_resident(liu, {"status": "moved_out"}, reason="迁出")
    with pytest.raises(ValidationError) as exc:
        linking.link(_bare("x1"), liu)
    assert "不在册" in exc.value.messages[0]


def test_staff_create_an_account_for_the_resident(town, liu):
    user = linking.create_account(liu, username=PHONE, password="gongzhi-demo-2026")
    assert user.resident == liu and user.display_name == "刘德福" and user.phone == PHONE
    assert not user.is_staff and not user.memberships.exists()
    with pytest.raises(ValidationError):
        linking.create_account(liu, username="another", password="gongzhi-demo-2026")


# The resident with a one-time code


def test_code_sent_and_typed_links_the_account(town, liu, outbox):
    user = _bare("liu2")
    code = linking.request_code(PHONE, liu.id_number, user=user)
    assert len(code.code) == 6 and code.code.isdigit()
    assert code.expires_at - code.created_at == timedelta(minutes=10)
    assert outbox[-1].phone == PHONE and code.code in outbox[-1].text
    entry = AuditEntry.objects.filter(content_type__model="linkcode").latest("id")
    assert code.code not in str(entry.after) and "****" in entry.after["phone"]
    linked = linking.confirm_code(code, code.code, user=user)
    assert linked.resident == liu
    code.refresh_from_db()
    assert code.used_at is not None
    with pytest.raises(ValidationError) as exc:  # a code is used once
        linking.confirm_code(code, code.code, user=_bare("liu3"))
    assert "已失效" in exc.value.messages[0]


def test_code_typed_without_an_account_opens_one(town, liu):
    code = linking.request_code(f" {PHONE} ", liu.id_number.lower())
    user = linking.confirm_code(code, code.code, username=PHONE, password="gongzhi-demo-2026")
    assert user.username == PHONE and user.resident == liu and user.check_password("gongzhi-demo-2026")


def test_mismatch_answers_the_same_whether_or_not_the_id_exists(town, liu, outbox):
    with pytest.raises(ValidationError) as unknown:
        linking.request_code(PHONE, id_number())  # a valid number nobody in the registry has
    with pytest.raises(ValidationError) as other_phone:
        linking.request_code("13800000000", liu.id_number)  # the right ID, another phone
    assert unknown.value.messages == other_phone.value.messages
    assert unknown.value.code == other_phone.value.code == "no_match"
    assert "不一致" in unknown.value.messages[0]
    assert not outbox and not codes(liu).exists()


def test_malformed_numbers_are_named(town, liu):
    with pytest.raises(ValidationError) as exc:
        linking.request_code("12345", liu.id_number)
    assert "phone" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        linking.request_code(PHONE, liu.id_number[:17] + ("0" if liu.id_number[17] != "0" else "1"))
    assert "id_number" in exc.value.error_dict


def test_already_linked_resident_is_refused(town, liu):
    linking.link(_bare("owner"), liu)
    with pytest.raises(ValidationError) as exc:
        linking.request_code(PHONE, liu.id_number, user=_bare("someone"))
    assert exc.value.code == "already_linked" and "已绑定账号" in exc.value.messages[0]


def test_wrong_codes_use_up_the_tries(town, liu, settings):
    settings.GONGZHI_LINK_CODE_ATTEMPTS = 3
    user = _bare("liu4")
    code = linking.request_code(PHONE, liu.id_number, user=user)
    wrong = "000000" if code.code != "000000" else "111111"
    with pytest.raises(ValidationError) as exc:
        linking.confirm_code(code, wrong, user=user)
    assert "还可尝试 2 次" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        linking.confirm_code(code, wrong, user=user)
    with pytest.raises(ValidationError) as exc:
        linking.confirm_code(code, wrong, user=user)
    assert exc.value.code == "too_many_attempts"
    with pytest.raises(ValidationError) as exc:  # even the right code is refused now
        linking.confirm_code(code, code.code, user=user)
    assert "错误次数过多" in exc.value.messages[0]
    assert User.objects.get(pk=user.pk).resident is None
    assert linking.pending_code(liu) is None


def test_code_expires_after_ten_minutes(town, liu):
    user = _bare("liu5")
    code = linking.request_code(PHONE, liu.id_number, user=user)
    later = timezone.now() + timedelta(minutes=10, seconds=1)
    with pytest.raises(ValidationError) as exc:
        linking.confirm_code(code, code.code, user=user, now=later)
    assert exc.value.code == "expired"
    assert linking.confirm_code(code, code.code, user=user).resident == liu  # within the ten minutes


def test_a_new_code_replaces_the_old_one(town, liu):
    user = _bare("liu6")
    first = linking.request_code(PHONE, liu.id_number, user=user)
    second = linking.request_code(PHONE, liu.id_number, user=user)
    with pytest.raises(ValidationError):
        linking.confirm_code(first, first.code, user=user)
    assert linking.pending_code(liu) == second


def test_codes_per_resident_are_throttled(town, liu, settings):
    settings.GONGZHI_LINK_CODES_PER_HOUR = 2
    now = timezone.now()
    linking.request_code(PHONE, liu.id_number, now=now)
    linking.request_code(PHONE, liu.id_number, now=now + timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        linking.request_code(PHONE, liu.id_number, now=now + timedelta(minutes=2))
    assert exc.value.code == "too_many_codes" and "58 分钟后" in exc.value.messages[0]
    assert linking.request_code(PHONE, liu.id_number, now=now + timedelta(minutes=61))


def test_a_code_is_for_the_account_that_asked(town, liu):
    code = linking.request_code(PHONE, liu.id_number, user=_bare("asker"))
    with pytest.raises(ValidationError):
        linking.confirm_code(code, code.code, user=_bare("intruder"))


def test_staff_reading_a_code_is_audited(town, liu):
    code = linking.request_code(PHONE, liu.id_number)
    assert linking.reveal_code(linking.pending_code(liu)) == code.code
    entry = AuditEntry.objects.filter(content_type__model="linkcode", action="view").get()
    assert entry.node_path == town["g11"].path and entry.reason == linking.COUNTER_READ


def test_console_backend_prints_the_message(town, liu, settings, capsys):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.accounts.sms.ConsoleBackend"
    code = linking.request_code(PHONE, liu.id_number)
    out = capsys.readouterr().out
    assert PHONE in out and code.code in out
