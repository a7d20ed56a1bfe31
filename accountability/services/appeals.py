"""Appeals (申诉): a unit disputes an entry; the office upholds it or reverses it with a new entry."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core import clock
from core.errors import RuleViolation
from tasks.services import check_evidence_file, refuse_closed_year, save_with_history, validate_and_save

from ..choices import AppealStatus
from ..models import Appeal, ScoreEntry
from .points import reverse_entry
from .rules import ensure_default_rules


def file_appeal(entry: ScoreEntry, *, reason: str, acting_user, evidence=None) -> Appeal:
    """The unit says why the entry is wrong, optionally with a file that shows it."""
    if entry.is_reversal:
        raise RuleViolation(_("A reversal cannot be appealed."))
    refuse_closed_year(entry.occurred_on.year)
    if Appeal.objects.filter(entry=entry).exists():
        raise RuleViolation(_("This entry has already been appealed; an entry can be appealed once."))
    if not reason.strip():
        raise RuleViolation({"reason": [_("Say why the entry is wrong.")]})
    if evidence is not None:
        check_evidence_file(evidence)
    appeal = Appeal(
        entry=entry,
        reason=reason.strip(),
        filed_by=acting_user,
        filed_at=clock.now(),
    )
    if evidence is not None:
        appeal.evidence = evidence
        appeal.evidence_name = PurePath(evidence.name).name[:200]
    with transaction.atomic():
        validate_and_save(appeal, acting_user=acting_user, reason=_("Appeal filed"))
    return appeal


def decide_appeal(appeal: Appeal, *, reverse: bool, note: str, acting_user) -> Appeal:
    """Uphold the entry, or reverse it: a new entry of the opposite amount dated today."""
    if not note.strip():
        raise RuleViolation({"decision_note": [_("Give the reason for the decision.")]})
    ensure_default_rules()
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("entry").get(pk=appeal.pk)
        if appeal.status != AppealStatus.PENDING:
            raise RuleViolation(_("This appeal has already been decided."))
        refuse_closed_year(appeal.entry.occurred_on.year)
        appeal.status = AppealStatus.REVERSED if reverse else AppealStatus.UPHELD
        appeal.decided_by, appeal.decided_at, appeal.decision_note = acting_user, clock.now(), note.strip()
        save_with_history(
            appeal,
            acting_user=acting_user,
            reason=appeal.get_status_display(),
            update_fields=["status", "decided_by", "decided_at", "decision_note"],
        )
        if reverse:
            _reverse(appeal.entry)
    return appeal


def _reverse(entry: ScoreEntry) -> ScoreEntry:
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Reversed on appeal: %(reason)s") % {"reason": entry.reason}
    return reverse_entry(entry, reason=reason)
