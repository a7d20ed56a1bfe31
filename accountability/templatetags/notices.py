"""{% notice_panel %}: the five lists' counts for any page (one query), with drill-down links.

The leader dashboard shows the same panel through tasks.panels (accountability/views/notice_panels.py).
"""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..selectors.notices import notice_counts

register = template.Library()


@register.inclusion_tag("accountability/notices/_dashboard_panel.html", takes_context=True)
def notice_panel(context, year=None):
    """Use as ``{% load notices %}{% notice_panel %}``."""
    return {"counts": notice_counts(context["request"].user, year=year), "request": context["request"]}


URL_IN_TEXT = re.compile(r"https?://\S+")


@register.filter
def link_pages(line: str):
    """A message's line with each address in it made a link named "open the page" (a digest's
    addresses carry query strings no reader should have to read); the rest escaped."""
    parts, last = [], 0
    for found in URL_IN_TEXT.finditer(line):
        parts.append(escape(line[last : found.start()]))
        parts.append(format_html('<a href="{}">{}</a>', found.group(0), _("open the page")))
        last = found.end()
    parts.append(escape(line[last:]))
    return mark_safe("".join(str(part) for part in parts))  # every part escaped above
