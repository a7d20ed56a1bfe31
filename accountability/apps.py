from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Supervision and accountability")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the ledger's signals)
