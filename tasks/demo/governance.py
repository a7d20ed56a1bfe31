"""Issue 14 on a demo loaded before it: the office works in the product, not the admin."""

from __future__ import annotations

from ..models import User


def apply_governance_demo() -> None:
    """The ``office`` login loses the superuser and staff flags a demo built earlier gave it
    (``sysadmin`` is the admin now; a fresh demo never gives ``office`` the flags)."""
    User.objects.filter(username="office").update(is_superuser=False, is_staff=False)
