from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Targets and responsibility chain")

    def ready(self):
        # History reasons longer than the history column keeps are cut, never refused.
        from . import history  # noqa: F401
