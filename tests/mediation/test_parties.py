"""Parties' identifiers unmasked with a purpose (the registry's mechanism: registry.unmask_pii
where the dispute is, a stated 用途, one audit entry), and the resident picker of 登记 (the
registry's search within the user's scope; outsiders still typed)."""

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.mediation.models import Dispute, Party
from tests import factories

from .test_action_views import _register_data


def _unmask(client, d, party, purpose="送达调解通知", htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("mediation:unmask", args=[d.pk, party.pk]), {"purpose": purpose}, **headers)


def test_unmask_with_a_purpose_is_audited(client, flow, world):
    d = flow.register()
    party = d.parties.get(resident=world.a)
    client.force_login(world.users.town)
    page = client.get(reverse("mediation:detail", args=[d.pk]))
    assert reverse("mediation:unmask", args=[d.pk, party.pk]) in page.text and world.a.id_number not in page.text
    r = _unmask(client, d, party)
    assert r.status_code == 200 and world.a.id_number in r.text and "13812345678" in r.text
    assert world.b.id_number not in r.text  # only the party asked for
    entry = AuditEntry.objects.get(action="unmask")
    assert entry.object_id == str(party.pk) and entry.content_type.model == "party"
    assert entry.actor == world.users.town and "送达调解通知" in entry.reason
    r = _unmask(client, d, party, htmx=True)
    assert r.status_code == 200 and r.text.lstrip().startswith("<tr") and world.a.id_number in r.text
    assert AuditEntry.objects.filter(action="unmask", content_type=entry.content_type).count() == 2


def test_unmask_without_a_purpose_reveals_nothing(client, flow, world):
    d = flow.register()
    party = d.parties.first()
    client.force_login(world.users.town)
    for htmx in (False, True):
        r = _unmask(client, d, party, purpose="  ", htmx=htmx)
        assert "查看完整号码须填写用途" in r.text and party.id_number not in r.text
    assert not AuditEntry.objects.filter(action="unmask").exists()


def test_unmask_needs_the_right_where_the_dispute_is(client, flow, world):
    d = flow.register()
    party = d.parties.first()
    for who in ("mediator", "community", "director"):  # read the dispute, may not unmask
        client.force_login(getattr(world.users, who))
        assert (
            reverse("mediation:unmask", args=[d.pk, party.pk])
            not in client.get(reverse("mediation:detail", args=[d.pk])).text
        )
        assert _unmask(client, d, party).status_code == 403
    for who in ("grid", "department", "resident", "supervisor"):
        client.force_login(getattr(world.users, who))
        assert _unmask(client, d, party).status_code == 403
    client.force_login(world.users.outsider_mediator)
    assert _unmask(client, d, party).status_code == 404
    other = flow.register()
    client.force_login(world.users.town)
    assert _unmask(client, other, party).status_code == 404  # a party of another dispute
    client.logout()
    assert _unmask(client, d, party).status_code == 302
    assert client.get(reverse("mediation:unmask", args=[d.pk, party.pk])).status_code == 405
    assert not AuditEntry.objects.filter(action="unmask").exists()


# ---------------------------------------------------------------- the resident picker


def _search(client, q, side="a"):
    return client.get(reverse("mediation:resident_search"), {"q": q, "side": side})


def test_picker_searches_the_registry_in_scope(client, world):
    hidden = factories.make_resident(world.town["g21"], name="张建设")  # 梁丰社区: not the community's
    client.force_login(world.users.community)
    page = client.get(reverse("mediation:register"))
    assert reverse("mediation:resident_search") in page.text
    r = _search(client, "张建")
    assert r.status_code == 200 and "张建国" in r.text and "张建设" not in r.text
    assert world.a.id_number not in r.text  # numbers masked
    assert reverse("mediation:resident_pick") + f"?side=a&amp;id={world.a.pk}" in r.text
    r = client.get(reverse("mediation:resident_pick"), {"side": "b", "id": world.a.pk})
    assert r.status_code == 200 and f'name="b_resident" value="{world.a.pk}"' in r.text
    assert client.get(reverse("mediation:resident_pick"), {"side": "a", "id": hidden.pk}).status_code == 404
    assert client.get(reverse("mediation:resident_pick"), {"side": "x", "id": world.a.pk}).status_code == 404
    assert "没有找到" in _search(client, "不存在的人").text


@pytest.mark.parametrize("who", ["department", "resident", "supervisor", "mediator"])
def test_picker_denied_to_who_may_not_register(client, world, who):
    client.force_login(getattr(world.users, who))
    assert _search(client, "张").status_code == 403
    assert client.get(reverse("mediation:resident_pick"), {"side": "a", "id": world.a.pk}).status_code == 403


def test_picker_query_count_does_not_grow_with_matches(client, world, django_assert_max_num_queries):
    client.force_login(world.users.community)
    for i in range(10):
        factories.make_resident(world.town["g11"], name=f"张测{i}")
    with django_assert_max_num_queries(12):
        r = _search(client, "张")
    assert r.text.count("<li>") == 8


def test_register_with_a_picked_resident_and_a_typed_outsider(client, world):
    client.force_login(world.users.community)
    data = _register_data(world, a_name="", a_resident=world.a.pk, a_address="南庄新村1幢")
    r = client.post(reverse("mediation:register"), data)
    assert r.status_code == 302
    d = Dispute.objects.get(title="楼上漏水")
    applicant, respondent = d.parties.get(role="applicant"), d.parties.get(role="respondent")
    assert applicant.resident == world.a and applicant.id_number == world.a.id_number
    assert applicant.address == "南庄新村1幢"
    assert respondent.resident is None and respondent.name == "李四"


def test_register_refuses_a_resident_out_of_scope_or_nobody(client, world):
    hidden = factories.make_resident(world.town["g21"], name="梁某")
    client.force_login(world.users.community)
    before = Party.objects.count()
    r = client.post(reverse("mediation:register"), _register_data(world, a_name="", a_resident=hidden.pk))
    assert r.status_code == 200 and "所选居民不存在或您无权查看。" in r.text
    r = client.post(reverse("mediation:register"), _register_data(world, a_name=""))
    assert r.status_code == 200 and "请填写申请人姓名/名称。" in r.text
    assert Party.objects.count() == before
