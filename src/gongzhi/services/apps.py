from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_roles(sender, **kwargs):
    """Add the hall's permissions to the seeded roles that exist (never removes one)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    from .permissions import ROLE_PERMISSIONS

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="services")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])


def _demo(town):
    from .demo import build_hall

    build_hall(town)


def _due_url(user):
    from django.urls import reverse

    return reverse("services:errands") + "?state=due"


def _due_count(user):
    """代办 due within one working day or overdue: the rows of the list the figure opens."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions, selectors

    if not has_perm_anywhere(user, permissions.STEP_ERRAND):
        return None
    return selectors.filter_errands(selectors.errands(user), "due").count()


def _due_urgent(user, limit):
    from django.urls import reverse

    from . import selectors

    rows = selectors.filter_errands(selectors.errands(user), "due").order_by("deadline", "id")[:limit]
    return [(f"{e.code} {e.item.name} {e.deadline:%m-%d}", reverse("services:errand", args=[e.pk])) for e in rows]


def _no_values():
    return ()


def _about_sensitive(model_name):
    """History entries of enquiries or 代办 about a resident in a sensitive group (hidden from
    the audit list's readers without the sensitive right: they name her)."""

    def ids(wanted):
        from django.apps import apps

        model = apps.get_model("services", model_name)
        keys = [i for i in wanted if str(i).isdigit()]
        found = model.objects.filter(pk__in=keys, resident__has_sensitive=True).values_list("pk", flat=True)
        return {str(pk) for pk in found}

    return ids


class ServicesConfig(AppConfig):
    """The service hall (便民服务中心): catalogue of items, 首问负责 log, 代办."""

    name = "gongzhi.services"
    label = "services"
    verbose_name = _("便民服务")

    def ready(self):
        post_migrate.connect(_seed_roles, dispatch_uid="gongzhi_services_seed_roles")
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, HistoryReader, MenuEntry, MenuSection

        from . import permissions as p

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("services", _("便民服务"), 22),),
            menu=(
                MenuEntry("services", "services:enquiries", _("首问登记"), (p.VIEW_ENQUIRY,), 10),
                MenuEntry("services", "services:errands", _("代办事项"), (p.VIEW_ERRAND,), 20),
                MenuEntry("services", "services:items", _("服务事项"), (p.VIEW_ITEM,), 30),
                MenuEntry("services", "services:figures", _("便民服务统计"), (p.VIEW_ERRAND,), 40),
            ),
            demo=(
                DemoStep(
                    "services.hall",
                    _demo,
                    order=98,
                    after=("accounts.users", "registry.residents", "accounts.resident_link"),
                ),
            ),
            history=(
                HistoryReader("services.enquiry", _no_values, _about_sensitive("enquiry")),
                HistoryReader("services.errand", _no_values, _about_sensitive("errand")),
            ),
            counters=(
                Counter(
                    "hall_due",
                    _("代办即将到期/超期"),
                    _due_url,
                    _due_count,
                    72,
                    _due_urgent,
                    "services:errands",
                    True,
                    True,
                ),
            ),
        )
