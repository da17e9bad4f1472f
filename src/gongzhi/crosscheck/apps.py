from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_roles(sender, **kwargs):
    """Create the delivery role if missing and add this app's permissions to the seeded roles
    that exist (never removes one)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    from .permissions import DELIVERY_ROLE, ROLE_PERMISSIONS

    Role.objects.get_or_create(
        slug=DELIVERY_ROLE,
        defaults={
            "name": "跨镇比对投递",
            "description": "省里的跨镇比对作业用此角色的令牌向本辖区投递比对结果；不能查看任何记录",
        },
    )
    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="crosscheck")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _open_url(user):
    from django.urls import reverse

    return reverse("crosscheck:findings") + "?state=new"


def _open_count(user):
    """Findings delivered and not yet looked at (待核实) where the user may mark them."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors

    if not has_perm_anywhere(user, permissions.HANDLE):
        return None
    return selectors.filter_findings(selectors.findings(user), "new").count()


class CrosscheckConfig(AppConfig):
    """Cross-checks between towns (跨镇比对): each town exports a pseudonymous Parquet snapshot of
    its registry (`gongzhi export-parquet`); the province runs the checks over many snapshots on
    Apache Spark (`gongzhi crosscheck`) and sends each town its findings, as a workbook only the
    town can re-identify (`gongzhi crosscheck-identify`) or through the town's API
    (`--deliver`), where they become tasks for the town's staff, matched to its residents on
    arrival (models.Finding)."""

    name = "gongzhi.crosscheck"
    label = "crosscheck"
    verbose_name = _("跨镇比对")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_crosscheck_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, MenuEntry

        from . import permissions as p

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md): the list
        # of delivered findings beside the registry it is about, and a workbench figure.
        self.manifest = AppManifest(
            menu=(MenuEntry("population", "crosscheck:findings", _("跨镇比对结果"), (p.VIEW,), 65),),
            counters=(
                Counter(
                    "crosscheck_new",
                    _("跨镇比对待核实"),
                    _open_url,
                    _open_count,
                    74,
                    None,
                    "crosscheck:findings",
                    True,
                    False,
                ),
            ),
        )
