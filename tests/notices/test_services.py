"""The services of notices: drafting within scope, publishing, withdrawing, read receipts, the
tell-list and its marks, the broadcast schedule and sending — with bad input refused in Chinese
and nothing half-saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from gongzhi.accounts.sms import MemoryBackend
from gongzhi.core.exceptions import NotFound
from gongzhi.core.models import AuditEntry
from gongzhi.notices import selectors, services
from gongzhi.notices.choices import Audience, Repeat, Status
from gongzhi.notices.models import Delivery, Notice, ReadReceipt, Told
from tests import factories

from .conftest import draft, published


def test_draft_publish_withdraw_are_audited(nt):
    notice = draft(nt)
    assert notice.status == Status.DRAFT
    services.publish_notice(nt.users.community, notice)
    notice.refresh_from_db()
    assert notice.status == Status.PUBLISHED and notice.published_at
    with pytest.raises(ValidationError, match="撤回原因"):
        services.withdraw_notice(nt.users.community, notice)
    services.withdraw_notice(nt.users.community, notice, reason="日期有误")
    notice.refresh_from_db()
    assert notice.status == Status.WITHDRAWN
    assert AuditEntry.objects.filter(content_type__model="notice", object_id=str(notice.pk)).count() == 3


def test_author_addresses_only_within_her_scope(nt):
    with pytest.raises(PermissionDenied):
        draft(nt, node=nt.town["c2"])
    with pytest.raises(PermissionDenied):
        draft(nt, node=nt.town["t"])
    assert draft(nt, node=nt.town["g11"]).node == nt.town["g11"]
    assert not Notice.objects.filter(node=nt.town["c2"]).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "标题"),
        ({"valid_until": dt.date(2000, 1, 1)}, "有效期至不能早于有效期自"),
        ({"audience": Audience.CARE_GROUP}, "请选择关爱人群"),
        ({"audience": Audience.BODY}, "请选择议事机构"),
        ({"audience": Audience.VOLUNTEERS, "public": True}, "不能在公开页展示"),
        ({"nonsense": 1}, "不支持的字段"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(nt, fields, message):
    with pytest.raises(ValidationError) as exc:
        draft(nt, **fields)
    assert message in str(exc.value) or fields.get("title") == ""
    assert not Notice.objects.exists()


def test_building_outside_the_node_is_refused(nt):
    other = factories.make_building(nt.town["g12"])
    with pytest.raises(ValidationError, match="楼栋不在发布范围内"):
        draft(nt, node=nt.town["g11"], building=other)


def test_special_care_group_is_refused(nt):
    from gongzhi.care import services as care

    group = care.create_care_group(slug="sp", label="重点关爱", tags=[factories.sensitive_tag()], special=True)
    with pytest.raises(ValidationError, match="特殊人群"):
        draft(nt, audience=Audience.CARE_GROUP, care_group=group)


def test_only_drafts_change_and_publish(nt):
    notice = published(nt)
    with pytest.raises(ValidationError, match="只能修改草稿"):
        services.update_notice(nt.users.community, notice, {"title": "新标题"})
    with pytest.raises(ValidationError, match="只能发布草稿"):
        services.publish_notice(nt.users.community, notice)
    with pytest.raises(PermissionDenied):
        services.publish_notice(nt.users.grid, draft(nt))


def test_expired_draft_is_not_published(nt):
    notice = draft(nt)
    Notice.objects.filter(pk=notice.pk).update(
        valid_from=dt.date(2020, 1, 1), valid_until=timezone.localdate() - dt.timedelta(days=1)
    )
    notice.refresh_from_db()
    with pytest.raises(ValidationError, match="有效期已过"):
        services.publish_notice(nt.users.community, notice)


def test_audience_of_a_community_building_and_group(nt):
    notice = published(nt)
    names = set(selectors.audience(notice).values_list("name", flat=True))
    assert names == {"李芳", "赵无号", "刘大爷", "钱矫正", "孙十二"}
    one = published(nt, node=nt.town["g11"], building=nt.building)
    assert list(selectors.audience(one).values_list("name", flat=True)) == ["李芳"]


def test_read_once_and_only_by_the_addressed(nt):
    notice = published(nt)
    receipt, first = services.mark_read(nt.users.li, notice)
    assert first
    again, first = services.mark_read(nt.users.li, notice)
    assert not first and again.pk == receipt.pk
    assert ReadReceipt.objects.filter(notice=notice).count() == 1
    with pytest.raises(NotFound):
        services.mark_read(nt.users.far, notice)  # 梁丰's resident
    with pytest.raises(NotFound):
        services.mark_read(nt.users.grid, notice)  # staff, no resident
    assert selectors.with_counts(Notice.objects.filter(pk=notice.pk)).get().read_count == 1


def test_draft_and_withdrawn_notices_are_not_for_residents(nt):
    notice = draft(nt)
    assert not selectors.for_resident(nt.people.li).exists()
    with pytest.raises(NotFound):
        services.mark_read(nt.users.li, notice)


def test_tell_list_is_the_unlinked_and_the_elderly_of_her_grid(nt):
    notice = published(nt)
    names = {r["name"] for r in selectors.tell_rows(nt.users.grid, notice)}
    # 李芳 has an account; 钱矫正 is hidden from a grid worker without the sensitive right;
    # 孙十二 lives on another grid.
    assert names == {"赵无号", "刘大爷"}
    assert {r["name"] for r in selectors.tell_rows(nt.users.grid2, notice)} == {"孙十二"}
    assert {r["name"] for r in selectors.tell_rows(nt.users.carer, notice)} == set()
    assert selectors.pending_count(nt.users.grid) == 2


def test_mark_told_once_audited_and_scoped(nt):
    notice = published(nt)
    told = services.mark_told(nt.users.grid, notice, nt.people.zhao)
    assert services.mark_told(nt.users.grid, notice, nt.people.zhao).pk == told.pk
    assert Told.objects.count() == 1
    assert AuditEntry.objects.filter(content_type__model="told").count() == 1
    assert selectors.pending_count(nt.users.grid) == 1
    for resident in (nt.people.g12, nt.people.li, nt.people.secret, None):
        with pytest.raises(NotFound):
            services.mark_told(nt.users.grid, notice, resident)


def test_broadcast_schedule(nt):
    notice = published(nt)
    today = timezone.localdate()
    cast = services.set_broadcast(
        nt.users.community,
        notice,
        text="请注意",
        start_date=today,
        end_date=today + dt.timedelta(days=13),
        times="18:00，7:30",
        repeat=Repeat.WEEKLY,
    )
    assert cast.times == "07:30, 18:00"
    from gongzhi.notices import schedule

    assert [d for d, _ in schedule.readings(cast)] == [today, today + dt.timedelta(days=7)]
    for bad, message in (("25:00", "格式不对"), ("", "至少填写一个"), ("早上", "格式不对")):
        with pytest.raises(ValidationError, match=message):
            services.set_broadcast(
                nt.users.community, notice, text="x", start_date=today, end_date=today, times=bad, repeat="daily"
            )
    with pytest.raises(ValidationError, match="结束日期不能早于"):
        services.set_broadcast(
            nt.users.community,
            notice,
            text="x",
            start_date=today,
            end_date=today - dt.timedelta(days=1),
            times="08:00",
            repeat="daily",
        )
    cast.refresh_from_db()
    assert cast.text == "请注意"


class Flaky(MemoryBackend):
    def send(self, message):
        if message.phone.endswith("2222"):
            raise RuntimeError("网关超时")
        super().send(message)


@override_settings(GONGZHI_SMS_BACKEND="tests.notices.test_services.Flaky")
def test_send_records_a_status_per_recipient(nt):
    MemoryBackend.outbox.clear()
    notice = published(nt)
    counts = services.send_notice(nt.users.community, notice, channel="sms")
    assert counts == {"sent": 1, "failed": 1, "no_phone": 3}
    assert [m.phone for m in MemoryBackend.outbox] == ["13800001111"]
    assert "停水通知" in MemoryBackend.outbox[0].text
    assert Delivery.objects.filter(notice=notice).count() == 5
    assert Delivery.objects.get(notice=notice, status="failed").detail == "网关超时"
    entry = AuditEntry.objects.filter(content_type__model="notice", object_id=str(notice.pk)).latest("id")
    assert entry.after["sent"] == 1


def test_send_needs_a_published_notice_and_the_right(nt):
    with pytest.raises(ValidationError, match="只能发送已发布"):
        services.send_notice(nt.users.community, draft(nt))
    with pytest.raises(PermissionDenied):
        services.send_notice(nt.users.grid, published(nt))
    with pytest.raises(ValidationError, match="发送渠道"):
        services.send_notice(nt.users.community, published(nt), channel="pigeon")
    assert not Delivery.objects.exists()
