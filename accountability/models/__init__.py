from .cases import AccountabilityCase, AccountabilityMeasure
from .checks import Check
from .coordination import Coordination, DecisionItem, DecisionProgress
from .disclosure import Disclosure
from .feedback import FeedbackSettings, PublicFeedback
from .inbox import InboxMessage
from .instructions import AnswerState, Instruction, InstructionAnswer, InstructionAnswerFile, answer_state
from .letters import LetterChangeRequest, ResponsibilityLetter
from .notices import Notice, NoticeCounter, format_number
from .problems import ProblemDecision
from .rules import SupervisionRules, SupervisionRun
from .scores import Appeal, GradeBand, ScoreEntry, ScoreRule, ScoringRun, UnitMonthPoints
from .year_end import YearResult

__all__ = [
    "AccountabilityCase",
    "AccountabilityMeasure",
    "AnswerState",
    "Appeal",
    "Check",
    "Coordination",
    "DecisionItem",
    "DecisionProgress",
    "Disclosure",
    "FeedbackSettings",
    "GradeBand",
    "InboxMessage",
    "Instruction",
    "InstructionAnswer",
    "InstructionAnswerFile",
    "LetterChangeRequest",
    "Notice",
    "NoticeCounter",
    "ProblemDecision",
    "PublicFeedback",
    "ResponsibilityLetter",
    "ScoreEntry",
    "ScoreRule",
    "ScoringRun",
    "SupervisionRules",
    "SupervisionRun",
    "UnitMonthPoints",
    "YearResult",
    "answer_state",
    "format_number",
]
