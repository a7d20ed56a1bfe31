"""The password rule (等保): long enough, three of four kinds of character, not the user name."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters ``password`` uses."""
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.isalnum()) for c in password)
    return lower + upper + digit + other


def min_length() -> int:
    return getattr(settings, "ZMD_PASSWORD_MIN_LENGTH", 8)


class PasswordRuleValidator:
    """Length at least ``ZMD_PASSWORD_MIN_LENGTH``, three of the four classes, no user name inside."""

    def validate(self, password, user=None):
        errors = []
        length = min_length()
        if len(password) < length:
            errors.append(
                ValidationError(
                    ngettext(
                        "The password must have at least %(n)d character.",
                        "The password must have at least %(n)d characters.",
                        length,
                    )
                    % {"n": length},
                    code="password_too_short",
                )
            )
        if character_classes(password) < 3:
            errors.append(
                ValidationError(
                    _(
                        "The password must mix at least three of: lower-case letters, upper-case letters, "
                        "digits and other characters."
                    ),
                    code="password_too_simple",
                )
            )
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and len(username) >= 3 and username in password.lower():
            errors.append(
                ValidationError(_("The password must not contain the user name."), code="password_has_username")
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self):
        return _(
            "At least %(n)d characters, mixing three of: lower-case letters, upper-case letters, digits and other "
            "characters; not containing the user name."
        ) % {"n": min_length()}


def one_time_password() -> str:
    """A random password that passes the rule, for the office to hand over once."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    length = max(12, min_length())
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(length - 1)) + secrets.choice("-#%+")
        if character_classes(body) == 4:
            return body
