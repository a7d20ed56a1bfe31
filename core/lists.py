"""The list kit: every list page paginates, links to other pages and filters the same way.

- ``paginate(request, rows)`` gives a ``Page`` of ``settings.ZMD_PAGE_SIZE`` rows (``per_page=``
  for a list that needs another size); a bad or too-large ``?page=`` shows the nearest page.
- ``OpenEndedPage`` is a page of a list that is not counted (the audit search): it knows only
  whether a next page exists.
- ``page_query(params, n)`` is the link to page ``n`` keeping every other GET parameter (the
  ``{% page_url n %}`` tag of ``{% load lists %}``); ``query_without_page`` the filters alone.
- ``templates/core/pager.html`` is the one pager: ``{% include "core/pager.html" %}`` with ``page``.
- ``FilterForm`` is a GET form of a list's filters whose ``.apply(rows)`` filters by its fields.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import QueryDict

PAGE_PARAM = "page"


def page_size(per_page: int | None = None) -> int:
    """Rows per page: the list's own size if it asks for one, else the site's."""
    return per_page or settings.ZMD_PAGE_SIZE


def paginate(request, rows, per_page: int | None = None, *, count: int | None = None) -> Page:
    """The page of ``rows`` that ``?page=`` asks for (the first for none, the last for too many).
    ``count``: how many rows there are, when the page has counted them already (no count query)."""
    paginator = Paginator(rows, page_size(per_page))
    if count is not None:
        paginator.count = count  # a cached property: the instance's value is the one read
    return paginator.get_page(request.GET.get(PAGE_PARAM))


def page_number(request, last: int | None = None) -> int:
    """``?page=`` as a number from 1 (to ``last`` if given), for a list that is not counted."""
    try:
        number = int(request.GET.get(PAGE_PARAM, 1))
    except (TypeError, ValueError):
        return 1
    number = max(number, 1)
    return min(number, last) if last else number


class OpenEndedPage:
    """A page of a list that is not counted: its rows, its number and whether more follow.

    It answers what the pager asks of a ``Page``; ``paginator`` is None (no total to show)."""

    paginator = None

    def __init__(self, object_list, number: int, more: bool):
        self.object_list = list(object_list)
        self.number = number
        self.more = more

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def query_without_page(params: QueryDict) -> str:
    """The current filters as a query string (every parameter, repeated ones too, but the page)."""
    params = params.copy()
    params.pop(PAGE_PARAM, None)
    return params.urlencode()


def page_query(params: QueryDict, number) -> str:
    """``?…`` for page ``number`` of the same list: every other parameter kept, repeated ones too."""
    params = params.copy()
    params[PAGE_PARAM] = str(number)
    return "?" + params.urlencode()


class FilterForm(forms.Form):
    """A list's filters as a GET form. ``.apply(rows)`` filters by each field that has a value:
    through ``filter_<field>(rows, value)`` if the form defines it, else ``rows.filter(**{lookups[field]:
    value})``. An invalid form filters nothing (its errors show by the fields)."""

    lookups: dict[str, str] = {}

    def apply(self, rows):
        if not self.is_valid():
            return rows
        for name, value in self.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            method = getattr(self, f"filter_{name}", None)
            if method is not None:
                rows = method(rows, value)
            elif name in self.lookups:
                rows = rows.filter(**{self.lookups[name]: value})
        return rows
