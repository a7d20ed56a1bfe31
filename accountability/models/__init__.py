from .checks import Check
from .disclosure import Disclosure
from .letters import LetterChangeRequest, ResponsibilityLetter
from .scores import Appeal, GradeBand, ScoreEntry, ScoreRule, ScoringRun

__all__ = [
    "Appeal",
    "Check",
    "Disclosure",
    "GradeBand",
    "LetterChangeRequest",
    "ResponsibilityLetter",
    "ScoreEntry",
    "ScoreRule",
    "ScoringRun",
]
