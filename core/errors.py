"""The domain error (``RuleViolation``) and how a refusal reaches the person.

Two ways, one each: on a form (``add_rule_errors``: on the field it names, else on top) or as
messages on the next page (``flash_rule_errors``). ``rule_messages`` is the flat list both use.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError


def rule_messages(error: ValidationError) -> list[str]:
    """Every message of ``error``, field errors included, in order."""
    if hasattr(error, "error_dict"):
        return [message for errors in error.message_dict.values() for message in errors]
    return list(error.messages)


def add_rule_errors(form, error: ValidationError) -> None:
    """Show ``error`` on ``form``: on its field when it names one of the form's, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)


def flash_rule_errors(request, error: ValidationError, level: int = messages.ERROR) -> None:
    """Each message of ``error`` as a message on the next page (``level``: error, or info for a no-op)."""
    for message in rule_messages(error):
        messages.add_message(request, level, message)


class RuleViolation(ValidationError):
    """A request that breaks a rule of the domain. The message is translated and safe to show."""


class AlreadyDone(RuleViolation):
    """The change asked for is already made (a double click, two people at once): nothing changed."""
