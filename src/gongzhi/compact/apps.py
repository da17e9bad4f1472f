from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_compact(town):
    """Lists, agreements, tasks in every state, red cards, a closed evaluation round."""
    from .demo import build_demo_compact

    return build_demo_compact(town.nodes, seed=town.rng.randrange(2**31))


class CompactConfig(AppConfig):
    name = "gongzhi.compact"
    label = "compact"
    verbose_name = _("政社互动")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, DemoStep, MenuEntry, MenuSection

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("compact", _("政社互动"), 40),),
            menu=(
                MenuEntry("compact", "compact:lists", _("事项清单"), ("compact.view_assistancelist",), 10),
                MenuEntry(
                    "compact", "compact:agreement_list", _("协助管理协议"), ("compact.view_compactagreement",), 20
                ),
                # A department sees the tasks it assigned, under its own label.
                MenuEntry("compact", "compact:task_list", _("社区任务"), ("compact.view_communitytask",), 30),
                MenuEntry(
                    "compact", "compact:task_list", _("本部门派发的任务"), ("compact.view_department_tasks",), 40
                ),
                MenuEntry("compact", "compact:redcard_list", _("红牌"), ("compact.view_redcard",), 50),
                MenuEntry("compact", "compact:round_list", _("双向评估"), ("compact.view_evaluationround",), 60),
                MenuEntry("compact", "compact:burden", _("减负报告"), ("compact.view_burden_report",), 70),
            ),
            demo=(
                DemoStep(
                    "compact.compact",
                    _demo_compact,
                    order=70,
                    after=("accounts.users", "registry.residents"),
                    atomic=False,  # one transaction of its own
                ),
            ),
        )
