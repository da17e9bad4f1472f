"""Login, logout and the home page for a grid worker and for wider scopes."""

from django.urls import reverse

from tests.factories import PASSWORD, make_building, make_household, make_resident, make_user


def test_login_page_and_login(client, town):
    user = make_user("grid", town["g11"], username="wangfang")
    html = client.get(reverse("login")).content.decode()
    assert "登录" in html and 'name="username"' in html and "csrfmiddlewaretoken" in html
    resp = client.post(reverse("login"), {"username": "wangfang", "password": "wrong-password"})
    assert "用户名或密码不正确" in resp.content.decode()
    resp = client.post(reverse("login"), {"username": "wangfang", "password": PASSWORD})
    assert resp.status_code == 302 and resp["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_home_requires_login(client, town):
    resp = client.get(reverse("home"))
    assert resp.status_code == 302 and resp["Location"].startswith(reverse("login"))


def test_logout_is_post(client, town):
    client.force_login(make_user("grid", town["g11"]))
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_grid_worker_home_drills_down(client, town):
    b = make_building(town["g11"], name="7号楼")
    h = make_household(town["g11"], building=b)
    make_resident(household=h)
    make_resident(household=h, relation="spouse")
    make_resident(town["g21"], name="别的网格")
    client.force_login(make_user("grid", town["g11"]))
    resp = client.get(reverse("home"))
    html = resp.content.decode()
    assert "我的网格" in html and "南庄社区第01网格" in html and "7号楼" in html
    assert "梁丰" not in html
    assert reverse("territory:building_detail", args=[b.pk]) in html
    assert resp.context["totals"] == {"residents": 2, "households": 1, "buildings": 1}
    assert 'class="breadcrumb"' in html


def test_wider_scope_sees_grids_by_community(client, town):
    make_resident(town["g11"])
    make_resident(town["g21"])
    client.force_login(make_user("town", town["t"]))
    html = client.get(reverse("home")).content.decode()
    assert "辖区概况" in html and "南庄社区" in html and "梁丰社区" in html
    assert html.count("网格</a>") >= 4


def test_user_without_grids_gets_the_workbench_not_a_grid_hint(client, town):
    client.force_login(make_user("department", town["t"]))
    html = client.get(reverse("home")).content.decode()
    assert "工作台" in html and "还没有可查看的网格" not in html


def test_unlinked_resident_is_told_how_to_link(client, town):
    client.force_login(make_user("resident", town["g11"]))
    html = client.get(reverse("home")).content.decode()
    assert "还没有绑定居民身份" in html and reverse("join") in html


def test_login_is_in_the_audit_log(client, town):
    from gongzhi.core.models import AuditEntry

    user = make_user("grid", town["g11"], username="wangfang2")
    response = client.post("/login/", {"username": "wangfang2", "password": PASSWORD})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="login")
    assert (entry.actor, entry.source, entry.ip) == (user, "web", "127.0.0.1")


def test_a_town_past_sixty_grids_is_not_counted_grid_by_grid_on_landing(client, town, django_assert_max_num_queries):
    """At city scale the per-grid table would count the whole registry on every landing: past
    60 grids the workbench says how many grids there are and links to the map and the lists."""
    from gongzhi.registry.grid_filter import GRID_CHOICES_MAX
    from gongzhi.territory import services as territory

    for g in range(3, GRID_CHOICES_MAX):
        territory.create_node(
            parent=town["c2"], kind="grid", code=f"{town['c2'].code}{g:03d}", name=f"梁丰社区第{g:02d}网格"
        )
    make_resident(town["g11"])
    user = make_user("town", town["t"])
    client.force_login(user)
    client.get(reverse("home"))
    with django_assert_max_num_queries(40):
        resp = client.get(reverse("home"))
    html = resp.content.decode()
    assert resp.context["wide"] == GRID_CHOICES_MAX + 1
    assert "rows" not in resp.context or not resp.context["rows"]
    assert f"辖区内共 {GRID_CHOICES_MAX + 1} 个网格" in html
    assert reverse("maps:grids") in html and reverse("registry:resident_list") in html
    assert "南庄社区第01网格" not in html
