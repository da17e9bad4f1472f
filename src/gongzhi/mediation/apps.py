from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _tick(now, out=None) -> int:
    """司法确认 and one-month reminders (clock.tick) and the archiving of disputes past their
    retention period (archive.archive_due), for `gongzhi tick`: one line per kind done, the
    total returned."""
    from .archive import archive_due
    from .clock import tick

    sent = tick(now)
    sent["mediation_archived"] = archive_due(now)
    for name, count in sent.items():
        if count and out:
            out(_("%(name)s %(count)s 条") % {"name": name, "count": count})
    return sum(sent.values())


def _demo_mediation(town):
    """Committees, grid mediators, the invited pool and about 100 disputes (the 宅基地 wall)."""
    from .demo import build_demo_mediation

    return build_demo_mediation(town.nodes, n=100, seed=town.rng.randrange(2**31))


def _dispute_url(pk) -> str:
    from django.urls import reverse

    return reverse("mediation:detail", args=[pk])


def _readable_disputes(user, ids) -> list[int]:
    """Those of `ids` the user may open (the dispute page's own rule, `selectors.visible_to`)."""
    from .models import Dispute
    from .selectors import visible_to

    return list(visible_to(user, Dispute.objects.filter(pk__in=list(ids))).values_list("pk", flat=True))


def _disputes(user, state):
    """The dispute list's own selector and state filter (mediation/views/lists.py), or None
    when the user reads no disputes."""
    from django.utils import timezone

    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions as p
    from .selectors import visible_to

    if not (has_perm_anywhere(user, p.VIEW) or has_perm_anywhere(user, p.MEDIATE)):
        return None
    qs = visible_to(user)
    return qs.overdue(timezone.now()) if state == "overdue" else qs.open()


def _open_count(user):
    qs = _disputes(user, "open")
    return None if qs is None else qs.count()


def _overdue_count(user):
    qs = _disputes(user, "overdue")
    return None if qs is None else qs.count()


def _list_url(state):
    def url(user):
        from django.urls import reverse

        return reverse("mediation:list") + f"?state={state}"

    return url


class MediationConfig(AppConfig):
    """People's mediation (人民调解) on the case engine."""

    name = "gongzhi.mediation"
    label = "mediation"
    verbose_name = _("人民调解")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, CaseLink, Counter, DemoStep, MenuEntry, MenuSection

        from . import transitions  # noqa: F401 (registers the workflow with the case engine)
        from .choices import CASE_TYPE

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        view, mediate = "mediation.view_dispute", "mediation.mediate_dispute"
        self.manifest = AppManifest(
            menu_sections=(MenuSection("mediation", _("人民调解"), 25),),
            menu=(
                MenuEntry("mediation", "mediation:list", _("调解案件"), (view, mediate), 10),
                MenuEntry("mediation", "mediation:review", _("每日研判"), ("mediation.review_dispute",), 20),
                MenuEntry("mediation", "mediation:stats", _("调解统计"), ("mediation.review_dispute",), 25),
                # The inbox of every case type (the reminders of mediation.clock arrive there).
                MenuEntry("mediation", "cases:inbox", _("站内通知"), (view, mediate), 30),
            ),
            case_links=(CaseLink(CASE_TYPE, _dispute_url, _readable_disputes),),
            counters=(
                Counter("disputes_open", _("调解中"), _list_url("open"), _open_count, 75, None, "mediation:list", True),
                Counter("disputes_overdue", _("调解超期"), _list_url("overdue"), _overdue_count, 76, alert=True),
            ),
            demo=(
                DemoStep(
                    "mediation.disputes",
                    _demo_mediation,
                    order=80,  # after the older apps: it draws from the shared stream after theirs
                    after=("accounts.users", "registry.residents"),
                    atomic=False,  # one transaction per dispute
                ),
            ),
            tick=_tick,
        )
