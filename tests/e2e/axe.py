"""The accessibility scan of the browser stories: axe-core (npm `axe-core`, version in
vendor/axe-core/VERSION, MPL-2.0, vendored so the suite needs no download) runs in the page and
a story fails on any violation of impact "serious" or "critical".

The script goes in as an init script of the context (sent over the DevTools protocol), so the
site's Content-Security-Policy, which refuses inline scripts, does not block it and the page's
own code is unchanged."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def install(page):
    """Load axe-core into every document `page`'s context opens from now on."""
    page.context.add_init_script(path=str(AXE))


def violations(page) -> list[str]:
    """The serious and critical violations on the page as it is now, one line each
    ("rule: target — message"), for the assertion's message."""
    results = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ["violations"]});
          return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n")[1])}));
        }"""
    )
    return [f"{v['id']}: {n}" for v in results if v["impact"] in BLOCKING for n in v["nodes"][:5]]


def assert_accessible(page, where: str):
    found = violations(page)
    assert found == [], f"{where}: {len(found)} serious/critical accessibility violations:\n" + "\n".join(found)
