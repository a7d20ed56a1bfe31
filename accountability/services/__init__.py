"""Every state change of supervision and accountability goes through these functions."""

from .checks import record_check
from .letters import (
    decide_letter_change,
    letter_assignments,
    letter_content,
    prepare_letters,
    request_letter_change,
    sign_for_city,
    sign_for_unit,
)

__all__ = [
    "decide_letter_change",
    "letter_assignments",
    "letter_content",
    "prepare_letters",
    "record_check",
    "request_letter_change",
    "sign_for_city",
    "sign_for_unit",
]
