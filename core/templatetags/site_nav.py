"""The site's navigation in the page header, rendered once per set of what it shows."""

from __future__ import annotations

from django import template

from core.access import NO_ACCESS
from core.fragments import rendered_per_values

register = template.Library()


@register.simple_tag(takes_context=True)
def site_nav(context) -> str:
    """``includes/nav.html`` for this reader on this page. Its links depend on a handful of facts
    (which kinds of role, the page's name, the unread badge, admin or not), the same for most
    readers: the text is kept per set of them in the process (``rendered_per_values``), and the
    template reads nothing else. Reversing and translating 35 links took 2 ms of every page."""
    request = context.get("request")  # a page rendered without one names no current page
    access = context.get("zmd_access", NO_ACCESS)
    inbox = context.get("zmd_inbox")
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None) or context.get("user")
    return rendered_per_values(
        "includes/nav.html",
        {
            "here": match.url_name if match else None,
            "namespace": match.namespace if match else "",
            "unit_member": bool(access.unit_ids),
            "unit_head": bool(access.head_unit_ids),
            "sees_everything": access.sees_everything,
            "office": access.office,
            "evaluator": access.evaluator,
            "unread": inbox.unread if inbox is not None else 0,
            "is_staff": bool(getattr(user, "is_staff", False)),
        },
    )
