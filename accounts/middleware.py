"""Two checks on every logged-in request: the idle timeout and the forced password change.

Idle time is measured on the real clock (``timezone.now()``), never on the demo's pinned day
(``ZMD_TODAY``): the demo lives on 2018-09-30 while people use it today. A clock that runs
backwards (tests travelling in time) only restarts the count.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SEEN_KEY = "zmd_seen"
MUST_CHANGE_KEY = "zmd_must_change_password"
# The last-seen stamp is written at most this often (seconds), not on every request.
STAMP_EVERY = 60


def idle_seconds() -> int:
    return int(getattr(settings, "ZMD_SESSION_IDLE_MINUTES", 30) or 0) * 60


def has_session(request) -> bool:
    """Whether the request carries a session cookie: without one nobody is logged in, and the
    session is not touched (a public page stays cacheable, with no ``Vary: Cookie``)."""
    return bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))


def mark_must_change(session, flag: bool) -> None:
    if flag:
        session[MUST_CHANGE_KEY] = True
    else:
        session.pop(MUST_CHANGE_KEY, None)


class IdleTimeoutMiddleware:
    """Log out a session unused for ``ZMD_SESSION_IDLE_MINUTES`` (0 turns the timeout off)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        limit = idle_seconds()
        if limit and has_session(request) and user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            seen = request.session.get(SEEN_KEY)
            if isinstance(seen, (int, float)) and now - seen > limit:
                request._zmd_idle_logout = True
                logout(request)
                messages.info(
                    request, _("You were logged out after %(n)d minutes without activity.") % {"n": limit // 60}
                )
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if not isinstance(seen, (int, float)) or now - seen > STAMP_EVERY or now < seen:
                request.session[SEEN_KEY] = now
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """After the office set a one-time password, every page leads to the password change first."""

    ALLOWED = ("password_change", "password_change_done", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if has_session(request) and user is not None and user.is_authenticated and request.session.get(MUST_CHANGE_KEY):
            path = request.path_info
            allowed = {reverse(name) for name in self.ALLOWED}
            static = path.startswith(settings.STATIC_URL) or path.startswith("/i18n/")
            if path not in allowed and not static:
                messages.warning(request, _("Please choose your own password before you go on."))
                return redirect("password_change")
        return self.get_response(request)
