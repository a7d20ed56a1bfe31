"""What every /api/v1/ view shares: the person's language, pagination, and filters from the query."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, permissions
from rest_framework.pagination import PageNumberPagination

from accounts.language import offered
from core.permissions import can

MAX_PAGE_SIZE = 200


class ApiViewMixin:
    """Answers in the person's own language (their profile; a token request carries no cookie, so the
    middleware could not know it before the token was read)."""

    lookup_value_regex = "[0-9]{1,18}"  # ids only: /reports/abc/ is a 404 from the router, not a 500

    def perform_authentication(self, request):
        super().perform_authentication(request)
        user = request.user
        if user is not None and user.is_authenticated:
            translation.activate(offered(getattr(user, "language", None)) or settings.LANGUAGE_CODE)
            request._request.LANGUAGE_CODE = translation.get_language()  # the Content-Language header


class Pages(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default ZMD_PAGE_SIZE, at most 200)."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        self.page_size = settings.ZMD_PAGE_SIZE
        return super().get_page_size(request)


class HasRole(permissions.BasePermission):
    """A person with a role in the product (the technical administrator has none)."""

    def has_permission(self, request, view) -> bool:
        return can(request.user, "page.anyone_with_a_role")


@dataclass(frozen=True)
class Filter:
    """One query parameter that narrows a list: ``?unit=3`` → ``assignment__unit=3``."""

    name: str
    lookup: str
    kind: type = int
    choices: tuple = ()
    description: str = ""

    def parameter(self) -> OpenApiParameter:
        return OpenApiParameter(
            self.name, self.kind, description=self.description, enum=list(self.choices) or None, required=False
        )

    def value(self, raw: str):
        if self.choices and raw not in self.choices:
            raise exceptions.ValidationError({self.name: [_("Choose one of: %(choices)s.") % {
                "choices": "、".join(self.choices)}]})  # fmt: skip
        if self.kind is int:
            try:
                number = int(raw)
            except ValueError:
                raise exceptions.ValidationError({self.name: [_("Enter a whole number.")]}) from None
            if not 0 < number < 2**31:
                raise exceptions.ValidationError({self.name: [_("Enter a whole number.")]})
            return number
        return raw


class FilteredListMixin:
    """A viewset whose list is narrowed by ``filters`` (declared once: applied here, shown in the schema)."""

    filters: tuple[Filter, ...] = ()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        for spec in self.filters:
            raw = self.request.query_params.get(spec.name)
            if raw not in (None, ""):
                queryset = queryset.filter(**{spec.lookup: spec.value(raw)})
        return queryset

    @classmethod
    def filter_parameters(cls) -> list[OpenApiParameter]:
        return [spec.parameter() for spec in cls.filters]
