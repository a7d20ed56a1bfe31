"""Chinese phone numbers as people type them, in one plain form (no spaces, brackets or +86), so the
office reads and dials a person's own number and a public clue's contact alike."""

from __future__ import annotations

import re

from core.text import strip_control

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# An area code (0396), the number, an optional extension: 0396-1234567, 03961234567, 0396-1234567-801.
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
_DECORATION = re.compile(r"[\s()（）]")


def plain_number(value: str) -> str:
    """``value`` without spaces, brackets, full-width dashes or the +86 prefix."""
    number = _DECORATION.sub("", strip_control(value or "").strip())
    number = number.replace("－", "-").replace("—", "-")
    return number[3:] if number.startswith("+86") else number


def is_phone_number(number: str) -> bool:
    """A mainland mobile or a landline with its area code (``number`` in plain form)."""
    return bool(MOBILE.match(number) or LANDLINE.match(number))
