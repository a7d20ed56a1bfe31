"""Making and revoking API tokens. The key is returned once, to be shown once; only its hash is kept."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from core.errors import AlreadyDone, RuleViolation
from tasks.services.common import save_with_history

from .models import ApiToken

KEY_PREFIX = "zmd_"  # tells a leaked key apart in logs and secret scanners
PREFIX_LENGTH = 12
NAME_MAX = 64
LIVE_TOKENS_MAX = 10  # per person: a forgotten token is revoked, not piled up


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, *, name: str, acting_user) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key (shown once: it cannot be read again)."""
    name = (name or "").strip()
    if not name:
        raise RuleViolation({"name": [_("Give the token a name, such as the system that will use it.")]})
    if len(name) > NAME_MAX:
        raise RuleViolation({"name": [_("The name is longer than %(limit)s characters.") % {"limit": NAME_MAX}]})
    if acting_user.pk != user.pk:
        raise RuleViolation(_("Only the person themselves can make their API tokens."))
    with transaction.atomic():
        # Lock the person's row: two clicks at once cannot pass the limit together.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if ApiToken.objects.filter(user=user).live().count() >= LIVE_TOKENS_MAX:
            raise RuleViolation(
                _("You already have %(limit)s API tokens; revoke one you no longer use first.")
                % {"limit": LIVE_TOKENS_MAX}
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            user=user, name=name, key_hash=key_hash(key), prefix=key[:PREFIX_LENGTH], created_at=clock.now()
        )
        save_with_history(token, acting_user=acting_user, reason=_("API token made"))
    return token, key


def revoke_token(token: ApiToken, *, acting_user) -> ApiToken:
    """Revoke the token: every request with its key is refused (401) from now on."""
    if token.user_id != acting_user.pk:
        raise RuleViolation(_("Only the person themselves can revoke their API tokens."))
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise AlreadyDone(_("This token has already been revoked."))
        token.revoked_at = clock.now()
        save_with_history(token, acting_user=acting_user, reason=_("API token revoked"), update_fields=["revoked_at"])
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The live token whose key is ``key``, with its person; None for an unknown or revoked key."""
    if not key:
        return None
    return ApiToken.objects.live().select_related("user").filter(key_hash=key_hash(key)).first()


def mark_used(token: ApiToken) -> None:
    """Note when the token was last used, at most once a minute (a busy screen polls every few seconds)."""
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
