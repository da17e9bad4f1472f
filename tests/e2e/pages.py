"""Steps shared by the browser stories."""
from tests.factories import PASSWORD


def log_in(page, base, username, password=PASSWORD):
    """Log `username` in on `page` (dropping whoever was logged in before) and wait for the page."""
    page.context.clear_cookies()
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
