"""转人民调解 from a consultation: a dispute registered through the mediation app's own service
(the person who asked as applicant, the other side as respondent), the consultation's follow-up
and link set in the same transaction; the mediation app's refusals leave nothing half-saved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.legal import services
from gongzhi.mediation import services as mediation
from gongzhi.mediation.models import Dispute

from .conftest import consult


def _committee(legal, constituted=True):
    by = legal.users.town
    c1 = legal.town["c1"]
    committee = mediation.create_committee(by, name="南庄社区人民调解委员会", node=c1)
    for name, gender in (("李明", "M"), ("王芳", "F"), ("赵强", "M")):
        mediation.add_mediator(by, name=name, gender=gender, kind="member", node=c1, committee=committee)
    if constituted:
        mediation.constitute_committee(by, committee)
    committee.refresh_from_db()
    return committee


def test_refer_to_mediation_registers_a_dispute_and_links_it(legal):
    committee = _committee(legal)
    c = consult(legal, category="neighbour", question="楼上漏水泡坏天花板，对方不肯赔")
    with pytest.raises(ValidationError) as exc:
        services.refer_to_mediation(
            legal.users.community, c, committee=committee, category="neighbour", respondent_name=""
        )
    assert "请填写纠纷另一方的姓名或名称" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError) as exc:
        services.refer_to_mediation(
            legal.users.community, c, committee=committee, category="x", respondent_name="楼上住户"
        )
    assert "请选择纠纷类型" in " ".join(exc.value.messages)
    with pytest.raises(PermissionDenied):
        services.refer_to_mediation(
            legal.users.supervisor, c, committee=committee, category="neighbour", respondent_name="楼上住户"
        )
    c.refresh_from_db()
    assert c.dispute is None and c.follow_up == "none" and not Dispute.objects.exists()
    services.refer_to_mediation(
        legal.users.community, c, committee=committee, category="neighbour", respondent_name="楼上住户"
    )
    c.refresh_from_db()
    dispute = Dispute.objects.get()
    assert c.dispute == dispute and c.follow_up == "mediation" and c.follow_up_note == committee.name
    parties = {p.role: p for p in dispute.parties.all()}
    assert parties["applicant"].resident == legal.people.mei and parties["respondent"].name == "楼上住户"
    assert dispute.facts == c.question and dispute.node == legal.town["g11"]
    with pytest.raises(ValidationError) as exc:
        services.refer_to_mediation(
            legal.users.community, c, committee=committee, category="neighbour", respondent_name="楼上住户"
        )
    assert "请勿重复登记" in " ".join(exc.value.messages)


def test_unconstituted_committee_refused_and_nothing_saved(legal):
    committee = _committee(legal, constituted=False)
    c = consult(legal, resident=None, person_name="吴女士", person_phone="13812344321")
    with pytest.raises(ValidationError) as exc:
        services.refer_to_mediation(
            legal.users.community, c, committee=committee, category="contract", respondent_name="借款人"
        )
    assert "尚未依法组成" in " ".join(exc.value.messages)
    c.refresh_from_db()
    assert c.dispute is None and not Dispute.objects.exists()


def test_mediate_on_the_web(client, legal):
    committee = _committee(legal)
    c = consult(legal, category="neighbour")
    client.force_login(legal.users.community)
    page = client.get(reverse("legal:consultation", args=[c.pk])).content.decode()
    assert "mediation-form" in page and committee.name in page
    url = reverse("legal:consultation_mediate", args=[c.pk])
    bad = client.post(url, {"committee": committee.pk, "category": "neighbour", "respondent_name": ""})
    assert bad.status_code == 400 and "另一方姓名或名称" in bad.content.decode()
    ok = client.post(url, {"committee": committee.pk, "category": "neighbour", "respondent_name": "楼上住户"})
    assert ok.status_code == 302
    page = client.get(reverse("legal:consultation", args=[c.pk])).content.decode()
    dispute = Dispute.objects.get()
    assert dispute.tracking_number in page and "mediation-form" not in page
    client.force_login(legal.users.supervisor)
    assert "mediation-form" not in client.get(reverse("legal:consultation", args=[c.pk])).content.decode()
