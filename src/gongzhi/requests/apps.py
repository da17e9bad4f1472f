from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    """Service requests (诉求/工单). The label is "servicerequests" so it never clashes with the
    `requests` HTTP library in imports and permission strings."""

    name = "gongzhi.requests"
    label = "servicerequests"
    verbose_name = _("诉求办理")

    def ready(self):
        from . import transitions  # noqa: F401 (registers the workflow with the case engine)
