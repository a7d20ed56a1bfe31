"""Markup written in Python where a template per row or option costs too much (a province's 900
units, a pack's hundreds of rows)."""

from __future__ import annotations

import html
from collections.abc import Callable

from django.urls import reverse


def escaped(value) -> str:
    """What the template language writes for ``value`` with autoescape on (``conditional_escape``:
    safe text as it is, the rest escaped), without Django's lazy-text wrapper around each call."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


# A number no primary key reaches, written where the key goes and replaced by each row's.
_MARKER = 987654321987654321


def url_for_pk(name: str) -> Callable[[object], str]:
    """``reverse(name, args=[pk])`` for many rows' keys: the URL reversed once, each key put in the
    marker's place (a ``{% url %}`` a row cost a list of 25 rows a millisecond). For URLs whose
    only argument is an ``<int:…>`` key."""
    prefix, suffix = reverse(name, args=[_MARKER]).split(str(_MARKER))
    prefix, suffix = escaped(prefix), escaped(suffix)  # as ``{% url %}`` writes it
    return lambda pk: f"{prefix}{int(pk)}{suffix}"
