"""Throttling per token: one busy big screen cannot slow the site for everyone else."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    """``ZMD_API_RATE`` requests per token (a session: per person; anonymous: per address)."""

    scope = "api"

    def get_rate(self) -> str:
        # Read on each request (not at import as DRF's default does): tests and settings changes apply.
        return settings.ZMD_API_RATE

    def get_cache_key(self, request, view) -> str:
        token = request.auth
        if token is not None and hasattr(token, "key_hash"):
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
