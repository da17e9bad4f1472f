from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_roles(sender, **kwargs):
    """Add the legal services' permissions to the seeded roles that exist (never removes one)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    from .permissions import ROLE_PERMISSIONS

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="legal")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_legal

    build_legal(town)


def _awaiting_url(user):
    from django.urls import reverse

    return reverse("legal:referrals") + "?state=waiting"


def _awaiting_count(user):
    """Legal-aid referrals still awaiting the centre's answer: the rows of the list it opens,
    for those who record the answer."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors

    if not has_perm_anywhere(user, permissions.DECIDE_REFERRAL):
        return None
    return selectors.awaiting(user).count()


def _no_values():
    return ()


def _about_sensitive(model_name):
    """Ids of records of `model_name` about a resident in a sensitive group: the audit list
    hides them from readers without the sensitive right."""

    def ids(wanted):
        from django.apps import apps

        model = apps.get_model("legal", model_name)
        keys = [i for i in wanted if str(i).isdigit()]
        return {
            str(pk)
            for pk in model.objects.filter(pk__in=keys, resident__has_sensitive=True).values_list("pk", flat=True)
        }

    return ids


class LegalConfig(AppConfig):
    """Legal services of a community: its legal adviser (一村（社区）一法律顾问), the consultation
    log, legal-aid referrals and 普法 activities, with monthly figures."""

    name = "gongzhi.legal"
    label = "legal"
    verbose_name = _("法律服务")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_legal_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, HistoryReader, MenuEntry, MenuSection

        from . import permissions as p

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("legal", _("法律服务"), 26),),
            menu=(
                MenuEntry("legal", "legal:consultations", _("法律咨询登记"), (p.VIEW_CONSULTATION,), 10),
                MenuEntry("legal", "legal:referrals", _("法律援助转介"), (p.VIEW_REFERRAL,), 20),
                MenuEntry("legal", "legal:activities", _("普法宣传活动"), (p.VIEW_ACTIVITY,), 30),
                MenuEntry("legal", "legal:advisers", _("法律顾问"), (p.VIEW_ADVISER,), 40),
                MenuEntry("legal", "legal:figures", _("法律服务统计"), (p.VIEW_CONSULTATION,), 50),
            ),
            demo=(DemoStep("legal.services", _demo, order=98, after=("accounts.users", "registry.residents")),),
            history=(
                HistoryReader("legal.consultation", _no_values, _about_sensitive("Consultation")),
                HistoryReader("legal.referral", _no_values, _about_sensitive("Referral")),
                HistoryReader("legal.attendance", _no_values, _about_sensitive("Attendance")),
            ),
            counters=(
                Counter(
                    "legal_aid_waiting",
                    _("法律援助待答复"),
                    _awaiting_url,
                    _awaiting_count,
                    74,
                    None,
                    "legal:referrals",
                    True,
                ),
            ),
        )
