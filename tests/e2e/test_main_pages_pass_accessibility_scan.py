"""Accessibility: the login page, each main role's workbench, the registry's lists, the request
queue and a request's page, and the public pages pass an axe-core scan with no serious or
critical violation (contrast ≥ 4.5:1, names for every control, landmarks, `lang`), on a phone
and on a desktop; the skip link is the first thing a keyboard reaches and jumps to the content."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.e2e import axe
from tests.e2e.pages import log_in, new_page
from tests.requests.conftest import Flow, make_world

pytestmark = pytest.mark.e2e

STAFF_PAGES = {
    "dispatcher": ["home", "requests_staff:dispatch_queue", "requests_staff:list"],
    "grid": ["home", "registry:resident_list", "registry:household_list"],
    "dept": ["home"],
    "town": ["home", "registry:resident_list"],
    "community": ["home"],
    "hotline": ["home"],
    "supervisor": ["home"],
    "visitor": ["home", "requests_staff:visit_queue"],
    "resident": ["home"],
}


@pytest.mark.parametrize("width", [390, 1280])
def test_main_pages_pass_accessibility_scan(live_server, seeded, browser, town, width):
    w = make_world(town)
    flow = Flow(w)
    req = flow.file(received_at=timezone.now())
    for i in range(3):
        factories.make_resident(town["g11"], name=f"王{'一二三'[i]}")
    page, base = new_page(browser, width=width), live_server.url
    axe.install(page)
    found = []

    def scan(where):  # every page's violations, reported together at the end
        found.extend(f"{where} @{width}px: {v}" for v in axe.violations(page))

    page.goto(base + "/login/")
    # The first thing in the page a keyboard can reach (the login form's field has the focus).
    assert (
        page.evaluate("document.querySelector('a[href], button, input:not([type=hidden]), select').className")
        == "skip-link"
    )
    scan("login")
    for path in ("/public/", "/requests/public/", "/requests/track/"):
        page.goto(base + path)
        scan(path)

    for who, names in STAFF_PAGES.items():
        log_in(page, base, getattr(w.users, who).username)
        for name in names:
            page.goto(base + reverse(name))
            page.wait_for_load_state("networkidle")
            scan(f"{who} {name}")
    admin = factories.make_user("admin", town["t"])  # the town's administrator: 用户管理
    log_in(page, base, admin.username)
    for name in ("staff_users", "staff_user_create"):
        page.goto(base + reverse(name))
        scan(f"admin {name}")
    page.goto(base + reverse("staff_user", args=[w.users.grid.pk]))
    scan("admin staff_user")
    log_in(page, base, w.users.dispatcher.username)
    page.goto(base + reverse("requests_staff:detail", args=[req.pk]))
    scan("request detail")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    page.context.close()
    assert found == [], f"{len(found)} serious/critical accessibility violations:\n" + "\n".join(found)
