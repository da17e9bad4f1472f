from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_compact(town):
    """Lists, agreements, tasks in every state, red cards, a closed evaluation round."""
    from .demo import build_demo_compact

    return build_demo_compact(town.nodes, seed=town.rng.randrange(2**31))


def _tasks_count(status):
    """A task figure: the task list's own selector filtered like `?status=&year=` (all years).
    待签收 (assigned) applies to a community that handles tasks, 待验收 (done) to a department
    that reviews them."""

    def count(user):
        from gongzhi.core.scoping import has_perm_anywhere

        from . import permissions as perms
        from . import selectors

        needed = perms.HANDLE if status == "assigned" else perms.REVIEW
        if not has_perm_anywhere(user, needed):
            return None
        return selectors.community_tasks(user).filter(status=status).count()

    return count


def _task_url(status):
    def url(user):
        from django.urls import reverse

        return reverse("compact:task_list") + f"?status={status}&year="

    return url


class CompactConfig(AppConfig):
    name = "gongzhi.compact"
    label = "compact"
    verbose_name = _("政社互动")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, MenuEntry, MenuSection

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("compact", _("政社互动"), 40),),
            counters=(
                Counter("tasks_assigned", _("待签收任务"), _task_url("assigned"), _tasks_count("assigned"), 15),
                Counter("tasks_done", _("待我审批（任务验收）"), _task_url("done"), _tasks_count("done"), 65),
            ),
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
