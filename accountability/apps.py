from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Supervision and accountability")

    def ready(self):
        from .views.checks import register_panels

        register_panels()
        # Connects the signed letter's veto on assignment changes (tasks.signals.assignment_changing).
        from .services import letters  # noqa: F401
