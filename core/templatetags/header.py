"""``{% site_nav %}``: the header's links (includes/nav.html), rendered once per what they show.

Every signed-in page renders the same forty links, each behind a role check and a ``{% url %}``;
through the template language that cost 2–3 ms of every page. What they show is the page's name,
the reader's kinds of role, the staff flag and the unread badge: the text rendered for those is kept
(``core.fragments``: the key is those values, the language and the template's source) and shared by
every reader and page with the same ones.
"""

from __future__ import annotations

from django import template

from core.access import access_for
from core.fragments import rendered_once

register = template.Library()

TEMPLATE = "includes/nav.html"


@register.simple_tag(takes_context=True)
def site_nav(context):
    request = context["request"]
    access, inbox = context.get("zmd_access") or access_for(request.user), context.get("zmd_inbox")
    match = request.resolver_match
    here, namespace = (match.url_name, match.namespace) if match else (None, "")
    unread = inbox.unread if inbox is not None else 0
    content = (
        here,
        namespace,
        bool(access.unit_ids),
        bool(access.head_unit_ids),
        access.sees_everything,
        access.office,
        access.evaluator,
        request.user.is_staff,
        unread,
    )
    shown = {"here": here, "namespace": namespace, "access": access, "unread": unread, "is_staff": content[7]}
    return rendered_once(TEMPLATE, shown, content)
