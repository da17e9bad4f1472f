"""Every installed Gongzhi app's manifest is well formed: menu entries resolve and sit in a
declared section, demo steps form an order, history readers name real models, and each
single-provider part (grants, tokens, unmask log) has exactly one provider."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from gongzhi.core import manifest
from gongzhi.core.manifest import AppManifest, DemoStep, MenuEntry, MenuSection

GONGZHI_APPS = [c for c in apps.get_app_configs() if c.name.startswith("gongzhi.")]


def test_every_gongzhi_app_declares_a_manifest_core_reads():
    labels = [label for label, _m in manifest.apps()]
    for config in GONGZHI_APPS:
        if config.label == "cases":  # the case engine adds nothing of its own to the shared parts
            continue
        assert isinstance(config.manifest, AppManifest), config.label
        assert config.label in labels


@pytest.mark.parametrize("config", [c for c in GONGZHI_APPS if getattr(c, "manifest", None)], ids=lambda c: c.label)
def test_manifest_is_valid(config):
    m = config.manifest
    sections = {s.key: s for _label, other in manifest.apps() for s in other.menu_sections}
    for entry in m.menu:
        assert isinstance(entry, MenuEntry)
        assert entry.section in sections, (config.label, entry.url)
        assert reverse(entry.url)  # resolves without arguments
        assert entry.perms and all(p.count(".") == 1 for p in entry.perms), entry.url
        for perm in entry.perms:
            app_label, codename = perm.split(".")
            assert apps.get_app_config(app_label), perm
    for step in m.demo:
        assert isinstance(step, DemoStep) and callable(step.build)
        assert step.name.split(".")[0] == config.label, step.name  # named after its app
    for reader in m.history:
        assert apps.get_model(reader.model)
        assert callable(reader.sensitive_values) and callable(reader.sensitive_ids)


def test_sections_shared_by_key_have_one_label_and_order():
    seen = {}
    for _label, m in manifest.apps():
        for s in m.menu_sections:
            assert seen.setdefault(s.key, s) == s, s.key


def test_menu_sections_in_order():
    labels = [str(label) for label, _entries in manifest.menu()]
    assert labels == [
        "人口与区划",
        "地图",
        "诉求办理",
        "便民服务",
        "社会组织与共建",
        "人民调解",
        "关爱走访",
        "法律服务",
        "入户排查",
        "通知公告",
        "协商议事",
        "问卷调查",
        "政社互动",
        "监督",
    ]


def test_single_providers():
    for name in manifest.PROVIDED:
        assert callable(manifest.provider(name))


def test_demo_steps_run_after_what_they_need():
    steps = manifest.demo_steps()
    names = [s.name for s in steps]
    assert len(names) == len(set(names))
    for i, step in enumerate(steps):
        assert set(step.after) <= set(names[:i]), step.name
    # The same seed gives the same town only if the order never changes.
    assert names == [
        "registry.tags",
        "territory.town",
        "accounts.users",
        "registry.residents",
        "servicerequests.requests",
        "consultation.councils",
        "compact.compact",
        "mediation.disputes",
        "care.plans",
        "accounts.resident_link",  # after care: it links 刘大爷 to the resident care named
        "care.volunteers",
        "care.points",  # after the link: 刘大爷 appeals a deduction from his own account
        "civil.rules",  # the 居民公约 amended on a council decision, a filed 稳评
        "legal.services",  # draws nothing from the stream
        "notices.notices",
        "services.hall",  # after the link: 刘大爷's 代办 shows under 我的代办
        "surveys.surveys",  # it draws from the stream after every step that does
        "campaigns.campaign",  # draws nothing from the stream
        "organisations.register",  # draws nothing either: residents are taken in id order
    ]


def test_tick_hooks_are_the_apps_periodic_work():
    # `gongzhi tick` runs these after its own reminders: consultation's expiring co-signatures
    # and convening deadlines, mediation's 司法确认 and one-month reminders, care's monthly
    # visit plans.
    hooks = [label for label, hook in manifest.tick_hooks() if callable(hook)]
    assert hooks == ["consultation", "mediation", "care"]


def test_demo_order_refuses_a_missing_step(monkeypatch):
    broken = AppManifest(demo=(DemoStep("x.orphan", lambda town: None, order=1, after=("x.missing",)),))
    monkeypatch.setattr(manifest, "apps", lambda: [("x", broken)])
    with pytest.raises(ImproperlyConfigured, match="x.orphan"):
        manifest.demo_steps()


def test_menu_merges_sections_and_orders_entries(monkeypatch):
    a = AppManifest(
        menu_sections=(MenuSection("s", "S", 20), MenuSection("t", "T", 10)),
        menu=(MenuEntry("s", "home", "two", ("x.y",), 20),),
    )
    b = AppManifest(menu=(MenuEntry("s", "home", "one", ("x.y",), 10), MenuEntry("u", "home", "lost", ("x.y",), 1)))
    monkeypatch.setattr(manifest, "apps", lambda: [("a", a), ("b", b)])
    # A section without entries is left out; an entry of an undeclared section has nowhere to go.
    assert [(label, [e.label for e in entries]) for label, entries in manifest.menu()] == [("S", ["one", "two"])]


def test_system_check_passes_and_reports_a_missing_provider(monkeypatch):
    from gongzhi.core.checks import app_manifests

    assert app_manifests() == []
    without_accounts = [(label, m) for label, m in manifest.apps() if label != "accounts"]
    monkeypatch.setattr(manifest, "apps", lambda: without_accounts)
    errors = app_manifests()
    assert {e.id for e in errors} == {"core.E002"}
    assert any("grant_rows" in e.msg for e in errors) and any("token_user" in e.msg for e in errors)


def test_every_case_type_says_how_to_link_to_its_cases():
    # The inbox links each notification to its case's page through these (cases/inbox.py).
    from gongzhi.cases.workflow import _REGISTRY

    links = manifest.case_links()
    assert set(links) == set(_REGISTRY) == {"servicerequest", "mediation"}
    assert links["servicerequest"].url(7) == "/requests/staff/7/"
    assert links["mediation"].url(7) == "/mediation/7/"


def test_a_case_type_linked_twice_is_refused(monkeypatch):
    from gongzhi.core.checks import app_manifests
    from gongzhi.core.manifest import CaseLink

    twice = AppManifest(case_links=(CaseLink("mediation", str, lambda user, ids: ids),))
    monkeypatch.setattr(manifest, "apps", lambda: [*manifest._manifests(), ("x", twice)])
    with pytest.raises(ImproperlyConfigured, match="mediation"):
        manifest.case_links()
    assert any("mediation" in e.msg and e.id == "core.E002" for e in app_manifests())


def test_workbench_counters_are_declared_once_and_badge_real_menu_entries():
    from django.urls import reverse

    counters = manifest.counters()
    keys = [c.key for c in counters]
    assert len(keys) == len(set(keys))
    assert {"accept", "dispatch", "soon", "overdue", "visit", "unread", "care_due"} <= set(keys)
    assert [c.order for c in counters] == sorted(c.order for c in counters)
    for c in counters:
        if c.menu:
            reverse(c.menu)


def test_a_counter_declared_twice_is_refused(monkeypatch):
    from gongzhi.core.checks import app_manifests
    from gongzhi.core.manifest import Counter

    twice = AppManifest(counters=(Counter("unread", "x", str, lambda user: 0, 1),))
    monkeypatch.setattr(manifest, "apps", lambda: [*manifest._manifests(), ("x", twice)])
    with pytest.raises(ImproperlyConfigured, match="unread"):
        manifest.counters()
    assert any("unread" in e.msg and e.id == "core.E002" for e in app_manifests())
