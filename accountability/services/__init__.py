"""Every state change of supervision and accountability goes through these functions."""

from .checks import record_check

__all__ = ["record_check"]
