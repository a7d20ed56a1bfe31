"""Template helpers of the workspaces: panels from other apps, colours, percentages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..choices import WARNING_COLOURS, WarningLevel
from ..panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, **kwargs):
    """Render every panel registered for ``slot`` (see tasks/panels.py)."""
    request = context["request"]
    html = []
    for panel in panels_for(slot):
        extra = panel.context(request, **kwargs)
        if extra is None:
            continue
        html.append(render_to_string(panel.template, {**extra, "panel": panel}, request=request))
    return mark_safe("".join(html))  # each piece is a rendered, autoescaped template


@register.filter
def colour(level) -> str:
    """CSS suffix of a warning level (0–3)."""
    try:
        return WARNING_COLOURS[WarningLevel(int(level))]
    except (TypeError, ValueError):
        return "none"


@register.filter
def level_label(level) -> str:
    try:
        return WarningLevel(int(level)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def pct(value) -> str:
    """A percent with at most one decimal, no trailing zeros: 40, 42.5."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    text = f"{number:f}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def num(value) -> str:
    """A decimal without trailing zeros (1800.0000 → 1800)."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    return f"{number:f}"
