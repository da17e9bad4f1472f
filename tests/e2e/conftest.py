"""Browser stories drive headless Chromium through Playwright's sync API, which runs an event
loop in the test thread; Django's database calls from that thread are safe here (the live
server runs in another thread), so the async-safety guard is switched off for these tests.

The live server's database is flushed after each story, which removes what migrations
seeded (legal rules, workflow templates, disclosure intervals, roles, the calendar …); the
`seeded` fixture, used by every story here, writes it all back first (tests/seeds.py)."""

import os
import shutil
from pathlib import Path

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(autouse=True)
def seeded(db):
    """Every row `migrate` seeds is there, whatever an earlier story's flush removed. Autouse,
    so every browser story gets it; name it in a story's arguments to make the need explicit."""
    from tests.seeds import reseed

    reseed()


@pytest.fixture(autouse=True)
def no_csp_violations():
    """A story fails if the browser blocked anything under the site's Content-Security-Policy
    (an inline script, an on…= handler, an outside resource): tests/e2e/pages.py collects them."""
    from tests.e2e.pages import CSP_VIOLATIONS

    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == []


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a phone (390×844) that accepts downloads."""
    from tests.e2e.pages import new_page

    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def shot():
    """shot(page, "name") saves tests/e2e/screenshots/name.png (full page)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name, full_page=True):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)

    return take
