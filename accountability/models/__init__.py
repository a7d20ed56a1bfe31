from .checks import Check

__all__ = ["Check"]
