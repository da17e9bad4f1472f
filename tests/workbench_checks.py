"""A check shared by the apps' workbench tests: every figure a user's workbench shows equals the
number of rows of the list its link opens."""

from django.urls import reverse


def list_count(response) -> int:
    """The rows of the list a figure opened (all pages)."""
    ctx = response.context
    if "page" in ctx:
        return ctx["page"].paginator.count
    return ctx["total"] - ctx["done"]  # the care visit list: the items not visited yet


def figures_match_lists(client, user) -> dict[str, int]:
    """{figure key: count} of `user`'s workbench, after checking each against its list."""
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "您还没有可查看的网格" not in page
    found = {}
    for f in response.context["figures"]:
        listed = client.get(f["url"])
        assert listed.status_code == 200, (f["key"], f["url"])
        assert list_count(listed) == f["count"], (f["key"], f["url"])
        found[f["key"]] = f["count"]
    return found
