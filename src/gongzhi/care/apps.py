from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What each seeded role may do in care (roles are seeded by accounts; this app adds its own
# permissions to them, and like accounts' seeding never removes one).
ROLE_PERMISSIONS = {
    "town": [
        "view_planitem",
        "view_visit",
        "view_completion",
        "export_completion",
        "view_caregroup",
        "add_caregroup",
        "change_caregroup",
        "view_carer",
        "add_carer",
        "delete_carer",
    ],
    "community": [
        "view_planitem",
        "view_visit",
        "view_completion",
        "export_completion",
        "view_caregroup",
        "view_carer",
        "add_carer",
        "delete_carer",
    ],
    "grid": ["view_planitem", "view_visit", "conduct_visit", "view_caregroup"],
    "supervisor": ["view_planitem", "view_visit", "view_completion", "view_caregroup"],
    "sensitive": ["conduct_visit", "view_caregroup"],
}


def _seed_roles(sender, **kwargs):
    """Add care's permissions to the seeded roles that exist (after accounts seeded them)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="care")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_care

    build_care(town)


def _volunteers_demo(town):
    from .volunteering.demo import build_volunteers

    build_volunteers(town)


def _no_values():
    """Care entries log no tag lists: the labels they keep are plain by rule."""
    return ()


def _all_ids(ids):
    """Every carer assignment is about a person in a special group."""
    return ids


def _special(model_name):
    def ids(ids):
        from django.apps import apps

        model = apps.get_model("care", model_name)
        wanted = [i for i in ids if i.isdigit()]
        return {str(pk) for pk in model.objects.filter(pk__in=wanted, special=True).values_list("pk", flat=True)}

    return ids


def _seed_points_roles(sender, **kwargs):
    from .points.permissions import seed_roles

    seed_roles(sender, **kwargs)


def _points_demo(town):
    from .points.demo import build_points

    build_points(town)


def _tick(now, out=None):
    from .plans import tick

    return tick(now, out)


def _due_count(user):
    """本月待走访: the items of my visit list this month (care:my_list) not visited yet — the
    list's own selector and filter."""
    from django.utils import timezone

    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors
    from .choices import ItemStatus

    if not has_perm_anywhere(user, permissions.CONDUCT_VISIT):
        return None
    month = selectors.month_start(timezone.localdate())
    return selectors.plan_items_for(user).filter(month=month, worker_id=user.pk, status=ItemStatus.PLANNED).count()


def _due_url(user):
    from django.urls import reverse

    return reverse("care:my_list")


class CareConfig(AppConfig):
    """Care and visits (六必访, 民情日记, carers of special groups)."""

    name = "gongzhi.care"
    label = "care"
    verbose_name = _("关爱走访")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_care_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, HistoryReader, MenuEntry, MenuSection

        from .volunteering import setup as volunteering

        post_migrate.connect(volunteering.seed_roles, dispatch_uid="gongzhi_care_volunteer_roles")
        post_migrate.connect(_seed_points_roles, dispatch_uid="gongzhi_care_points_seed_roles")

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("care", _("关爱走访"), 25),),
            menu=(
                MenuEntry("care", "care:my_list", _("我的走访"), ("care.conduct_visit",), 10),
                MenuEntry("care", "care:completion", _("走访完成情况"), ("care.view_completion",), 20),
                MenuEntry("care", "care:figures", _("走访统计"), ("care.view_completion",), 25),
                MenuEntry("care", "care:volunteers:roster", _("志愿者"), ("care.view_volunteer",), 40),
                MenuEntry("care", "care:volunteers:activities", _("志愿活动"), ("care.view_activity",), 45),
                MenuEntry("care", "care:points:schemes", _("积分管理"), ("care.view_pointsscheme",), 50),
            ),
            demo=(
                DemoStep(
                    "care.plans",
                    _demo,
                    order=90,
                    after=("accounts.users", "registry.residents", "servicerequests.requests"),
                ),
                DemoStep(
                    "care.volunteers", _volunteers_demo, order=96, after=("care.plans",), exists=volunteering.exists
                ),
                DemoStep("care.points", _points_demo, order=97, after=("care.plans", "accounts.resident_link")),
            ),
            # The audit list hides entries about special groups' subjects from readers without
            # the sensitive right (core/history.py), like the registry's own entries.
            history=(
                HistoryReader("care.carer", _no_values, _all_ids),
                HistoryReader("care.visit", _no_values, _special("Visit")),
                HistoryReader("care.planitem", _no_values, _special("PlanItem")),
            ),
            tick=_tick,
            # The figures page (care:figures) is a menu link, not a workbench figure: a figure
            # there must equal the rows of the list it opens (tests/workbench_checks.py).
            counters=(Counter("care_due", _("本月待走访"), _due_url, _due_count, 70, None, "care:my_list", True),),
        )
