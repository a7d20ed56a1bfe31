"""Template tags of the list kit (``{% load lists %}``): links that keep the list's filters."""

from __future__ import annotations

from django import template

from ..lists import page_query, query_without_page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """``?…&page=number``: this list's URL with all its filters and another page number."""
    return page_query(context["request"].GET, number)


@register.simple_tag(takes_context=True)
def filters_query(context) -> str:
    """This list's filters as a query string, without the page (for a download of the same rows)."""
    return query_without_page(context["request"].GET)


@register.simple_tag(takes_context=True)
def with_params(context, **changes) -> str:
    """This page's query string with some parameters set (None or "" removes one); the page resets."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()
