from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running the site: its health, its metrics and its backups. No models."""

    name = "ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from . import job_metrics

        job_metrics.connect()
