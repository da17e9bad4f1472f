"""The one resident picker (registry/picker.py), as every app mounts it: the registry's search
over the residents the user may see — a resident in a sensitive group only with the right —
numbers masked, out of sight 404, users the app does not let pick 403, and sides checked."""

import pytest
from django.urls import reverse

from gongzhi.accounts import services as accounts
from tests import factories

# (URL namespace, role that may pick, role that may not) for each app that mounts the picker.
MOUNTS = [
    ("services", "community", "supervisor"),
    ("civil", "community", "supervisor"),
    ("care:volunteers", "community", "supervisor"),
    ("legal", "community", "supervisor"),
]


@pytest.fixture
def people(town):
    plain = factories.make_resident(town["g11"], name="王拾贰")
    secret = factories.make_resident(town["g11"], name="王矫正", tags=[factories.sensitive_tag()])
    away = factories.make_resident(town["g21"], name="王梁丰")
    return plain, secret, away


@pytest.mark.parametrize(("ns", "may", "may_not"), MOUNTS)
def test_search_and_pick_follow_the_registry(client, town, people, ns, may, may_not):
    plain, secret, away = people
    client.force_login(factories.make_user(may, town["c1"]))
    found = client.get(reverse(f"{ns}:resident_search"), {"q": "王"})
    assert found.status_code == 200
    html = found.content.decode()
    assert "王拾贰" in html and "王矫正" not in html and "王梁丰" not in html
    assert plain.id_number not in html  # masked
    picked = client.get(reverse(f"{ns}:resident_pick"), {"id": plain.pk}).content.decode()
    assert f'name="resident" value="{plain.pk}"' in picked
    for hidden in (secret, away):
        assert client.get(reverse(f"{ns}:resident_pick"), {"id": hidden.pk}).status_code == 404
    assert client.get(reverse(f"{ns}:resident_pick"), {"id": "x"}).status_code == 404
    assert client.get(reverse(f"{ns}:resident_pick"), {"id": plain.pk, "side": "a"}).status_code == 404
    client.force_login(factories.make_user(may_not, town["c1"]))
    assert client.get(reverse(f"{ns}:resident_search"), {"q": "王"}).status_code == 403
    assert client.get(reverse(f"{ns}:resident_pick"), {"id": plain.pk}).status_code == 403


def test_a_holder_of_the_sensitive_right_finds_and_picks_her(client, town, people):
    plain, secret, away = people
    user = factories.make_user("community", town["c1"])
    accounts.grant(user, role="sensitive", node=town["c1"])
    client.force_login(user)
    assert "王矫正" in client.get(reverse("services:resident_search"), {"q": "王"}).content.decode()
    assert client.get(reverse("services:resident_pick"), {"id": secret.pk}).status_code == 200


def test_anonymous_is_sent_to_log_in_or_refused(client, people):
    assert client.get(reverse("services:resident_search"), {"q": "王"}).status_code == 403
