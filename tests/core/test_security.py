"""Production settings (issue 9, finding 9): the Content-Security-Policy and pages that satisfy
it, HTTPS behind a proxy, idle sessions, the development key refused, and `check --deploy`
clean with the settings docs/admin.md gives."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse

from gongzhi.core.middleware import IdleSessionMiddleware
from gongzhi.core.startup import refuse_development_key
from tests.factories import make_user

SRC = Path(settings.BASE_DIR)
DEPLOY_ENV = {  # docs/admin.md, 安全设置 → 生产环境变量
    "GONGZHI_SECRET_KEY": "Zq7-0a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4y5Z",
    "GONGZHI_DEBUG": "0",
    "GONGZHI_HTTPS": "1",
    "GONGZHI_ALLOWED_HOSTS": "gongzhi.example.gov.cn",
}


def _templates():
    return [p for d in [SRC / "templates", *SRC.glob("*/templates")] for p in d.rglob("*.html")]


def test_no_template_has_inline_script_or_event_handler():
    offenders = []
    for path in _templates():
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(SRC)}: {tag}")
        offenders += [f"{path.relative_to(SRC)}: {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offenders += [f"{path.relative_to(SRC)}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


def test_every_page_carries_the_policy(client, town):
    client.force_login(make_user("grid", town["g11"]))
    for url in [reverse("home"), reverse("account"), reverse("login"), "/api/v1/nodes"]:
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"


def test_base_page_scripts_are_our_static_files(client, town):
    client.force_login(make_user("grid", town["g11"]))
    html = client.get(reverse("home")).content.decode()
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/vendor/htmx/htmx.min.js", "/static/js/gongzhi.js"]
    assert 'data-toggle-menu="sidemenu"' in html and "onclick" not in html


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=31536000,
    SESSION_COOKIE_SECURE=True,
)
def test_https_behind_a_proxy(client, town):
    plain = client.get(reverse("login"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    secure = client.get(reverse("login"), HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200 and secure["Strict-Transport-Security"].startswith("max-age=31536000")
    user = make_user("grid", town["g11"])
    from tests.factories import PASSWORD

    login = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, HTTP_X_FORWARDED_PROTO="https"
    )
    assert login.cookies[settings.SESSION_COOKIE_NAME]["secure"]


def _age(client, seconds):
    session = client.session
    session[IdleSessionMiddleware.KEY] -= seconds
    session.save()


@pytest.mark.parametrize("role, is_staff, limit_hours", [("town", True, 8), ("grid", False, 24)])
def test_an_idle_session_ends(client, town, role, is_staff, limit_hours):
    user = make_user(role, town["d"] if role == "town" else town["g11"], is_staff=is_staff)
    client.force_login(user)
    assert client.get(reverse("account")).status_code == 200
    assert client.session.get_expiry_age() == limit_hours * 3600
    _age(client, limit_hours * 3600 - 120)
    assert client.get(reverse("account")).status_code == 200  # and the clock starts again
    _age(client, limit_hours * 3600 + 60)
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_session_is_not_written_on_every_request(client, town):
    client.force_login(make_user("grid", town["g11"]))
    client.get(reverse("account"))
    key = client.session.session_key
    from django.contrib.sessions.models import Session

    before = Session.objects.get(pk=key).expire_date
    client.get(reverse("account"))
    assert Session.objects.get(pk=key).expire_date == before


def test_a_bearer_api_call_gets_no_session(town):
    from tests.api_client import ApiClient

    response = ApiClient(make_user("grid", town["g11"])).get("/nodes")
    assert response.status_code == 200 and settings.SESSION_COOKIE_NAME not in response.cookies


DEV = settings.DEVELOPMENT_SECRET_KEY


@pytest.mark.parametrize(
    "key, debug, hosts, refused",
    [
        (DEV, False, ["127.0.0.1", "localhost", "testserver"], False),  # make run, the suite
        (DEV, False, ["gongzhi.example.gov.cn"], True),
        (DEV, False, ["*"], True),
        (DEV, True, ["*"], False),  # GONGZHI_DEBUG=1 on a laptop
        ("a-real-secret", False, ["gongzhi.example.gov.cn"], False),
    ],
)
def test_the_development_key_is_refused_off_loopback(key, debug, hosts, refused):
    if refused:
        with pytest.raises(ImproperlyConfigured, match="GONGZHI_SECRET_KEY"):
            refuse_development_key(key, debug, hosts, DEV)
    else:
        refuse_development_key(key, debug, hosts, DEV)


def _gongzhi(args, tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GONGZHI_", "DATABASE_URL", "DJANGO_"))}
    # An empty data directory: no database, so the check reads settings only.
    base.update(GONGZHI_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "gongzhi.cli", *args], check=False, env=base, capture_output=True, text=True, timeout=120
    )


def test_server_refuses_to_start_with_the_development_key_for_other_hosts(tmp_path):
    done = _gongzhi(["check"], tmp_path, GONGZHI_ALLOWED_HOSTS="gongzhi.example.gov.cn")
    assert done.returncode != 0 and "GONGZHI_SECRET_KEY" in done.stderr


def test_check_deploy_is_clean_with_the_documented_settings(tmp_path):
    doc = (Path(settings.PROJECT_DIR) / "docs" / "admin.md").read_text()
    for name in DEPLOY_ENV:
        assert name in doc
    done = _gongzhi(["check", "--deploy"], tmp_path, **DEPLOY_ENV)
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout + done.stderr and "WARNINGS" not in done.stderr


def test_check_deploy_names_the_development_key(tmp_path):
    done = _gongzhi(["check", "--deploy"], tmp_path, GONGZHI_HTTPS="1")
    assert done.returncode != 0 and "core.E001" in done.stderr
