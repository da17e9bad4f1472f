"""A grid worker registers a newcomer on her phone: as she types the ID number the page tells
her how many digits are left, then that the check character is wrong (she slipped on the last
digit), then — corrected — the birth date and gender, which it fills in for her; nothing goes
to the server while she types. The household she registers it under gets its number from the
system; the rented home presets 流动人口 / 人在户不在."""

import pytest
from django.urls import reverse

from gongzhi.core.idnumber import check_char
from tests import factories
from tests.e2e import axe
from tests.e2e.pages import log_in

pytestmark = pytest.mark.e2e


def test_grid_worker_types_an_id_number_and_sees_it_checked(live_server, seeded, phone, town, shot):
    worker = factories.make_user("grid", town["g11"])
    rented = factories.make_household(town["g11"], number="", tenure="tenant")
    assert rented.number == f"{town['g11'].code}-0001"
    page, base = phone, live_server.url
    axe.install(page)
    log_in(page, base, worker.username)
    page.goto(base + reverse("registry:resident_create") + f"?household={rented.pk}")
    assert page.locator("#id_residence_type").input_value() == "migrant"
    assert page.locator("#id_separation").input_value() == "here"

    first17 = "32058219900307002"  # born 7 March 1990; 17th digit even: a woman
    wrong = "0" if check_char(first17) != "0" else "1"
    sent = []
    page.on("request", lambda r: sent.append(r.url))
    page.locator("#id_id_number").press_sequentially(first17[:10])
    assert "已输入 10 位" in page.inner_text("output.id-check")
    page.locator("#id_id_number").press_sequentially(first17[10:] + wrong)
    assert f"校验位应为 {check_char(first17)}" in page.inner_text("output.id-check")
    shot(page, "id-check-wrong-check-character")
    page.locator("#id_id_number").press("Backspace")
    page.locator("#id_id_number").press_sequentially(check_char(first17))
    assert page.inner_text("output.id-check") == "号码有效：1990-03-07 出生，女"
    assert sent == []  # checked in the page, no round trip
    assert page.locator("#id_gender").input_value() == "F"
    assert page.locator("#id_birth_date").input_value() == "1990-03-07"
    assert axe.violations(page) == []
    shot(page, "id-check-valid")
