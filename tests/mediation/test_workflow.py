"""The dispute's transition table through the services: every allowed move, the refused ones
(by status and by actor), exclusion at registration (Art. 22), a party's refusal (Art. 17),
the Art. 15 conflict of interest, signing to effect and the transfer from a service request."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.cases.models import JournalEntry
from gongzhi.core.models import AuditEntry
from gongzhi.mediation import services
from gongzhi.mediation.choices import Status
from gongzhi.mediation.models import Dispute, Signature
from gongzhi.mediation.transitions import WORKFLOW
from tests import factories

from .conftest import T0, parties

ALL = list(Status)


@pytest.mark.parametrize("status", ALL)
def test_every_status_is_reachable(flow, status):
    d = flow.to(status)
    d.refresh_from_db()
    assert d.status == status
    assert JournalEntry.objects.filter(case_id=d.pk).count() >= 1


def test_graph_is_as_declared():
    assert WORKFLOW.graph() == {
        Status.REGISTERED: {Status.MEDIATING, Status.TERMINATED},
        Status.MEDIATING: {Status.TERMINATED, Status.SIGNING, Status.ORAL, Status.FAILED},
        Status.SIGNING: {Status.EFFECTIVE},
        Status.EFFECTIVE: {Status.CLOSED},
        Status.ORAL: {Status.CLOSED},
        Status.FAILED: {Status.CLOSED},
        Status.TERMINATED: {Status.ARCHIVED},
        Status.CLOSED: {Status.ARCHIVED},
        Status.ARCHIVED: set(),
    }


# (action, the statuses it is allowed from) — every other status refuses it.
ALLOWED = {name: t.sources for name, t in WORKFLOW.actions.items()}


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_refused_from_every_other_status(action):
    for status in set(ALL) - set(ALLOWED[action]):
        with pytest.raises(ValidationError) as e:
            WORKFLOW.get(status, action=action)
        assert e.value.code == "invalid_transition"
        assert "不能" in e.value.messages[0]


def test_refused_move_writes_nothing(flow, world):
    d = flow.to(Status.REGISTERED)
    version, audits = d.version, AuditEntry.objects.count()
    with pytest.raises(ValidationError, match="不能记录调解笔录"):
        services.record_session(
            world.users.mediator, d, held_at=T0, place="调解室", attendees="双方", record="…", now=flow.at(1)
        )
    d.refresh_from_db()
    assert d.version == version and d.status == Status.REGISTERED
    assert AuditEntry.objects.count() == audits


def test_registration_fixes_the_one_month_limit(flow):
    d = flow.register()
    assert d.tracking_number.startswith("TJ20261102")
    assert d.time_limit == dt.date(2026, 12, 2)
    assert d.is_open and not d.overdue_at(flow.at(30)) and d.overdue_at(flow.at(31))
    assert d.parties.count() == 2 and d.parties.get(role="applicant").id_number == flow.w.a.id_number


@pytest.mark.parametrize("exclusion,reason", [("court", "人民法院、公安机关"), ("specialised", "专门机关")])
def test_excluded_matters_refused_with_the_reason(flow, exclusion, reason):
    before = Dispute.objects.count()
    with pytest.raises(ValidationError) as e:
        flow.register(exclusion=exclusion)
    assert e.value.code == "excluded"
    assert "不予受理" in e.value.messages[0] and reason in e.value.messages[0] and "第二十二条" in e.value.messages[0]
    assert Dispute.objects.count() == before


def test_outsider_and_unit_parties_validated(flow, world):
    bad = [{"role": "applicant", "name": "外来人员", "id_number": "110101199001011234"}, parties(world)[1]]
    with pytest.raises(ValidationError, match="当事人外来人员"):
        flow.register(parties=bad)
    unit = {"role": "respondent", "kind": "unit", "name": "某建筑公司", "uscc": "91320582MA1XXXXX0X"}
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        flow.register(parties=[parties(world)[0], unit])
    good_unit = {**unit, "uscc": "91350100M000100Y43"}
    outsider = {"role": "applicant", "name": "外来人员", "id_number": factories.id_number(), "phone": "138 1234 5678"}
    d = flow.register(parties=[outsider, good_unit])
    assert d.parties.get(kind="unit").uscc == "91350100M000100Y43"
    assert d.parties.get(kind="person").phone == "13812345678"


def test_one_party_is_not_a_dispute(flow, world):
    with pytest.raises(ValidationError, match="至少有两方"):
        flow.register(parties=parties(world)[:1])


def test_committee_must_cover_the_place(flow, world):
    with pytest.raises(ValidationError, match="不负责纠纷所在区域"):
        flow.register(committee=world.committee2)


def test_grid_worker_registers_department_cannot(flow, world):
    d = services.register(
        world.users.grid,
        committee=world.committee,
        node=world.town["g11"],
        category="neighbour",
        title="噪声",
        facts="楼上噪声",
        parties=parties(world),
        source="grid",
    )
    assert d.source == "grid"
    with pytest.raises(PermissionDenied):
        services.register(
            world.users.department,
            committee=world.committee,
            node=world.town["g11"],
            category="neighbour",
            title="噪声",
            facts="楼上噪声",
            parties=parties(world),
        )


def test_party_refusal_ends_the_case(flow, world):
    d = flow.to(Status.TERMINATED)
    assert d.status == Status.TERMINATED and d.closed_at is not None and d.deadline is None
    assert "第十七条" in d.journal.last().note
    assert d.parties.exclude(refused_at=None).count() == 1


def test_conflict_of_interest_same_household(flow, world):
    relative = factories.make_resident(household=world.hh_a, name="张小军", relation="child")
    m = services.add_mediator(
        world.users.town,
        name="张小军",
        gender="M",
        kind="member",
        node=world.town["c1"],
        committee=world.committee,
        resident=relative,
    )
    d = flow.register()
    with pytest.raises(ValidationError) as e:
        services.assign(world.users.director, d, [m])
    assert e.value.code == "conflict" and "同户" in e.value.messages[0] and "第十五条" in e.value.messages[0]
    assert m not in services.suggest_pool(d)


def test_conflict_of_interest_registry_relation(flow, world):
    cousin = factories.make_resident(grid=world.town["g12"], name="刘长林", social_relations="堂兄刘长顺")
    m = services.add_mediator(
        world.users.town,
        name="刘长林",
        gender="M",
        kind="invited",
        node=world.town["t"],
        resident=cousin,
        areas=[world.town["t"]],
        skills=["homestead"],
    )
    d = flow.register()
    with pytest.raises(ValidationError, match="亲属或社会关系"):
        services.assign(world.users.director, d, [m])
    assert m not in services.suggest_pool(d)


def test_invited_mediator_outside_area_refused(flow, world):
    d = flow.register()
    with pytest.raises(ValidationError, match="不能调解本区域"):
        services.assign(world.users.director, d, [world.far])


def test_assign_several_and_add_pool_member(flow, world):
    d = flow.register()
    d = services.assign(world.users.director, d, [world.members[0], world.grid_mediator])
    assert d.status == Status.MEDIATING and d.assignments.get(lead=True).mediator == world.members[0]
    d = services.assign(world.users.director, d, [world.zhou])
    assert set(d.assignments.values_list("mediator__name", flat=True)) == {"李明", "吴敏", "周老师"}
    with pytest.raises(ValidationError, match="已是本案调解员"):
        services.assign(world.users.director, d, [world.zhou])


def test_mediator_cannot_assign(flow, world):
    d = flow.register()
    with pytest.raises(PermissionDenied):
        services.assign(world.users.mediator, d, [world.members[0]])


def test_only_own_mediators_act(flow, world):
    d = flow.to(Status.MEDIATING)
    # 梁丰's mediator holds the permission but is neither on the case nor of its committee.
    with pytest.raises(PermissionDenied, match="只有本案调解员"):
        services.record_session(
            world.users.outsider_mediator,
            d,
            held_at=flow.at(2),
            place="调解室",
            attendees="双方",
            record="…",
            now=flow.at(2, 1),
        )
    # 周老师 acts once invited onto the case.
    with pytest.raises(PermissionDenied):
        services.set_risk(world.users.zhou, d, risk="medium", reason="双方言语激烈", now=flow.at(2))
    d = services.assign(world.users.director, d, [world.zhou], now=flow.at(2))
    d = services.set_risk(world.users.zhou, d, risk="medium", reason="双方言语激烈", now=flow.at(2, 1))
    assert d.risk == "medium"


def test_written_agreement_needs_art29_fields(flow, world):
    d = flow.to(Status.MEDIATING)
    with pytest.raises(ValidationError, match="履行期限"):
        services.agree_written(
            world.users.mediator,
            d,
            terms="后移围墙",
            performance_manner="自行拆除",
            performance_deadline=None,
            now=flow.at(4),
        )
    with pytest.raises(ValidationError, match="履行方式"):
        services.agree_written(
            world.users.mediator,
            d,
            terms="后移围墙",
            performance_manner=" ",
            performance_deadline=dt.date(2026, 12, 1),
            now=flow.at(4),
        )


def test_failure_needs_remedies(flow, world):
    d = flow.to(Status.MEDIATING)
    with pytest.raises(ValidationError, match="第二十六条"):
        services.fail(world.users.mediator, d, remedies="", now=flow.at(4))


def test_signing_steps_make_it_effective_on_the_last_date(flow, world):
    d = flow.to(Status.SIGNING)
    assert d.deadline is None and d.outcome == "written"
    u = world.users
    a, b = d.parties.all()
    d = services.sign(u.mediator, d, party=a, signed_on=dt.date(2026, 11, 6), now=flow.at(5))
    d = services.sign(u.mediator, d, party=b, signed_on=dt.date(2026, 11, 7), method="fingerprint", now=flow.at(5))
    d = services.stamp(u.director, d, signed_on=dt.date(2026, 11, 7), now=flow.at(5))
    assert d.status == Status.SIGNING
    assert services.missing_signatures(d) == ["调解员签名"]
    with pytest.raises(ValidationError, match="只有本案调解员"):
        services.sign(u.mediator, d, mediator=world.members[2], signed_on=dt.date(2026, 11, 7), now=flow.at(5))
    with pytest.raises(PermissionDenied):
        services.stamp(u.mediator, d, signed_on=dt.date(2026, 11, 7), now=flow.at(5))
    d = services.sign(u.mediator, d, mediator=world.members[0], signed_on=dt.date(2026, 11, 8), now=flow.at(6, 1))
    assert d.status == Status.EFFECTIVE and d.effective_on == dt.date(2026, 11, 8)
    assert Signature.objects.filter(dispute=d).count() == 4
    assert "2026-12-08" in d.journal.last().note


def test_signature_not_in_future_or_twice(flow, world):
    d = flow.to(Status.SIGNING)
    a = d.parties.first()
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.sign(world.users.mediator, d, party=a, signed_on=dt.date(2026, 11, 20), now=flow.at(5))
    services.sign(world.users.mediator, d, party=a, signed_on=dt.date(2026, 11, 6), now=flow.at(5))
    with pytest.raises(ValidationError, match="已记录过"):
        services.sign(world.users.mediator, d, party=a, signed_on=dt.date(2026, 11, 6), now=flow.at(5))


def test_court_decision_recorded(flow, world):
    d = flow.to(Status.EFFECTIVE)
    with pytest.raises(ValidationError, match="文号"):
        services.record_court_decision(
            world.users.mediator,
            d,
            result="confirmed",
            decided_on=dt.date(2026, 11, 20),
            number="",
            court="张家港市人民法院",
            now=flow.at(20),
        )
    d = services.record_court_decision(
        world.users.mediator,
        d,
        result="confirmed",
        decided_on=dt.date(2026, 11, 20),
        number="（2026）苏0582民特123号",
        court="张家港市人民法院",
        now=flow.at(20),
    )
    assert d.court_result == "confirmed" and d.court_number == "（2026）苏0582民特123号"


def test_close_after_follow_up_only(flow, world):
    d = flow.to(Status.EFFECTIVE)
    with pytest.raises(ValidationError, match="回访"):
        services.close(world.users.director, d, now=flow.at(10))
    d = flow.to(Status.CLOSED)
    assert d.closed_at is not None and d.performance == "done" and d.workdays_taken is not None


def test_report_to_police_marks_high_risk(flow, world):
    d = flow.to(Status.MEDIATING)
    r = services.report(
        world.users.mediator, d, to="南庄派出所", content="一方扬言报复，可能引发治安案件。", now=flow.at(2)
    )
    d.refresh_from_db()
    assert r.to == "南庄派出所" and d.risk == "high" and "南庄派出所" in d.risk_reason
    assert d.journal.last().action == "report"


def test_extension_with_reason(flow, world):
    d = flow.to(Status.MEDIATING)
    with pytest.raises(ValidationError, match="理由"):
        services.extend(world.users.director, d, days=10, reason="", now=flow.at(20))
    d = services.extend(world.users.director, d, days=10, reason="需等待土地部门测量结果", now=flow.at(20))
    assert d.time_limit == dt.date(2026, 12, 12) and not d.overdue_at(flow.at(35))
    with pytest.raises(ValidationError, match="最多还可延期 20 日"):
        services.extend(world.users.director, d, days=21, reason="再等", now=flow.at(21))
    with pytest.raises(PermissionDenied):
        services.extend(world.users.mediator, d, days=1, reason="再等", now=flow.at(21))


def _returned_neighbour_request(world):
    """A 邻里纠纷 request dispatched to a department that returned it ("请社区调解")."""
    from gongzhi.accounts.models import Organisation
    from gongzhi.requests import services as requests

    t = world.town["t"]
    dept = Organisation.objects.create(name="城市管理局", kind="department", node=t)
    handler = factories.make_user("department", t, organisation=dept)
    cat = requests.create_category(name="邻里纠纷", kind="complaint", service_code="neighbour", default_assignee=dept)
    req = requests.file_request(
        actor=world.users.dispatcher,
        channel="hotline",
        category=cat,
        grid=world.town["g11"],
        description="邻居砌墙占了我家宅基地，多次协商无果。",
        requester_name="张建国",
        requester_phone="13812345678",
    )
    req = requests.dispatch(req, world.users.dispatcher, assignee=dept)
    return requests.return_wrong_assignment(req, handler, reason="属邻里矛盾，请社区调解。")


def test_transfer_from_request(world):
    from gongzhi.requests.choices import FINISHED
    from gongzhi.requests.choices import Status as RS

    req = _returned_neighbour_request(world)
    assert req.status == RS.RECEIVED
    # The dispatcher reads no registry: the parties are named as the caller named them.
    with pytest.raises(PermissionDenied, match="无权查看该居民"):
        services.transfer_from_request(
            world.users.dispatcher, req, committee=world.committee, category="homestead", parties=parties(world)
        )
    named = [
        {"role": "applicant", "name": req.requester_name, "phone": req.requester_phone},
        {"role": "respondent", "name": "刘长顺"},
    ]
    d = services.transfer_from_request(
        world.users.dispatcher,
        req,
        committee=world.committee,
        category="homestead",
        parties=named,
        issues="围墙是否越界",
    )
    req.refresh_from_db()
    assert req.status == RS.TRANSFERRED and req.status in FINISHED and req.closed_at is not None
    assert d.request == req and d.source == "request" and d.facts == req.description and d.node == req.node
    entry = req.journal.last()
    assert entry.action == "transfer_mediation" and entry.public and d.tracking_number not in entry.note
    with pytest.raises(ValidationError, match="已转人民调解"):
        services.transfer_from_request(
            world.users.dispatcher, req, committee=world.committee, category="homestead", parties=named
        )


def test_transfer_needs_both_permissions(world):
    req = _returned_neighbour_request(world)
    # The community may register disputes but does not decide where a request goes.
    with pytest.raises(PermissionDenied):
        services.transfer_from_request(
            world.users.community, req, committee=world.committee, category="homestead", parties=parties(world)
        )
    assert not Dispute.objects.filter(request=req).exists()
