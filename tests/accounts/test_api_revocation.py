"""Bearer tokens and grants are read afresh on every API request: a revoked token, a
deactivated user, an expired token, a removed membership or a permission taken from a role
takes effect on the very next request (accounts.services.user_for_token, scoping.grants)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from gongzhi.accounts import services
from gongzhi.accounts.models import ApiToken, Membership, Role
from tests.api_client import ApiClient
from tests.factories import make_resident, make_user


@pytest.fixture
def api(town):
    make_resident(town["g11"], name="王五", with_household=False)
    return ApiClient(make_user("grid", town["g11"]))


def _names(response):
    assert response.status_code == 200, response.content
    return [r["name"] for r in response.json()["results"]]


def test_deleted_token_fails_on_the_next_request(api):
    assert _names(api.get("/residents")) == ["王五"]
    ApiToken.objects.filter(key_hash=ApiToken.hash(api.token)).delete()
    assert api.get("/residents").status_code == 401


def test_deactivated_user_fails_on_the_next_request(api):
    assert api.get("/residents").status_code == 200
    type(api.user).objects.filter(pk=api.user.pk).update(is_active=False)
    assert api.get("/residents").status_code == 401


def test_expired_token_fails_and_a_future_expiry_works(api):
    token = ApiToken.objects.get(key_hash=ApiToken.hash(api.token))
    token.expires_at = timezone.now() + timedelta(minutes=5)
    token.save()
    assert api.get("/residents").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/residents").status_code == 401


def test_revoked_membership_takes_effect_on_the_next_request(api):
    assert _names(api.get("/residents")) == ["王五"]
    services.revoke(Membership.objects.get(user=api.user))
    assert api.get("/residents").status_code == 403


def test_new_membership_widens_the_scope_on_the_next_request(town, api):
    make_resident(town["g21"], name="赵六", with_household=False)
    assert _names(api.get("/residents")) == ["王五"]
    services.grant(api.user, role="grid", node=town["g21"])
    assert sorted(_names(api.get("/residents"))) == sorted(["王五", "赵六"])


def test_permission_taken_from_the_role_takes_effect_on_the_next_request(api):
    assert api.get("/residents").status_code == 200
    role = Role.objects.get(slug="grid")
    role.permissions.remove(Permission.objects.get(content_type__app_label="registry", codename="view_resident"))
    assert api.get("/residents").status_code == 403


def test_token_use_is_stamped_at_most_once_a_minute(api):
    token = ApiToken.objects.get(key_hash=ApiToken.hash(api.token))
    assert token.last_used_at is None
    api.get("/residents")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    api.get("/residents")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    api.get("/residents")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first
