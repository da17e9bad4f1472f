from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_roles(sender, **kwargs):
    """Add this app's permissions to the seeded roles that exist (never removes one)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    from .permissions import ROLE_PERMISSIONS

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="organisations")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_organisations

    build_organisations(town)


def _overdue_url(user):
    from django.urls import reverse

    return reverse("organisations:pledges") + "?state=overdue"


def _overdue_count(user):
    """Open pledges past their due date: the rows of the list the figure opens."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors

    if not has_perm_anywhere(user, permissions.CHANGE_UNIT):
        return None
    return selectors.filter_pledges(selectors.pledges(user), "overdue").count()


def _body_panel(user, body):
    from .panels import body_panel

    return body_panel(user, body)


def _task_panel(user, task):
    from .panels import task_panel

    return task_panel(user, task)


def _task_panels(user, tasks):
    from .panels import task_panels

    return task_panels(user, tasks)


class OrganisationsConfig(AppConfig):
    """Social organisations, purchased services (三社联动) and 共驻共建 units with their pledges."""

    name = "gongzhi.organisations"
    label = "organisations"
    verbose_name = _("社会组织与共驻共建")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_organisations_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, MenuEntry, MenuSection, Panel

        from . import permissions as p

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("organisations", _("社会组织与共建"), 23),),
            menu=(
                MenuEntry("organisations", "organisations:orgs", _("社会组织"), (p.VIEW_ORG,), 10),
                MenuEntry("organisations", "organisations:services", _("政府购买服务"), (p.VIEW_SERVICE,), 20),
                MenuEntry("organisations", "organisations:units", _("驻区单位"), (p.VIEW_UNIT,), 30),
                MenuEntry("organisations", "organisations:pledges", _("共建承诺"), (p.VIEW_UNIT,), 40),
            ),
            demo=(
                DemoStep(
                    "organisations.register",
                    _demo,
                    order=125,
                    after=("accounts.users", "registry.residents"),
                ),
            ),
            counters=(
                Counter(
                    "pledges_overdue",
                    _("共建承诺超期"),
                    _overdue_url,
                    _overdue_count,
                    74,
                    None,
                    "organisations:pledges",
                    True,
                    True,
                ),
            ),
            # Member units on a body's page and the outside owner under a task: consultation
            # shows them without importing this app (docs/decisions/0032-page-panels.md).
            panels=(
                Panel("consultation.body", _body_panel, order=10),
                Panel("consultation.task", _task_panel, order=10, render_many=_task_panels),
            ),
        )
