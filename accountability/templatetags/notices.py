"""{% notice_panel %}: the five lists' counts for a dashboard (one query), with drill-down links."""

from django import template

from ..selectors import notice_counts

register = template.Library()


@register.inclusion_tag("accountability/notices/_dashboard_panel.html", takes_context=True)
def notice_panel(context, year=None):
    """Use as ``{% load notices %}{% notice_panel %}``; the page must load css/notices.css for the layout."""
    return {"counts": notice_counts(context["request"].user, year=year), "request": context["request"]}
