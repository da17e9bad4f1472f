from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationConfig(AppConfig):
    name = "gongzhi.consultation"
    label = "consultation"
    verbose_name = _("协商议事")

    def verify_copy(self, using):
        """Checks a backup or a restored database must pass (core backup/restore commands call
        every app's `verify_copy`): the disclosure chains, signed heads and ledger."""
        from .chain import check_all

        return check_all(using)
