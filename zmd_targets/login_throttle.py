"""django-axes' database handler with one more rule: an address that fails on many usernames.

Axes locks a (username, client address) pair after ``AXES_FAILURE_LIMIT`` failures, so that a
stranger cannot lock the mayor out of the mayor's own office. Someone trying one password on
many accounts (spraying) never reaches that limit on any pair; here an address whose failures in
the cool-off period name ``ZMD_LOGIN_ADDRESS_USERNAMES`` different usernames is refused on every
username until the failures age out. Only failures count (axes keeps an attempt row per failing
username and address, and deletes it when that person logs in), so a county office behind one
NAT address is not locked out by its own staff logging in all day.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def usernames_failing_from(address: str | None) -> int:
    if not address:
        return 0
    since = timezone.now() - get_cool_off()
    return (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).values("username").distinct().count()
    )


class LoginThrottleHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        return usernames_failing_from(address) >= settings.ZMD_LOGIN_ADDRESS_USERNAMES

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes answers with its lockout page only when the pair reached its limit; a throttled
        # address gets the same page (and the same 429), not a "wrong password" it did not earn.
        if request is not None and not getattr(request, "axes_locked_out", False):
            address = getattr(request, "axes_ip_address", None)
            if usernames_failing_from(address) >= settings.ZMD_LOGIN_ADDRESS_USERNAMES:
                request.axes_locked_out = True
                request.axes_credentials = credentials
