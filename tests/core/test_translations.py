"""Chinese is the source language and the default; every message also comes out in English
when English is asked for (translation.override, the Accept-Language header, the language
cookie). scripts/check-translations.py proves the catalogue has every message; these prove the
compiled catalogue is the one the code reads, on services, pages and the API."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from gongzhi.compact import services as compact
from gongzhi.compact.services import gate
from gongzhi.consultation import rules
from gongzhi.consultation import services as consultation
from tests.api_client import ApiClient
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _chinese_again_afterwards():
    """A request in English leaves English active in this thread (LocaleMiddleware activates
    and never restores): put the default back so later tests see the Chinese they expect."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _refusal(call):
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.messages


def test_a_consultation_refusal_in_chinese_and_in_english(town):
    def draft_without_text():
        consultation.create_draft(
            node=town["c1"], title="停车管理办法", issuer="居委会", text="  ", closes_on=timezone.localdate()
        )

    assert _refusal(draft_without_text) == ["请填写征求意见稿正文（段落之间空一行）"]
    with translation.override("en"):
        assert _refusal(draft_without_text) == ["Enter the text of the draft (a blank line between paragraphs)"]


def test_the_rule_arithmetic_reads_in_the_active_language():
    rule = SimpleNamespace(notice_days=10)
    meeting = dt.date(2026, 11, 11)
    assert rules.notice(rule, notice_date=dt.date(2026, 11, 6), meeting_date=meeting).text == (
        "提前 5 天通知，需 ≥ 10 天，通知期限不足"
    )
    with translation.override("en"):
        text = rules.notice(rule, notice_date=dt.date(2026, 11, 6), meeting_date=meeting).text
    assert text == "notice given 5 days ahead, ≥ 10 days needed: notice period too short"


def test_a_compact_refusal_in_chinese_and_in_english(town):
    grid_worker = make_user("grid", town["g11"])

    def publish_a_list():
        compact.create_assistance_list(grid_worker, node=town["t"], year=2026)

    with pytest.raises(PermissionDenied) as chinese:
        publish_a_list()
    assert str(chinese.value) == "无权在该区域发布清单"
    with translation.override("en"), pytest.raises(PermissionDenied) as english:
        publish_a_list()
    assert str(english.value) == "You may not publish lists for this area"


def test_a_gate_refusal_keeps_its_placeholders_in_english():
    """Interpolated values land where the English sentence puts them."""
    with translation.override("en"):
        code, message = gate._item_refusal(None, "77", None, None, 2026)
    assert code == gate.GateCode.UNKNOWN_ITEM
    assert message == "The assistance item cited (77) does not exist"


def test_the_login_page_follows_accept_language(db):
    client = Client()
    assert "登录" in client.get(reverse("login")).content.decode()
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in" in english and "登录" not in english.split("<body", 1)[1]


def test_the_public_tracking_refusal_is_english_for_an_english_browser(db):
    data = {"number": "2026110299999", "last4": "1234"}
    url = reverse("requests_public:track")
    assert "未找到该诉求，请核对受理编号和手机号后四位。" in Client().post(url, data).content.decode()
    english = Client().post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No service request found: check the request number and the last four digits" in english


def test_the_burden_report_follows_the_language_cookie(town):
    client = Client()
    client.force_login(make_user("town", town["t"]))
    assert "收到任务" in client.get(reverse("compact:burden")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("compact:burden")).content.decode()
    assert "Tasks received" in english and "Red-carded tasks" in english
    assert "收到任务" not in english


def test_the_workbook_of_the_report_stays_chinese_in_english(town):
    from io import BytesIO

    from openpyxl import load_workbook

    client = Client()
    client.force_login(make_user("town", town["t"]))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("compact:burden"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["社区/村", "收到任务"]


def test_api_errors_follow_accept_language(town):
    api = ApiClient(make_user("town", town["t"]))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
    assert api.client.get("/api/v1/no-such-thing", **headers).json() == {"detail": "未找到该记录"}
    english = api.client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert english.status_code == 404 and english.json() == {"detail": "Record not found"}
    missing = api.client.post(
        "/api/v1/nodes", "{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers
    )
    assert missing.status_code == 422
    assert {e["message"] for e in missing.json()["detail"]} == {"This field is required"}


def test_command_help_is_a_plain_string_in_either_language():
    """argparse formats the help with a regex: a lazy string would crash `gongzhi unlock --help`."""
    from django.core.management import load_command_class

    command = load_command_class("gongzhi.accounts", "unlock")
    with translation.override("zh-hans"):
        assert "解除登录锁定" in command.create_parser("gongzhi", "unlock").format_help()
    with translation.override("en"):
        english = command.create_parser("gongzhi", "unlock").format_help()
    assert "Lift a login lockout" in english and "The locked-out username" in english
