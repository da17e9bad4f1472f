from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_consultation(town):
    """Councils with members, past meetings (one without quorum), decisions being carried out,
    a draft with comments and a disclosure board."""
    from .demo import build_demo_consultation

    build_demo_consultation(town.nodes, seed=town.rng.randrange(2**31))


def _tick(now, out=None):
    """Periodic work (`gongzhi tick`): expire matters whose co-signature period ended short of
    their threshold, and remind of obliged assemblies due within three days or overdue."""
    from django.utils import timezone

    from .services.matters import convening_due, expire_matters

    today = timezone.localtime(now).date()
    expired = expire_matters(today)
    due = convening_due(today)
    if out is not None:
        for matter in expired:
            out(f"议题“{matter.title}”（{matter.node.name}）联署期满未达门槛，已失效")
        for matter in due:
            state = "已逾期" if matter.convene_by < today else "即将到期"
            out(
                f"{matter.node.name}：议题“{matter.title}”联署已达法定人数，应于 {matter.convene_by:%Y-%m-%d} "
                f"前召集{matter.body.name}（{state}）"
            )
    return len(expired) + len(due)


def _pending_count(user):
    """待研判: the matter list's own selector with ?status=pending, for those who triage."""
    from gongzhi.core.scoping import has_perm_anywhere

    from . import permissions as perms
    from . import selectors
    from .choices import MatterStatus

    if not has_perm_anywhere(user, perms.TRIAGE):
        return None
    return selectors.matters(user).filter(status=MatterStatus.PENDING).count()


def _pending_url(user):
    from django.urls import reverse

    return reverse("consultation:matter_list") + "?status=pending"


class ConsultationConfig(AppConfig):
    name = "gongzhi.consultation"
    label = "consultation"
    verbose_name = _("协商议事")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, Counter, DemoStep, MenuEntry, MenuSection

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        self.manifest = AppManifest(
            menu_sections=(MenuSection("consultation", _("协商议事"), 30),),
            menu=(
                MenuEntry("consultation", "consultation:matter_list", _("议题"), ("consultation.view_matter",), 10),
                MenuEntry("consultation", "consultation:meeting_list", _("会议"), ("consultation.view_meeting",), 20),
                MenuEntry("consultation", "consultation:decision_list", _("决议"), ("consultation.view_decision",), 30),
                MenuEntry("consultation", "consultation:body_list", _("议事机构"), ("consultation.view_body",), 40),
                MenuEntry("consultation", "consultation:draft_list", _("征求意见"), ("consultation.view_draft",), 50),
                MenuEntry(
                    "consultation", "consultation:board_index", _("公开栏"), ("consultation.add_disclosureentry",), 60
                ),
            ),
            tick=_tick,
            counters=(
                Counter(
                    "matters_pending",
                    _("待研判议题"),
                    _pending_url,
                    _pending_count,
                    80,
                    None,
                    "consultation:matter_list",
                    True,
                ),
            ),
            demo=(
                DemoStep(
                    "consultation.councils",
                    _demo_consultation,
                    order=60,
                    after=("accounts.users", "registry.residents"),
                ),
            ),
        )

    def verify_copy(self, using):
        """Checks a backup or a restored database must pass (core backup/restore commands call
        every app's `verify_copy`): the disclosure chains, signed heads and ledger."""
        from .chain import check_all

        return check_all(using)
