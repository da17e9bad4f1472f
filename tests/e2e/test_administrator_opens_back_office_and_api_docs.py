"""Browser story: an administrator opens the back office (a user's page, the resident list)
and the interactive API docs on a desktop screen; all of them render and work under the
site's Content-Security-Policy (the conftest fails the story on any blocked script)."""

import pytest

from tests.e2e.pages import log_in, new_page
from tests.factories import make_resident, make_user

pytestmark = pytest.mark.e2e


def test_administrator_opens_back_office_and_api_docs(live_server, seeded, browser, shot, town, settings):
    root = make_user("admin", town["d"], username="root", is_staff=True)
    make_resident(town["g11"], name="王五")
    page = new_page(browser, width=1280, height=900)
    log_in(page, live_server.url, root.username)

    page.goto(f"{live_server.url}/admin/accounts/user/{root.pk}/change/")
    assert page.locator("#user_form").count() == 1
    page.goto(f"{live_server.url}/admin/registry/resident/")
    assert "王五" in page.inner_text("#result_list")

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)  # drawn by Swagger UI's script
    assert "共治 Gongzhi API" in page.inner_text(".swagger-ui .info")
    shot(page, "api-docs")
    page.context.close()
