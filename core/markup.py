"""Markup written in Python where a template per row or option costs too much (a province's 900
units, a pack's hundreds of rows)."""

from __future__ import annotations

import html


def escaped(value) -> str:
    """What the template language writes for ``value`` with autoescape on (``conditional_escape``:
    safe text as it is, the rest escaped), without Django's lazy-text wrapper around each call."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))
