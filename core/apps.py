from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared, domain-free pieces: the list kit and its template tags."""

    name = "core"
    verbose_name = _("Shared pieces")
