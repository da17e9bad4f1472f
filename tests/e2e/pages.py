"""Steps shared by the browser stories."""

from tests.factories import PASSWORD

CSP_VIOLATIONS: list[str] = []


def new_page(browser, width=390, height=844):
    """A page in a fresh context the size of a phone by default, in Chinese, that accepts
    downloads; its context closes with the browser (or call page.context.close())."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=2, accept_downloads=True, locale="zh-CN"
    )
    # Every page of the context reports what the Content-Security-Policy blocked (conftest fails
    # the story on any): the pages must work under the policy the server sends.
    context.on(
        "console", lambda msg: CSP_VIOLATIONS.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def log_in(page, base, username, password=PASSWORD):
    """Log `username` in on `page` (dropping whoever was logged in before) and wait for the page."""
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
