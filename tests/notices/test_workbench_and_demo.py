"""The workbench figure 待转告居民 (a grid worker's residents still to tell) equals the rows of
the list it opens; a resident's 未读通知 likewise; seeded roles hold the notices rights; the demo
step builds its notices."""

from gongzhi.accounts.models import Role
from gongzhi.notices import services
from gongzhi.notices.apps import ROLE_PERMISSIONS
from tests.workbench_checks import figures_match_lists

from .conftest import published


def test_tell_figure_matches_its_list(client, nt):
    notice = published(nt)
    published(nt, node=nt.town["g11"], title="消防检查")
    found = figures_match_lists(client, nt.users.grid)
    assert found["notices_tell"] == 4
    services.mark_told(nt.users.grid, notice, nt.people.zhao)
    assert figures_match_lists(client, nt.users.grid)["notices_tell"] == 3


def test_resident_unread_figure(client, nt):
    notice = published(nt)
    client.force_login(nt.users.li)
    home = client.get("/")
    figures = {f["key"]: f for f in home.context["figures"]}
    assert figures["notices_unread"]["count"] == 1
    listed = client.get(figures["notices_unread"]["url"])
    assert listed.context["page"].paginator.count == 1
    services.mark_read(nt.users.li, notice)
    figures = {f["key"] for f in client.get("/").context["figures"]}
    assert "notices_unread" not in figures


def test_seeded_roles_hold_the_rights():
    for slug, codenames in ROLE_PERMISSIONS.items():
        held = set(Role.objects.get(slug=slug).permissions.values_list("codename", flat=True))
        assert set(codenames) <= held, slug


def test_demo_builds_notices():
    from gongzhi.core.demo.town import DemoTown
    from gongzhi.notices.models import Broadcast, Notice

    DemoTown(residents=120, seed=1, grids_per_community=2, out=lambda *a: None).build()
    assert Notice.objects.filter(status="published").count() >= 2
    assert Broadcast.objects.count() == 1


def test_staff_who_draft_get_no_tell_figure(client, nt):
    published(nt)
    client.force_login(nt.users.community)
    assert "notices_tell" not in {f["key"] for f in client.get("/").context["figures"]}
