from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _tick(now, out=None) -> int:
    """司法确认 and one-month reminders (clock.tick), for `gongzhi tick`: one line per kind
    sent, the total returned."""
    from .clock import tick

    sent = tick(now)
    for name, count in sent.items():
        if count and out:
            out(_("%(name)s %(count)s 条") % {"name": name, "count": count})
    return sum(sent.values())


def _demo_mediation(town):
    """Committees, grid mediators, the invited pool and about 100 disputes (the 宅基地 wall)."""
    from .demo import build_demo_mediation

    return build_demo_mediation(town.nodes, n=100, seed=town.rng.randrange(2**31))


class MediationConfig(AppConfig):
    """People's mediation (人民调解) on the case engine."""

    name = "gongzhi.mediation"
    label = "mediation"
    verbose_name = _("人民调解")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, DemoStep, MenuEntry, MenuSection

        from . import transitions  # noqa: F401 (registers the workflow with the case engine)

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        view, mediate = "mediation.view_dispute", "mediation.mediate_dispute"
        self.manifest = AppManifest(
            menu_sections=(MenuSection("mediation", _("人民调解"), 25),),
            menu=(
                MenuEntry("mediation", "mediation:list", _("调解案件"), (view, mediate), 10),
                MenuEntry("mediation", "mediation:review", _("每日研判"), ("mediation.review_dispute",), 20),
                MenuEntry("mediation", "mediation:stats", _("调解统计"), ("mediation.review_dispute",), 30),
            ),
            demo=(
                DemoStep(
                    "mediation.disputes",
                    _demo_mediation,
                    order=80,  # after the older apps: it draws from the shared stream after theirs
                    after=("accounts.users", "registry.residents"),
                    atomic=False,  # one transaction per dispute
                ),
            ),
            tick=_tick,
        )
