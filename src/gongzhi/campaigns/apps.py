from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What each seeded role may do in campaigns (roles are seeded by accounts; this app adds its
# own permissions to them and, like accounts' seeding, never removes one).
ROLE_PERMISSIONS = {
    "town": ["view_campaign", "add_campaign", "change_campaign", "export_campaign"],
    "community": ["view_campaign", "add_campaign", "change_campaign", "export_campaign"],
    "grid": ["conduct_campaign"],
    "supervisor": ["view_campaign"],
}


def _seed_roles(sender, **kwargs):
    """Add campaigns' permissions to the seeded roles that exist (after accounts seeded them)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="campaigns")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_campaign

    build_campaign(town)


def _pending_count(user):
    """待排查住户: my households not yet visited on running campaigns — the rows of the
    list it opens (campaigns:pending) counted by its own selector."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors

    if not has_perm_anywhere(user, permissions.CONDUCT):
        return None
    return selectors.my_pending_count(user)


def _pending_url(user):
    from django.urls import reverse

    return reverse("campaigns:pending")


def _assignment_ids(ids):
    """Campaign households with a member in a sensitive group (their audit entries carry the
    answers' status and note)."""
    from django.apps import apps

    model = apps.get_model("campaigns", "Assignment")
    wanted = [i for i in ids if str(i).isdigit()]
    return {str(pk) for pk in model.objects.filter(pk__in=wanted, sensitive=True).values_list("pk", flat=True)}


def _no_values():
    return ()


class CampaignsConfig(AppConfig):
    """Door-to-door campaigns (入户排查): a checklist taken to every household of an area."""

    name = "gongzhi.campaigns"
    label = "campaigns"
    verbose_name = _("入户排查")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_campaigns_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, HistoryReader, MenuEntry, MenuSection

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("campaigns", _("入户排查"), 27),),
            menu=(
                MenuEntry("campaigns", "campaigns:mine", _("我的入户排查"), ("campaigns.conduct_campaign",), 10),
                MenuEntry("campaigns", "campaigns:list", _("入户排查"), ("campaigns.view_campaign",), 20),
            ),
            demo=(
                DemoStep(
                    "campaigns.campaign",
                    _demo,
                    order=120,
                    after=("accounts.users", "registry.residents", "servicerequests.requests"),
                ),
            ),
            history=(HistoryReader("campaigns.assignment", _no_values, _assignment_ids),),
            counters=(
                Counter(
                    "campaign_pending", _("待排查住户"), _pending_url, _pending_count, 75, None, "campaigns:mine", True
                ),
            ),
        )
