from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _demo_requests(town):
    """Categories, a dispatcher, a visitor and requests in every stage, about one per 15
    residents (20–300)."""
    from .demo import build_demo_requests

    return build_demo_requests(town.nodes, n=max(20, min(300, town.target // 15)), seed=town.rng.randrange(2**31))


def _request_url(pk) -> str:
    from django.urls import reverse

    return reverse("requests_staff:detail", args=[pk])


def _readable_requests(user, ids) -> list[int]:
    """Those of `ids` the user may open (the request page's own rule, one query)."""
    from .models import ServiceRequest

    return list(ServiceRequest.objects.visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


class RequestsConfig(AppConfig):
    """Service requests (诉求/工单). The label is "servicerequests" so it never clashes with the
    `requests` HTTP library in imports and permission strings."""

    name = "gongzhi.requests"
    label = "servicerequests"
    verbose_name = _("诉求办理")

    def ready(self):
        from gongzhi.core.manifest import AppManifest, CaseLink, DemoStep, MenuEntry, MenuSection

        from . import (
            transitions,  # noqa: F401 (registers the workflow with the case engine)
            workbench,
        )
        from .choices import CASE_TYPE

        # What this app adds to the platform (docs/decisions/0011-app-manifests.md).
        view, assigned = "servicerequests.view_servicerequest", "servicerequests.view_assigned"
        self.manifest = AppManifest(
            menu_sections=(MenuSection("requests", _("诉求办理"), 20),),
            menu=(
                # A department sees the requests assigned to it only.
                MenuEntry(
                    "requests",
                    "requests_staff:dispatch_queue",
                    _("待派单诉求"),
                    ("servicerequests.dispatch_servicerequest",),
                    10,
                ),
                MenuEntry(
                    "requests",
                    "requests_staff:my_queue",
                    _("本单位承办诉求"),
                    ("servicerequests.handle_servicerequest",),
                    20,
                ),
                MenuEntry("requests", "requests_staff:list", _("辖区诉求"), (view,), 30),
                MenuEntry(
                    "requests",
                    "requests_staff:overdue",
                    _("超期督办"),
                    ("servicerequests.supervise_servicerequest",),
                    40,
                ),
                MenuEntry(
                    "requests",
                    "requests_staff:visit_queue",
                    _("待回访诉求"),
                    ("servicerequests.visit_servicerequest",),
                    45,
                ),
                MenuEntry(
                    "requests",
                    "requests_staff:file_field",
                    _("现场上报诉求"),
                    ("servicerequests.add_servicerequest",),
                    50,
                ),
                MenuEntry(
                    "requests",
                    "requests_staff:file_hotline",
                    _("热线来电登记"),
                    ("servicerequests.add_servicerequest",),
                    60,
                ),
                # The inbox of every case type (the case engine's), also linked from the header.
                MenuEntry("requests", "cases:inbox", _("站内通知"), (view, assigned), 70),
                MenuEntry("requests", "requests_staff:stats", _("诉求统计"), (view, assigned), 80),
            ),
            case_links=(CaseLink(CASE_TYPE, _request_url, _readable_requests),),
            counters=workbench.counters(),
            demo=(
                DemoStep(
                    "servicerequests.requests",
                    _demo_requests,
                    order=50,
                    after=("accounts.users", "registry.residents"),
                    atomic=False,  # commits request by request
                ),
            ),
        )
