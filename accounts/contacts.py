"""A person's own contact details as they type them: an office phone, a mobile, an email address.

Numbers are stored in one plain form (no spaces, brackets or +86) so that the office can read and
dial them alike; a value that is no number of ours is refused with a message saying what is expected.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.phones import LANDLINE, MOBILE
from core.phones import plain_number as _plain
from core.text import strip_control

PHONE_MAX = 32  # tasks.models.User.phone and .mobile
EMAIL_MAX = 254  # Django's EmailField
NAME_MAX = 64  # tasks.models.User.display_name


def clean_mobile(value: str) -> str:
    """A mainland mobile number (11 digits starting 13–19), or empty."""
    number = _plain(value)
    if number and not MOBILE.match(number):
        raise ValidationError(_("Enter an 11-digit mobile number, such as 13800001234."), code="mobile")
    return number


def clean_office_phone(value: str) -> str:
    """A landline with its area code (an extension may follow) or a mobile number, or empty."""
    number = _plain(value)
    if number and not (LANDLINE.match(number) or MOBILE.match(number)):
        raise ValidationError(
            _("Enter the office phone with its area code, such as 0396-1234567 (an extension may follow: -801)."),
            code="office_phone",
        )
    return number


def clean_email(value: str) -> str:
    """An email address (stored as typed, spaces trimmed), or empty."""
    address = strip_control(value or "").strip()
    if not address:
        return ""
    if len(address) > EMAIL_MAX:
        raise ValidationError(_("The email address is too long."), code="email")
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(_("Enter an email address such as zhangsan@example.com."), code="email") from None
    return address
