from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Apps whose models hold text people type; their saves go through ``tasks.text.clean_text_fields``.
TEXT_CLEANED_APPS = ("tasks", "accountability")


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Targets and responsibility chain")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from core.text import clean_text_fields

        def clean_our_models(sender, instance, **kwargs):
            if sender._meta.app_label in TEXT_CLEANED_APPS:
                clean_text_fields(sender, instance)

        pre_save.connect(clean_our_models, dispatch_uid="tasks.clean_text_fields")
        # The ledger's rules for core.permissions.can.
        from . import permissions  # noqa: F401

        # The units' kept completion goes stale with every save it is judged from.
        from .services import unit_completion

        unit_completion.connect()
        # A leader's kept trend goes stale when his scope changes from his side (fields, units).
        from .services import leader_progress

        leader_progress.connect()
        # Every table counted (a later migration's too): the kept dashboard's key (change_counter).
        from django.db.models.signals import post_migrate

        from .services import change_counter

        post_migrate.connect(change_counter.installed_after_migrate, dispatch_uid="tasks.change_counter")
