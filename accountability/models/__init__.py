from .checks import Check
from .disclosure import Disclosure
from .scores import Appeal, GradeBand, ScoreEntry, ScoreRule, ScoringRun

__all__ = ["Appeal", "Check", "Disclosure", "GradeBand", "ScoreEntry", "ScoreRule", "ScoringRun"]
