from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# What each seeded role may do with surveys (roles are seeded by accounts; this app adds its
# own permissions to them and, like accounts' seeding, never removes one). A linked resident
# holds the resident role's on their community (accounts/scoping.py).
ROLE_PERMISSIONS = {
    "town": [
        "view_survey",
        "add_survey",
        "change_survey",
        "enter_paper",
        "publish_survey",
        "export_survey",
    ],
    "community": [
        "view_survey",
        "add_survey",
        "change_survey",
        "enter_paper",
        "publish_survey",
        "export_survey",
    ],
    "grid": ["view_survey", "record_answer"],
    "supervisor": ["view_survey"],
    "resident": ["answer_survey"],
}


def _seed_roles(sender, **kwargs):
    """Add the surveys permissions to the seeded roles that exist (after accounts seeded them)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="surveys")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_surveys

    build_surveys(town)


def _no_values():
    """Survey entries log no tag lists."""
    return ()


def _sensitive_respondents(ids):
    """Answers given by a person in a sensitive group: their audit entries are restricted like
    the registry's own (core/history.py)."""
    from .models import Response

    wanted = [i for i in ids if str(i).isdigit()]
    found = Response.objects.filter(pk__in=wanted, resident__has_sensitive=True).values_list("pk", flat=True)
    return {str(pk) for pk in found}


def _open_count(user):
    """待作答问卷: the open surveys of my list (surveys:mine) I have not answered — the list's
    own selector."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors
    from .choices import SurveyStatus

    if not has_perm_anywhere(user, permissions.ANSWER) or not getattr(user, "resident_id", None):
        return None
    return (
        selectors.for_resident(user)
        .filter(status=SurveyStatus.OPEN)
        .exclude(responses__resident_id=user.resident_id)
        .count()
    )


def _open_url(user):
    from django.urls import reverse

    return reverse("surveys:mine") + "?todo=1"


class SurveysConfig(AppConfig):
    """Surveys and votes of residents and households (问卷调查、入户表决、满意度测评)."""

    name = "gongzhi.surveys"
    label = "surveys"
    verbose_name = _("问卷调查")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_surveys_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, HistoryReader, MenuEntry, MenuSection

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("surveys", _("问卷调查"), 35),),
            menu=(
                MenuEntry("surveys", "surveys:list", _("问卷与表决"), ("surveys.view_survey",), 10),
                MenuEntry("surveys", "surveys:satisfaction", _("满意度年度统计"), ("surveys.view_survey",), 20),
                MenuEntry("surveys", "surveys:mine", _("参与问卷"), ("surveys.answer_survey",), 30),
            ),
            demo=(
                DemoStep(
                    "surveys.surveys",
                    _demo,
                    order=99,
                    after=("accounts.users", "accounts.resident_link", "registry.residents", "consultation.councils"),
                ),
            ),
            history=(HistoryReader("surveys.response", _no_values, _sensitive_respondents),),
            counters=(
                Counter("surveys_open", _("待作答问卷"), _open_url, _open_count, 80, None, "surveys:mine", True),
            ),
        )
