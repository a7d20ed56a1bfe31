"""History rows never fail on their reason.

django-simple-history keeps the change reason in ``varchar(100)``. A reason is often what a person
typed (a return reason, a close-out note, a change request's grounds): the text itself is stored
whole on the object it belongs to, and the history row keeps what fits, marked as cut. A longer
reason must never turn a person's action into a database error (PostgreSQL refuses what SQLite
silently keeps).
"""

from __future__ import annotations

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

REASON_MAX_LENGTH = 100
_CUT = "…"


def fit_reason(reason) -> str:
    """``reason`` as a history row can keep it: whole when it fits, else cut with an ellipsis."""
    text = str(reason or "")
    if len(text) <= REASON_MAX_LENGTH:
        return text
    return text[: REASON_MAX_LENGTH - len(_CUT)] + _CUT


@receiver(pre_create_historical_record, dispatch_uid="core.history.fit_reason")
def _fit_history_reason(sender, history_instance, **kwargs):
    reason = history_instance.history_change_reason
    if reason and len(reason) > REASON_MAX_LENGTH:
        history_instance.history_change_reason = fit_reason(reason)
