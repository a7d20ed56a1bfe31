"""``{% can "report.delete" report as may_delete %}``: the template asks ``tasks.permissions.can``."""

from django import template

from core.permissions import can as _can

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action: str, obj=None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return _can(user, action, obj)
