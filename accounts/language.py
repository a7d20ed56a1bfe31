"""Which language a page speaks: the person's own choice, never the browser's.

Django's ``LocaleMiddleware`` follows ``Accept-Language``, so a colleague on an English-language
browser got English pages they never asked for. Here a logged-in person gets the language on their
profile (``User.language``, set at /profile/ or with the footer's switch); a visitor who is not
logged in (the login page, the public disclosure pages) gets Simplified Chinese, or the language they
picked with the footer's switch (Django's language cookie). ``Accept-Language`` is never read.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .middleware import has_session


def offered(language: str | None) -> str | None:
    """``language`` if the site offers it (``settings.LANGUAGES``), else None."""
    return language if language in dict(settings.LANGUAGES) else None


def language_for(request) -> tuple[str, bool]:
    """The language of ``request``'s answer, and whether a cookie decided it (the answer then varies
    by cookie). The session is read only when the request carries one, so that a public page
    asked for without cookies stays cacheable (no ``Vary: Cookie``)."""
    if has_session(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return offered(getattr(user, "language", None)) or settings.LANGUAGE_CODE, True
    chosen = offered(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    return chosen or settings.LANGUAGE_CODE, chosen is not None


class UserLanguageMiddleware:
    """Activate the person's language (in place of ``LocaleMiddleware``; after authentication)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language, by_cookie = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if by_cookie:
            patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
