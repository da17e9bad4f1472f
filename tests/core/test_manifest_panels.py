"""Panels one app adds to another app's page (core/manifest.py `Panel`, decision 0032): shown
by `order`, None means nothing to show, and a page of many objects asks `render_many` once."""

from types import SimpleNamespace

from gongzhi.core import manifest
from gongzhi.core.manifest import AppManifest, Panel


def _apps(monkeypatch, *manifests):
    monkeypatch.setattr(manifest, "apps", lambda: [(f"app{i}", m) for i, m in enumerate(manifests)])


def test_panels_by_order_and_none_left_out(monkeypatch):
    _apps(
        monkeypatch,
        AppManifest(panels=(Panel("x.page", lambda u, o: ("b.html", {"n": o.pk}), order=20),)),
        AppManifest(
            panels=(
                Panel("x.page", lambda u, o: ("a.html", {}), order=10),
                Panel("x.page", lambda u, o: None, order=5),
                Panel("y.page", lambda u, o: ("other.html", {}), order=1),
            )
        ),
    )
    shown = manifest.panels("x.page", None, SimpleNamespace(pk=7))
    assert [(p.template, p.context) for p in shown] == [("a.html", {}), ("b.html", {"n": 7})]
    assert manifest.panels("z.page", None, SimpleNamespace(pk=7)) == []


def test_panels_each_asks_render_many_once(monkeypatch):
    calls = []

    def many(user, objs):
        calls.append([o.pk for o in objs])
        return {objs[0].pk: ("many.html", {})}

    _apps(
        monkeypatch,
        AppManifest(panels=(Panel("x.task", lambda u, o: ("one.html", {}), render_many=many),)),
        AppManifest(panels=(Panel("x.task", lambda u, o: ("each.html", {}) if o.pk == 2 else None, order=60),)),
    )
    objs = [SimpleNamespace(pk=1), SimpleNamespace(pk=2)]
    shown = manifest.panels_each("x.task", None, objs)
    assert calls == [[1, 2]]
    assert {pk: [p.template for p in ps] for pk, ps in shown.items()} == {1: ["many.html"], 2: ["each.html"]}
    assert manifest.panels_each("x.task", None, []) == {}
