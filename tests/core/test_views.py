"""The audit list: scoped by territory, filterable, masked; and the shared page furniture
(menu, breadcrumb, language switch)."""

import re

from django.urls import reverse

from gongzhi.core.models import AuditEntry
from tests.factories import make_resident, make_user


def rows(html):
    return "".join(re.findall(r"<tbody>(.*?)</tbody>", html, re.S))


def test_audit_list_is_scoped(client, town):
    make_resident(town["g11"], name="南庄人")
    make_resident(town["g21"], name="梁丰人")
    client.force_login(make_user("supervisor", town["c1"]))
    html = rows(client.get(reverse("core:audit_list")).content.decode())
    assert "南庄人" in html and "梁丰人" not in html


def test_audit_list_filters_by_action_and_date(client, town):
    r = make_resident(town["g11"], name="甲")
    AuditEntry.objects.filter(object_repr="甲").update(at="2020-01-02T03:00:00Z")
    client.force_login(make_user("community", town["c1"]))
    url = reverse("core:audit_list")
    assert "甲" not in rows(client.get(url, {"action": "delete"}).content.decode())
    assert "甲" in rows(client.get(url, {"action": "create"}).content.decode())
    assert "甲" not in rows(client.get(url, {"since": "2021-01-01"}).content.decode())
    assert "甲" in rows(
        client.get(url, {"since": "2020-01-01", "until": "2020-01-03", "source": "system"}).content.decode()
    )
    assert r.id_number not in client.get(url).content.decode()


def test_audit_list_masks_identifiers(client, town):
    from gongzhi.registry import services

    r = make_resident(town["g11"], name="乙", phone="13511112222")
    services.update_resident(r, {"phone": "13511113333"}, reason="换号")
    client.force_login(make_user("town", town["t"]))  # may unmask, but the list never does
    html = client.get(reverse("core:audit_list"), {"action": "update"}).content.decode()
    assert "135****2222" in html and "135****3333" in html
    assert "13511112222" not in html and "13511113333" not in html


def test_audit_list_requires_permission(client, town):
    client.force_login(make_user("grid", town["g11"]))
    assert client.get(reverse("core:audit_list")).status_code == 403
    client.logout()
    assert client.get(reverse("core:audit_list")).status_code == 302


def test_menu_follows_permissions(client, town):
    client.force_login(make_user("grid", town["g11"]))
    html = client.get(reverse("home")).content.decode()
    menu = re.search(r'<nav class="sidemenu".*?</nav>', html, re.S).group(0)
    assert reverse("registry:resident_list") in menu and reverse("core:audit_list") not in menu
    client.force_login(make_user("supervisor", town["c1"]))
    menu = re.search(r'<nav class="sidemenu".*?</nav>', client.get(reverse("home")).content.decode(), re.S).group(0)
    assert reverse("core:audit_list") in menu


def test_every_menu_entry_resolves_for_admin(client, town):
    from gongzhi.core import manifest

    admin = make_user("admin", town["d"])
    client.force_login(admin)
    html = client.get(reverse("home")).content.decode()
    for _section, entries in manifest.menu():
        for entry in entries:
            # One label per URL: the first entry the user may see wins (the resident's 我的社区
            # is the same home page the admin sees as 我的网格).
            if (entry.url != "compact:task_list" or str(entry.label) == "社区任务") and str(entry.label) != "我的社区":
                assert reverse(entry.url) in html and str(entry.label) in html, entry.url


def test_menu_is_grouped_by_task_and_lists_each_page_once(client, town):
    client.force_login(make_user("admin", town["d"]))
    menu = re.search(r'<nav class="sidemenu".*?</nav>', client.get(reverse("home")).content.decode(), re.S).group(0)
    for section in ("人口与区划", "诉求办理", "协商议事", "政社互动", "监督"):
        assert f'<div class="menu-section">{section}</div>' in menu
    hrefs = re.findall(r'href="([^"]+)"', menu)
    assert len(hrefs) == len(set(hrefs))


def test_language_switch_to_english(client, town):
    client.force_login(make_user("grid", town["g11"]))
    resp = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert resp.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "My grid" in html and "Log out" in html and "Residents" in html


def test_audit_list_hides_sensitive_groups_from_readers_without_the_permission(client, town):
    from gongzhi.core.audit import acting
    from gongzhi.registry import services
    from tests.factories import sensitive_tag

    r = make_resident(town["g11"], name="蒋敏感", tags=[sensitive_tag()])
    carer = make_user("sensitive", town["c1"])
    with acting(user=carer, source="web"):
        services.log_sensitive_view(r)
    client.force_login(make_user("supervisor", town["c1"]))
    html = client.get(reverse("core:audit_list")).content.decode()
    assert "蒋敏感" not in html and "蒋*感" in html and "社区矫正" not in html
    client.force_login(make_user("town", town["t"]))  # no view_sensitive either
    assert "社区矫正" not in client.get(reverse("core:audit_list")).content.decode()
    client.force_login(make_user("admin", town["d"]))
    html = client.get(reverse("core:audit_list"), {"action": "view"}).content.decode()
    assert "蒋敏感" in rows(html) and "蒋*感" not in html
