from .checks import Check
from .letters import LetterChangeRequest, ResponsibilityLetter

__all__ = ["Check", "LetterChangeRequest", "ResponsibilityLetter"]
