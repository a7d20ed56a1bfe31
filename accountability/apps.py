from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "accountability"
    verbose_name = _("Supervision and accountability")

    def ready(self):
        from .views.approval_panels import register_panels as register_approval_panels
        from .views.checks import register_panels
        from .views.deliveries import register_panels as register_delivery_panels
        from .views.evaluation_panels import register_panels as register_evaluation_panels
        from .views.instruction_panels import register_panels as register_instruction_panels
        from .views.leader_digest import register_panels as register_leader_digest_panels
        from .views.notice_panels import register_panels as register_notice_panels
        from .views.province import register_panels as register_province_panels
        from .views.score_panels import register_panels as register_score_panels

        register_panels()
        register_notice_panels()
        register_score_panels()
        register_instruction_panels()
        register_approval_panels()
        register_province_panels()
        register_evaluation_panels()
        register_leader_digest_panels()
        register_delivery_panels()
        # The five lists: task and close-out notices when the ledger issues or closes an assignment;
        # the signed letter's veto on assignment changes (tasks.signals.assignment_changing) and its
        # record of granted extensions; the points a close-out earned, taken back on a redo.
        from . import permissions, receivers  # noqa: F401
        from .services import letters, notices, redo  # noqa: F401

        notices.connect()  # a warning saved: its unit's kept judgments are stale
