from .calendar import CalendarDay, CalendarDayKind, ReportTimeLimits
from .changes import ChangeCount, ChangeEpoch
from .completion import ClaimEvidence, CompletionClaim
from .imports import ImportJob
from .org import Delegation, Field, Leader, Role, TaskForce, Unit, User
from .people import ResponsiblePerson
from .progress import (
    AssignmentDayJudgment,
    Evidence,
    FollowUp,
    HeldReport,
    LeaderProgressDay,
    LeaderTrendStamp,
    ProgressReport,
    UnitDayCompletion,
    UnitFiguresStamp,
    YearProgressDay,
)
from .proposals import Proposal, ProposalReply
from .targets import Assignment, ExtensionRequest, Milestone, Target
from .years import ClosedYear

__all__ = [
    "Assignment",
    "AssignmentDayJudgment",
    "CalendarDay",
    "CalendarDayKind",
    "ChangeCount",
    "ChangeEpoch",
    "ClaimEvidence",
    "ClosedYear",
    "CompletionClaim",
    "Delegation",
    "Evidence",
    "ExtensionRequest",
    "Field",
    "FollowUp",
    "HeldReport",
    "ImportJob",
    "Leader",
    "LeaderProgressDay",
    "LeaderTrendStamp",
    "Milestone",
    "ProgressReport",
    "Proposal",
    "ProposalReply",
    "ReportTimeLimits",
    "ResponsiblePerson",
    "Role",
    "Target",
    "TaskForce",
    "Unit",
    "UnitDayCompletion",
    "UnitFiguresStamp",
    "User",
    "YearProgressDay",
]
