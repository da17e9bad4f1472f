"""Filing and the closed loop: working-day deadlines (National Day 2026, the 调休 Saturday,
a deadline in unpublished 2027), the return window, extensions, closing, reopening on a
dissatisfied return visit, and duplicates linked to their original."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases.models import JournalEntry, Notification, ReturnVisit
from gongzhi.core.workdays import local_date
from gongzhi.requests import services
from gongzhi.requests.choices import Status

from .conftest import PHONE, T0, cn


def _day(instant):
    return local_date(instant)


class TestFiling:
    def test_three_channels(self, world, flow):
        u, g = world.users, world.town["g11"]
        web = flow.file()
        grid = flow.file(channel="grid", actor=u.grid)
        hotline = flow.file(channel="hotline", actor=u.hotline, grid=None, node=world.town["t"], address="人民路 8 号")
        assert web.filed_by is None and grid.filed_by == u.grid and hotline.filed_by == u.hotline
        assert web.node == g and hotline.node == world.town["t"]
        assert len({web.tracking_number, grid.tracking_number, hotline.tracking_number}) == 3
        assert web.tracking_number.startswith("20261102") and len(web.tracking_number) == 13
        assert all(r.status == Status.RECEIVED for r in (web, grid, hotline))
        entry = JournalEntry.objects.get(case=web)
        assert (
            entry.action == "open" and entry.public and entry.actor is None and entry.actor_name == "群众（网上提交）"
        )
        assert JournalEntry.objects.get(case=grid).actor_name == u.grid.get_full_name()

    def test_tracking_numbers_follow_the_beijing_day(self, flow):
        # 23:30 UTC on 1 Nov is 07:30 on 2 Nov in Beijing.
        late = flow.file(received_at=dt.datetime(2026, 11, 1, 23, 30, tzinfo=dt.UTC))
        again = flow.file(received_at=cn(2026, 11, 2, 8, 0))
        assert late.tracking_number == "2026110200001" and again.tracking_number == "2026110200002"

    def test_grid_worker_outside_their_grid_refused(self, world, flow):
        with pytest.raises(PermissionDenied):
            flow.file(channel="grid", actor=world.users.grid, grid=world.town["g21"])
        with pytest.raises(PermissionDenied):
            flow.file(channel="hotline", actor=None)

    def test_registry_links_fill_the_grid(self, world, flow):
        from tests import factories

        resident = factories.make_resident(world.town["g12"])
        r = flow.file(grid=None, resident=resident)
        assert (r.grid, r.household, r.building) == (world.town["g12"], resident.household, resident.household.building)
        other = factories.make_building(world.town["g21"])
        with pytest.raises(ValidationError, match="不一致"):
            flow.file(grid=world.town["g11"], building=other)

    def test_map_point_placed_in_its_grid(self, world, flow):
        from gongzhi.territory import services as territory

        square = {
            "type": "Polygon",
            "coordinates": [[[120.5, 31.8], [120.51, 31.8], [120.51, 31.81], [120.5, 31.81], [120.5, 31.8]]],
        }
        territory.update_node(world.town["g22"], {"geojson": square})
        inside = flow.file(grid=None, node=world.town["t"], lat="31.805", lng="120.505")
        assert inside.node == world.town["g22"] and inside.grid == world.town["g22"]
        # Outside every drawn grid is outside the town (it has no boundary of its own): refused.
        with pytest.raises(ValidationError, match="不在杨舍镇范围内"):
            flow.file(grid=None, node=world.town["t"], lat="31.9", lng="120.6")


class TestDeadlines:
    def test_filing_sets_deadline_from_receipt(self, flow):
        r = flow.file()  # Monday 2 Nov: 3, 4, 5, 6, 9 November
        assert _day(r.deadline) == dt.date(2026, 11, 9)
        assert r.deadline == cn(2026, 11, 9, 23, 59, 59, 999999) and r.deadline_note == ""

    def test_national_day_and_tiaoxiu_saturday(self, world, flow):
        # Received Wed 30 Sep 2026: 1–7 Oct are holidays; 8, 9, Sat 10 (调休 workday), 12, 13.
        r = flow.file(received_at=cn(2026, 9, 30, 22, 10))
        assert _day(r.deadline) == dt.date(2026, 10, 13)
        # Dispatching late (on the 调休 Saturday) keeps the receipt-based deadline.
        r = services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg, now=cn(2026, 10, 10, 9, 0))
        assert _day(r.deadline) == dt.date(2026, 10, 13)

    def test_one_day_deadline_lands_on_tiaoxiu_saturday(self, world, flow):
        cat = services.create_category(name="紧急求助", kind="help", deadline_days=1, service_code="urgent")
        r = flow.file(category=cat, received_at=cn(2026, 10, 9, 17, 0))  # Friday 9 Oct
        assert _day(r.deadline) == dt.date(2026, 10, 10)

    def test_deadline_in_unpublished_2027(self, flow):
        # Mon 28 Dec 2026 + 5: 29, 30, 31 Dec, (Fri 1 Jan 2027: 元旦, known before the notice), Mon 4, Tue 5 Jan.
        r = flow.file(received_at=cn(2026, 12, 28, 10, 0))
        assert _day(r.deadline) == dt.date(2027, 1, 5)
        assert "2027" in r.deadline_note
        assert r.pk and r.tracking_number.startswith("20261228")

    def test_dispatch_recomputes_for_a_new_category(self, world, flow):
        r = services.dispatch(
            flow.file(), world.users.dispatcher, assignee=world.orgs.cg, category=world.light, now=Flowtimes.dispatch
        )
        assert r.category == world.light and _day(r.deadline) == dt.date(2026, 11, 5)


class Flowtimes:
    dispatch = T0 + dt.timedelta(hours=1)


class TestReturnWindow:
    @pytest.mark.parametrize(
        "when,ok",
        [
            (cn(2026, 11, 2, 18, 0), True),  # same day: 0 working days
            (cn(2026, 11, 4, 17, 0), True),  # Wednesday: 2 working days
            (cn(2026, 11, 5, 9, 0), False),  # Thursday: 3 working days
        ],
    )
    def test_window(self, world, flow, when, ok):
        r = flow.to(Status.DISPATCHED)
        if ok:
            r = services.return_wrong_assignment(r, world.users.dept, reason="属社区调解范围", now=when)
            assert r.status == Status.RECEIVED and r.assignee is None
        else:
            with pytest.raises(ValidationError, match="退回时限"):
                services.return_wrong_assignment(r, world.users.dept, reason="属社区调解范围", now=when)
            r.refresh_from_db()
            assert r.status == Status.DISPATCHED and r.assignee == world.orgs.cg

    def test_window_is_configurable_and_counts_holidays(self, world, flow):
        services.update_category(world.noise, {"return_window_days": 1})
        r = flow.file(received_at=cn(2026, 9, 30, 9, 0))
        r = services.dispatch(r, world.users.dispatcher, assignee=world.orgs.cg, now=cn(2026, 9, 30, 10, 0))
        with pytest.raises(ValidationError, match="1 个工作日"):
            services.return_wrong_assignment(r, world.users.dept, reason="错派", now=cn(2026, 10, 9, 9, 0))
        r = services.return_wrong_assignment(r, world.users.dept, reason="错派", now=cn(2026, 10, 8, 9, 0))
        assert r.status == Status.RECEIVED

    def test_reason_required_and_dispatchers_told(self, world, flow, django_capture_on_commit_callbacks):
        r = flow.to(Status.DISPATCHED)
        with pytest.raises(ValidationError, match="理由"):
            services.return_wrong_assignment(r, world.users.dept, reason="", now=Flowtimes.dispatch)
        with django_capture_on_commit_callbacks(execute=True):
            services.return_wrong_assignment(r, world.users.dept, reason="错派", now=Flowtimes.dispatch)
        told = set(Notification.objects.filter(kind="returned").values_list("user", flat=True))
        assert told == {world.users.dispatcher.pk, world.users.town.pk}

    def test_redispatch_after_return(self, world, flow):
        """Story 4: returned by 城管 as the community's to mediate, dispatched again."""
        r = flow.to(Status.DISPATCHED)
        r = services.return_wrong_assignment(r, world.users.dept, reason="属社区调解", now=Flowtimes.dispatch)
        r = services.dispatch(r, world.users.dispatcher, assignee=world.orgs.nz, now=Flowtimes.dispatch)
        assert r.assignee == world.orgs.nz and _day(r.deadline) == dt.date(2026, 11, 9)
        with pytest.raises(ValidationError, match="不负责"):
            services.dispatch(flow.file(), world.users.dispatcher, assignee=world.orgs.lf)
        with pytest.raises(ValidationError, match="职能部门"):
            services.dispatch(flow.file(), world.users.dispatcher, assignee=world.orgs.gov)


class TestExtension:
    def test_grant_moves_the_deadline(self, world, flow):
        r = flow.to(Status.HANDLING)
        r = services.request_extension(r, world.users.dept, days=3, reason="需协调物业", now=Flowtimes.dispatch)
        with pytest.raises(ValidationError, match="待审批"):
            services.request_extension(r, world.users.dept, days=1, reason="再延", now=Flowtimes.dispatch)
        r = services.grant_extension(r, world.users.dispatcher, now=Flowtimes.dispatch)
        assert _day(r.deadline) == dt.date(2026, 11, 12) and r.extended_days == 3
        assert r.extension_requested_days is None

    def test_limit_and_refusal(self, world, flow):
        r = flow.to(Status.HANDLING)
        with pytest.raises(ValidationError, match="最多还可延期 10"):
            services.request_extension(r, world.users.dept, days=11, reason="太忙")
        r = services.request_extension(r, world.users.dept, days=2, reason="需协调")
        r = services.refuse_extension(r, world.users.dispatcher, note="期限内可办结")
        assert _day(r.deadline) == dt.date(2026, 11, 9) and r.extension_requested_days is None
        with pytest.raises(ValidationError, match="没有待审批"):
            services.grant_extension(r, world.users.dispatcher)


class TestCloseAndVisit:
    def test_close_stores_working_days(self, flow):
        r = flow.to(Status.CLOSED)  # received Mon 09:00, closed Tue 10:00
        assert r.closed_at == flow.AT["close"] and r.workdays_taken == 1 and not r.is_overdue

    def test_unsatisfied_reopens_with_new_deadline(self, world, flow, django_capture_on_commit_callbacks):
        r = flow.to(Status.CLOSED)
        with django_capture_on_commit_callbacks(execute=True):
            r = services.return_visit(
                r, world.users.visitor, result="unsatisfied", note="音乐仍然很响", now=cn(2026, 11, 4, 9, 0)
            )
        assert r.status == Status.HANDLING and r.assignee == world.orgs.cg
        assert r.reopen_count == 1 and r.closed_at is None and r.workdays_taken is None
        assert _day(r.deadline) == dt.date(2026, 11, 11)
        assert ReturnVisit.objects.get(case=r).note == "音乐仍然很响"
        assert Notification.objects.filter(kind="reopened", user=world.users.dept).count() == 1
        # The department works it again; the next visit is satisfied.
        r = services.reply(r, world.users.dept, text="已限定音量", now=cn(2026, 11, 5, 9, 0))
        r = services.close(r, world.users.dept, now=cn(2026, 11, 5, 10, 0))
        assert r.workdays_taken == 3
        r = services.return_visit(r, world.users.visitor, result="basically", now=cn(2026, 11, 6, 9, 0))
        assert r.status == Status.COMPLETED and r.last_visit_result == "basically"
        assert list(ReturnVisit.objects.filter(case=r).values_list("round", flat=True)) == [1, 2]

    def test_visitor_must_be_independent(self, world, flow):
        from gongzhi.accounts import services as accounts

        r = flow.to(Status.CLOSED)
        accounts.grant(world.users.dept, role="visitor", node=world.town["t"])
        with pytest.raises(ValidationError, match="承办单位以外"):
            services.return_visit(r, world.users.dept, result="satisfied")
        with pytest.raises(ValidationError, match="回访结果"):
            services.return_visit(r, world.users.visitor, result="great")


class TestDuplicatesAndFlags:
    def test_link_to_the_root(self, world, flow):
        first, second, third = flow.file(), flow.file(), flow.file()
        services.link_duplicate(second, world.users.dispatcher, original=first)
        third = services.link_duplicate(third, world.users.dispatcher, original=second)
        assert third.duplicate_of == first and third.closed_at is not None
        with pytest.raises(ValidationError, match="原诉求"):
            services.link_duplicate(flow.file(), world.users.dispatcher, original=None)
        with pytest.raises(ValidationError, match="自身"):
            services.link_duplicate(first, world.users.dispatcher, original=second)

    def test_flag_only_overdue(self, world, flow, django_capture_on_commit_callbacks):
        r = flow.to(Status.HANDLING)
        with pytest.raises(ValidationError, match="超期"):
            services.flag(r, world.users.supervisor, now=cn(2026, 11, 9, 23, 0))
        with django_capture_on_commit_callbacks(execute=True):
            r = services.flag(r, world.users.supervisor, now=cn(2026, 11, 10, 0, 0, 1))
        assert r.flag_count == 1 and r.is_overdue
        assert Notification.objects.filter(kind="flagged", user=world.users.dept).exists()


def test_phone_is_normalised_and_checked(flow):
    assert flow.file(requester_phone="+86 138 1234 5678").requester_phone == PHONE
    with pytest.raises(ValidationError) as e:
        flow.file(requester_phone="12345")
    assert "requester_phone" in e.value.message_dict
