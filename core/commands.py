"""What every management command that talks to people shares: it speaks the site's language.

A command prints for the office's technical staff, who read Chinese like everyone else; a test or a
page rendered earlier in the same process may have left another language active, so the command
says which one it speaks instead of inheriting it.
"""

from functools import wraps

from django.conf import settings
from django.utils import translation


def in_site_language(handle):
    """Run a command's ``handle`` with the site's language (``LANGUAGE_CODE``) active."""

    @wraps(handle)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return handle(*args, **kwargs)

    return wrapper
