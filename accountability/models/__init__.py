from .checks import Check
from .inbox import InboxMessage
from .notices import Notice, NoticeCounter, format_number
from .rules import SupervisionRules, SupervisionRun

__all__ = [
    "Check",
    "InboxMessage",
    "Notice",
    "NoticeCounter",
    "SupervisionRules",
    "SupervisionRun",
    "format_number",
]
