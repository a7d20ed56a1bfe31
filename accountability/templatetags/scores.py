"""Filters of the scoring pages."""

from django import template

from ..choices import AppealStatus

register = template.Library()


@register.filter
def appeal_status(value) -> str:
    """An appeal's status by name, from its value (a points ledger reads the status as a value)."""
    return AppealStatus(value).label if value in AppealStatus.values else ""
