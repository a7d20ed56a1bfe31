"""Text as people paste it: control characters out, tab and line breaks kept.

A title pasted from Word or a PDF can carry a vertical tab (\\x0b) or other control characters. XML
1.0 cannot hold them, so one of them makes every .xlsx download fail (openpyxl refuses the cell) and
a .docx unreadable. They are removed on the way in (every save of our models, the import, forms) and
again on the way out (the .xlsx and .docx writers), so that a row stored before this rule still exports.
"""

from __future__ import annotations

import re

from django.db import models

# C0 controls except tab, line feed and carriage return; DEL; the C1 controls; and the two
# non-characters XML also forbids.
CONTROL_CLASS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]"
_CONTROL = re.compile(CONTROL_CLASS)


def strip_control(text: str) -> str:
    """``text`` without control characters (tab, newline and carriage return stay)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def has_control(text: str) -> bool:
    return bool(_CONTROL.search(text))


def clean_text_fields(sender, instance: models.Model, **kwargs) -> None:
    """pre_save: strip control characters from every text field of our models, whatever path saves them."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and _CONTROL.search(value):
                setattr(instance, field.attname, _CONTROL.sub("", value))
