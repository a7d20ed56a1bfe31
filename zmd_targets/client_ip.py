"""The address a request really came from, for the login lockout (django-axes) and the login log.

Behind the TLS proxy that production needs, every request's ``REMOTE_ADDR`` is the proxy's own:
locking by it locks everyone out together. ``ZMD_PROXY_COUNT`` says how many proxies we run in
front of the application; each appends the address it received the request from to
``X-Forwarded-For``. The client is therefore the ``ZMD_PROXY_COUNT``-th address from the right:
entries further left were written by the client itself and prove nothing (django-ipware's
proxy counting gives up on such a header and answers the proxy's address, which would put a
client who forges the header under everyone's address). With no proxy (the default),
``X-Forwarded-For`` is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.ZMD_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxies:  # not through all our proxies: a direct connection
        return remote
    return _valid(forwarded[-proxies]) or remote
