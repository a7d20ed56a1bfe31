from .assessment import Assessment, AssessmentRow, Reward, RewardMeasure
from .cases import AccountabilityCase, AccountabilityMeasure
from .channels import Channel, Delivery, DeliveryRules, PersonChannelPreference
from .checks import Check
from .coordination import Coordination, DecisionItem, DecisionProgress
from .disclosure import Disclosure
from .evaluations import EvaluationMark, EvaluationRound, EvaluationSheet, EvaluationSubject
from .feedback import FeedbackSettings, PublicFeedback
from .inbox import InboxMessage
from .instructions import AnswerState, Instruction, InstructionAnswer, InstructionAnswerFile, answer_state
from .leader_digest import LeaderDigestPreference
from .letters import LetterChangeRequest, ResponsibilityLetter
from .notice_tally import NoticeTally
from .notices import Notice, NoticeCounter, format_number
from .problems import ProblemDecision
from .province import ProvinceCity, ProvinceExit, ProvinceFigure, ProvinceIndicator, ProvinceRules
from .rules import SupervisionRules, SupervisionRun
from .scores import Appeal, GradeBand, ScoreEntry, ScoreRule, ScoringRun, UnitMonthPoints
from .year_end import YearResult

__all__ = [
    "AccountabilityCase",
    "AccountabilityMeasure",
    "AnswerState",
    "Appeal",
    "Assessment",
    "AssessmentRow",
    "Channel",
    "Check",
    "Coordination",
    "DecisionItem",
    "DecisionProgress",
    "Delivery",
    "DeliveryRules",
    "Disclosure",
    "EvaluationMark",
    "EvaluationRound",
    "EvaluationSheet",
    "EvaluationSubject",
    "FeedbackSettings",
    "GradeBand",
    "InboxMessage",
    "Instruction",
    "InstructionAnswer",
    "InstructionAnswerFile",
    "LeaderDigestPreference",
    "LetterChangeRequest",
    "Notice",
    "NoticeCounter",
    "NoticeTally",
    "PersonChannelPreference",
    "ProblemDecision",
    "ProvinceCity",
    "ProvinceExit",
    "ProvinceFigure",
    "ProvinceIndicator",
    "ProvinceRules",
    "PublicFeedback",
    "ResponsibilityLetter",
    "Reward",
    "RewardMeasure",
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
