from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_roles(sender, **kwargs):
    """Add civil's permissions to the seeded roles that exist (after accounts seeded them)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    from .permissions import ROLE_PERMISSIONS

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="civil")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_civil

    build_civil(town)


def _vote_refusal(matter):
    from .services.stability import vote_refusal

    return vote_refusal(matter)


def _panel(user, matter):
    from .views.stability import matter_panel

    return matter_panel(user, matter)


def _no_values():
    return ()


def _sensitive_applications(ids):
    """Application records about a resident in a sensitive group."""
    from .models import RuleApplication

    wanted = [i for i in ids if i.isdigit()]
    rows = RuleApplication.objects.filter(pk__in=wanted, resident__has_sensitive=True).values_list("pk", flat=True)
    return {str(pk) for pk in rows}


class CivilConfig(AppConfig):
    """Community rules (村规民约/居民公约, 自治章程, 实施细则) and social-stability risk
    assessments (稳评) of major matters."""

    name = "gongzhi.civil"
    label = "civil"
    verbose_name = _("村规民约与稳评")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_civil_seed_roles")
        from gongzhi.consultation import gates
        from gongzhi.core.manifest import AppManifest, DemoStep, HistoryReader, MenuEntry

        # A 重大事项's vote waits for its filed 稳评 (consultation/gates.py explains the hook).
        gates.register(gates.VoteGate("civil.risk_assessment", _vote_refusal, _panel))
        # What this app adds to the platform (docs/decisions/0011-app-manifests.md): entries
        # under consultation's heading, where the rules are amended and major matters voted.
        self.manifest = AppManifest(
            menu=(
                MenuEntry("consultation", "civil:document_list", _("村规民约"), ("civil.view_rulesdocument",), 70),
                MenuEntry(
                    "consultation", "civil:application_list", _("村规民约执行"), ("civil.view_ruleapplication",), 75
                ),
                MenuEntry("consultation", "civil:assessment_list", _("稳评"), ("civil.view_riskassessment",), 80),
            ),
            demo=(DemoStep("civil.rules", _demo, order=98, after=("consultation.councils", "accounts.users")),),
            history=(HistoryReader("civil.ruleapplication", _no_values, _sensitive_applications),),
        )
