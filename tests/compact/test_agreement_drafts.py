"""A town corrects a draft agreement before signing it: terms and items change in one
transaction with their history, bad input is refused with nothing half-saved, a stale form
changes nothing, a signed agreement is fixed, and only the town may do it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.compact import services as svc
from gongzhi.compact.models import AgreementItem
from gongzhi.core.choices import AuditAction
from gongzhi.core.models import AuditEntry

from .conftest import TODAY, YEAR

TERMS = {
    "base_amount": "12000",
    "pass_score": "60",
    "full_pay_score": "90",
    "partial_pay_percent": "80",
    "fail_pay_percent": "50",
    "payment_terms": "按季度拨付",
}


@pytest.fixture
def draft(world, town):
    from gongzhi.territory import services as territory

    c3 = territory.create_node(parent=world.t, kind="community", code="320582100003", name="东城社区")
    agreement = svc.create_agreement(
        world.official, town=world.t, community=c3, year=YEAR, base_amount=Decimal("10000")
    )
    for item in (world.item_a, world.item_b):
        svc.add_agreement_item(world.official, agreement, item=item)
    return agreement


def _items(agreement):
    return set(agreement.items.values_list("item_id", flat=True))


def _edit(client, user, agreement, **data):
    client.force_login(user)
    return client.post(
        reverse("compact:agreement_edit", args=[agreement.pk]),
        {**TERMS, "expected_version": agreement.version, "reason": "镇里复核后调整", **data},
    )


def test_town_corrects_terms_and_items_of_a_draft(client, world, draft):
    client.force_login(world.official)
    page = client.get(reverse("compact:agreement_detail", args=[draft.pk])).content.decode()
    assert reverse("compact:agreement_edit", args=[draft.pk]) in page
    form = client.get(reverse("compact:agreement_edit", args=[draft.pk])).content.decode()
    assert "修改协议草稿" in form and 'name="community"' not in form

    resp = _edit(client, world.official, draft, items=[world.item_a.pk, world.item_s.pk])
    assert resp.status_code == 302
    draft.refresh_from_db()
    assert draft.base_amount == Decimal("12000") and draft.payment_terms == "按季度拨付"
    assert _items(draft) == {world.item_a.pk, world.item_s.pk}
    taken_out = AuditEntry.objects.filter(action=AuditAction.DELETE, content_type__model="agreementitem")
    assert taken_out.count() == 1 and taken_out.get().reason == "镇里复核后调整"
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, content_type__model="compactagreement", object_id=str(draft.pk)
    ).exists()
    svc.sign_agreement(world.official, draft, signed_on=TODAY)  # still signable


def test_bad_input_saves_nothing(client, world, draft):
    before = (draft.version, _items(draft))
    resp = _edit(client, world.official, draft, pass_score="95", items=[world.item_s.pk])
    assert resp.status_code == 200 and "合格分不能高于全额拨付分" in resp.content.decode()
    resp = _edit(client, world.official, draft, items=[])
    assert resp.status_code == 200 and "请选择协议包含的协助事项" in resp.content.decode()
    draft.refresh_from_db()
    assert (draft.version, _items(draft)) == before


def test_a_stale_form_changes_nothing(client, world, draft):
    svc.update_draft(world.official, draft, {"payment_terms": "另一人先改了"}, items=[world.item_a])
    stale = _edit(client, world.official, draft, expected_version=1, items=[world.item_s.pk])
    assert stale.status_code == 200 and "重新载入" in stale.content.decode()
    draft.refresh_from_db()
    assert draft.payment_terms == "另一人先改了" and _items(draft) == {world.item_a.pk}


def test_a_signed_agreement_is_fixed(client, world):
    with pytest.raises(ValidationError):
        svc.update_draft(world.official, world.agr1, {"base_amount": Decimal("1")}, items=[world.item_a])
    client.force_login(world.official)
    resp = client.get(reverse("compact:agreement_edit", args=[world.agr1.pk]))
    assert resp.status_code == 302 and resp["Location"] == reverse("compact:agreement_detail", args=[world.agr1.pk])
    assert "修改草稿" not in client.get(resp["Location"]).content.decode()


@pytest.mark.parametrize("who", ["staff1", "civil_user", "supervisor", "grid"])
def test_only_the_town_corrects_a_draft(client, world, draft, who):
    user = getattr(world, who)
    client.force_login(user)
    status = client.get(reverse("compact:agreement_edit", args=[draft.pk])).status_code
    assert status == 403
    _edit(client, user, draft, items=[world.item_s.pk])
    assert _items(draft) == {world.item_a.pk, world.item_b.pk}
    with pytest.raises(PermissionDenied):
        svc.update_draft(user, draft, {}, items=[world.item_s])
    assert AgreementItem.objects.filter(agreement=draft).count() == 2
