"""退回重办 in the points ledger: what a close-out earned is taken back when the office returns the
assignment for redo (the ledger announces it with ``tasks.signals.assignment_reopened``, inside its
transaction, so the reversal and the return stand or fall together)."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from tasks import signals
from tasks.models import Assignment

from ..models import ScoreEntry
from .points import reverse_entry
from .scoring_events import COMPLETION_RULES


def reverse_completion_points(assignment: Assignment, *, reason: str) -> list[ScoreEntry]:
    """Reverse the completion entries (lead or co-unit bonus, early or over target) not reversed yet."""
    entries = ScoreEntry.objects.filter(
        assignment=assignment, rule__code__in=COMPLETION_RULES, reversal__isnull=True, reverses__isnull=True
    ).order_by("pk")
    reversals = []
    with translation.override(settings.LANGUAGE_CODE):
        for entry in entries:
            text = _("Returned for redo (%(why)s), taken back: %(reason)s") % {"why": reason, "reason": entry.reason}
            reversals.append(reverse_entry(entry, reason=text))
    return reversals


@receiver(signals.assignment_reopened, dispatch_uid="accountability_redo_reverses_points")
def on_reopened(sender, *, assignment: Assignment, reason: str = "", was_closed: bool = False, **kwargs) -> None:
    if was_closed:
        reverse_completion_points(assignment, reason=reason)
