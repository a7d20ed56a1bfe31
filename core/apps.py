from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared, domain-free pieces: clock, periods, access, can(), errors, views, lists, Excel, history."""

    name = "core"
    verbose_name = _("Shared pieces")

    def ready(self) -> None:
        # History reasons longer than the history column keeps are cut, never refused.
        from . import history  # noqa: F401
