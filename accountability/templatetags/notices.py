"""{% notice_panel %}: the five lists' counts for any page (one query), with drill-down links.

The leader dashboard shows the same panel through tasks.panels (accountability/views/notice_panels.py).
"""

from django import template

from ..selectors.notices import notice_counts

register = template.Library()


@register.inclusion_tag("accountability/notices/_dashboard_panel.html", takes_context=True)
def notice_panel(context, year=None):
    """Use as ``{% load notices %}{% notice_panel %}``."""
    return {"counts": notice_counts(context["request"].user, year=year), "request": context["request"]}
