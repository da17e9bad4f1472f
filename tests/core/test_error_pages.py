"""The branded error pages: 403, 404, 500 and a refused form (CSRF), in Chinese and English,
made for a phone, with a way back; they tell nothing about what was asked for, and the 500 page
needs no database."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from gongzhi.core import errors
from tests.factories import make_user

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def _chinese_again_afterwards(settings):
    """A request in English leaves English active in this thread (LocaleMiddleware activates
    and never restores): put the default back so later tests see the Chinese they expect."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _common(page: str):
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert f'href="{reverse("home")}"' in page and f'href="{reverse("disclosure:index")}"' in page
    assert "Traceback" not in page and "secret" not in page


@pytest.fixture
def quiet(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "words", "back"),
    [(ZH, "页面不存在", "返回首页"), (EN, "Page not found", "Back to the home page")],
)
def test_404_in_both_languages(quiet, headers, words, back):
    response = quiet.get("/no-such-page/", **headers)
    page = response.content.decode()
    assert response.status_code == 404 and words in page and back in page
    _common(page)


@pytest.mark.django_db
def test_404_for_an_object_out_of_scope_is_the_same_page(quiet, town):
    quiet.force_login(make_user("grid", town["g11"]))
    other = quiet.get(reverse("requests_staff:detail", args=[999999]), **ZH)
    assert other.status_code == 404 and "页面不存在" in other.content.decode()
    _common(other.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(("headers", "words"), [(ZH, "没有权限"), (EN, "Permission denied")])
def test_403_in_both_languages(quiet, town, headers, words):
    quiet.force_login(make_user("grid", town["g11"]))
    response = quiet.get(reverse("requests_staff:dispatch_queue"), **headers)
    assert response.status_code == 403 and words in response.content.decode()
    _common(response.content.decode())


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.core.error_urls")
@pytest.mark.parametrize(("headers", "words"), [(ZH, "系统出错了"), (EN, "Something went wrong")])
def test_500_in_both_languages(quiet, headers, words):
    response = quiet.get("/test-boom/", **headers)
    page = response.content.decode()
    assert response.status_code == 500 and words in page
    _common(page)


def test_500_page_needs_no_database():
    """Rendered from the plain template without the request's context: no query at all, so it
    shows while the database is down (this test has no database access either)."""
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = errors.server_error(request)
    assert response.status_code == 500 and "系统出错了" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("headers", "words"), [(ZH, "页面已过期"), (EN, "This page has expired")])
def test_refused_form_gets_the_csrf_page(settings, headers, words):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post(reverse("login"), {"username": "a", "password": "b"}, **headers)
    page = response.content.decode()
    assert response.status_code == 403 and words in page and "CSRF" not in page
    _common(page)


@pytest.mark.django_db
def test_public_services_are_listed_and_linked_from_login(client):
    """No dead end for a citizen: /public/ offers the complaint form and tracking beside the
    boards, and the sign-in page links to all of them."""
    public = client.get(reverse("disclosure:index")).content.decode()
    for name in ("requests_public:file", "requests_public:track"):
        assert f'href="{reverse(name)}"' in public
    login = client.get(reverse("login")).content.decode()
    for name in ("requests_public:file", "requests_public:track", "disclosure:index"):
        assert f'href="{reverse(name)}"' in login
