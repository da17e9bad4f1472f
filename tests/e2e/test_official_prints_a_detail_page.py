"""Paper: a town official prints a resident's page and a request's page. The printout has no
menu, no red bar and no buttons, the town's name at the top of the page, and page numbers
("1 / 2") at the foot of every page — Chromium's own print (page.pdf), read back as text and
looked at as an image."""

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.pages import log_in, new_page
from tests.requests.conftest import Flow, make_world

pytestmark = pytest.mark.e2e


def printed(page, url, name) -> str:
    """Print `url` to tests/e2e/screenshots/<name>.pdf, a PNG of its first page beside it; the text."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(exist_ok=True)
    pdf = SCREENSHOTS / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(SCREENSHOTS / name)], check=True
    )
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_official_prints_a_detail_page(live_server, seeded, browser, town):
    w = make_world(town)
    request = Flow(w).file(received_at=timezone.now())
    person = factories.make_resident(town["g11"], name="周印")
    page, base = new_page(browser, width=1280, height=900), live_server.url
    log_in(page, base, w.users.town.username)
    for url, name, expect in (
        (reverse("registry:resident_detail", args=[person.pk]), "print-resident", "周印"),
        (reverse("requests_staff:detail", args=[request.pk]), "print-request", request.tracking_number),
    ):
        text = printed(page, base + url, name)
        assert expect in text
        assert w.orgs.gov.name in text.splitlines()[0] + text.splitlines()[1]  # the unit heads the page
        assert "退出" not in text and "主菜单" not in text and "工作台" not in text  # no bar, no menu
        assert re.search(r"\b1 ?/ ?[1-9]", text)  # page numbers at the foot
    page.context.close()
