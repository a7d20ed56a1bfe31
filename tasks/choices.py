"""Fixed vocabularies of the target ledger. Colours are CSS class suffixes used by the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitKind(models.TextChoices):
    COUNTY = "county", _("County or district")
    ZONE = "zone", _("Functional zone")
    DEPARTMENT = "department", _("City department")


class RankingGroup(models.TextChoices):
    """Counties (with zones) and city departments are ranked separately."""

    COUNTIES = "counties", _("Counties, districts and zones")
    DEPARTMENTS = "departments", _("City departments")


UNIT_KINDS_BY_GROUP = {
    RankingGroup.COUNTIES: (UnitKind.COUNTY, UnitKind.ZONE),
    RankingGroup.DEPARTMENTS: (UnitKind.DEPARTMENT,),
}


class Source(models.TextChoices):
    """The five sources named at the 2018 plenary meeting."""

    CENTRAL = "central", _("Assigned by the central and provincial governments")
    PARTY = "party", _("Set by the municipal party committee")
    WORK_REPORT = "work_report", _("Fixed in the government work report")
    PROVINCIAL_DEPT = "provincial_dept", _("Assigned by provincial departments")
    DEPUTIES = "deputies", _("NPC deputies' suggestions and CPPCC members' proposals")


class TargetType(models.TextChoices):
    """The four types of target."""

    INDICATOR = "indicator", _("Quantitative indicator")
    TASK = "task", _("Task item")
    PROPOSAL = "proposal", _("Suggestion or proposal")
    LIVELIHOOD = "livelihood", _("Livelihood project")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class MeasureKind(models.TextChoices):
    """Whether an indicator piles up over the year or is judged as a level at every point."""

    CUMULATIVE = "cumulative", _("Cumulative (adds up over the year)")
    LEVEL = "level", _("Level or rate (judged against the goal each period)")


class ShareRule(models.TextChoices):
    """How the units' shares relate to the target value."""

    SUM = "sum", _("Shares add up to the target value")
    EACH = "each", _("Each unit carries the whole target value")
    NONE = "none", _("No shares")


class TargetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("status", "Draft")
    ISSUED = "issued", pgettext_lazy("status", "Issued")
    CLOSED = "closed", pgettext_lazy("status", "Closed")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-unit")


class AssignmentStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("status", "Draft")
    ISSUED = "issued", pgettext_lazy("status", "Issued")
    SIGNED = "signed", pgettext_lazy("status", "Signed for")
    IN_PROGRESS = "in_progress", pgettext_lazy("status", "In progress")
    RECTIFYING = "rectifying", pgettext_lazy("status", "Under rectification")
    CLAIMED = "claimed", pgettext_lazy("status", "Completion claimed")
    RETURNED = "returned", pgettext_lazy("status", "Returned for redo")
    VERIFIED = "verified", pgettext_lazy("status", "Verified")
    CLOSED = "closed", pgettext_lazy("status", "Closed out")
    # The office closed the year (年终) before this link was done: it is kept as it stood, and what
    # is left of it may be carried into the next year's target (结转).
    ENDED = "ended", pgettext_lazy("status", "Unfinished at year end")


# States in which the unit is still working and reports are due.
OPEN_ASSIGNMENT_STATUSES = (
    AssignmentStatus.ISSUED,
    AssignmentStatus.SIGNED,
    AssignmentStatus.IN_PROGRESS,
    AssignmentStatus.RECTIFYING,
    AssignmentStatus.RETURNED,
)
# States in which a progress report may still be filed (a claim may be backed by a last report).
REPORTABLE_ASSIGNMENT_STATUSES = (*OPEN_ASSIGNMENT_STATUSES, AssignmentStatus.CLAIMED)


class WarningLevel(models.IntegerChoices):
    """The colour of an assignment; the number orders severity."""

    GREEN = 0, pgettext_lazy("status", "On plan")
    YELLOW = 1, pgettext_lazy("status", "Yellow")
    ORANGE = 2, pgettext_lazy("status", "Orange")
    RED = 3, pgettext_lazy("status", "Red")


WARNING_COLOURS = {
    WarningLevel.GREEN: "green",
    WarningLevel.YELLOW: "yellow",
    WarningLevel.ORANGE: "orange",
    WarningLevel.RED: "red",
}


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("status", "Draft")
    PENDING_APPROVAL = "pending_approval", pgettext_lazy("status", "Awaiting unit head approval")
    SUBMITTED = "submitted", pgettext_lazy("status", "Submitted")
    RETURNED = "returned", pgettext_lazy("status", "Returned")
    ACCEPTED = "accepted", pgettext_lazy("status", "Accepted")


class ReturnedBy(models.TextChoices):
    """Who sent a report back: the unit's own head before approval, or the supervision office."""

    HEAD = "head", _("Unit head")
    OFFICE = "office", _("Supervision office")


# Reports that count as filed for the period (the unit did its part).
FILED_REPORT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class FollowUpKind(models.TextChoices):
    """两跟进: the office follows up, the leader instructs."""

    OFFICE = "office", _("Supervision office follow-up")
    LEADER = "leader", _("Leader instruction")


class FollowUpTopic(models.TextChoices):
    PROBLEM = "problem", _("Problem")
    SUGGESTION = "suggestion", _("Suggestion")
    GENERAL = "general", _("General")


class ClaimStatus(models.TextChoices):
    """申请销号: a unit's claim that its part is done, and what the office made of it."""

    PENDING = "pending", pgettext_lazy("status", "Awaiting verification")
    VERIFIED = "verified", pgettext_lazy("status", "Verified")
    REFUSED = "refused", pgettext_lazy("status", "Refused")
    RETURNED = "returned", pgettext_lazy("status", "Returned for redo")


CLAIM_STATUS_COLOURS = {
    ClaimStatus.PENDING: "yellow",
    ClaimStatus.VERIFIED: "green",
    ClaimStatus.REFUSED: "red",
    ClaimStatus.RETURNED: "red",
}


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("status", "Pending")
    GRANTED = "granted", pgettext_lazy("status", "Granted")
    REFUSED = "refused", pgettext_lazy("status", "Refused")


class ImportStatus(models.TextChoices):
    """The life of an uploaded breakdown sheet: checked (dry run), then saved or not."""

    UPLOADED = "uploaded", pgettext_lazy("status", "Uploaded")
    CHECKING = "checking", pgettext_lazy("status", "Being checked")
    CHECKED = "checked", pgettext_lazy("status", "Checked")
    # Refused by the sheet's checks, not by a person: its own words (未通过检查), not 未批准.
    REFUSED = "refused", pgettext_lazy("import status", "Refused")
    CHOOSE_SHEET = "choose_sheet", pgettext_lazy("status", "Sheet to be chosen")
    COMMITTING = "committing", pgettext_lazy("status", "Being saved")
    COMMITTED = "committed", pgettext_lazy("status", "Saved")
    FAILED = "failed", pgettext_lazy("status", "Not saved")


# An import job in one of these states has work queued or running: the page shows a progress bar.
RUNNING_IMPORT_STATUSES = (ImportStatus.UPLOADED, ImportStatus.CHECKING, ImportStatus.COMMITTING)


# --- Suggestions and proposals (建议提案类) --------------------------------------------------------


class ProposalKind(models.TextChoices):
    """Who raised it: a deputy of the people's congress or a member of the political consultative conference."""

    NPC = "npc", _("NPC deputies' suggestion")
    CPPCC = "cppcc", _("CPPCC members' proposal")


class HandlingMode(models.TextChoices):
    """分办: every unit answers for its part; 主办 + 会办: co-units send views, the lead unit answers."""

    SEPARATE = "separate", _("Each unit answers (separate handling)")
    JOINT = "joint", _("Lead unit answers with co-units' views (joint handling)")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("status", "Being handled")
    REPLIED = "replied", pgettext_lazy("status", "Replied, awaiting the proposer's view")
    REDO = "redo", pgettext_lazy("status", "Being handled again after an unsatisfied reply")
    CONCLUDED = "concluded", pgettext_lazy("status", "Concluded")


PROPOSAL_STATUS_COLOURS = {
    ProposalStatus.PENDING: "yellow",
    ProposalStatus.REPLIED: "green",
    ProposalStatus.REDO: "red",
    ProposalStatus.CONCLUDED: "green",
}


class ReplyKind(models.TextChoices):
    REPLY = "reply", _("Reply to the proposer")
    VIEWS = "views", _("Co-unit's views to the lead unit")


class ResultCode(models.TextChoices):
    """The result code of a reply, as the people's congress and the CPPCC classify them."""

    A = "A", _("A: solved or adopted")
    B = "B", _("B: being solved or planned")
    C = "C", _("C: to be solved when conditions allow")
    D = "D", _("D: kept for reference")


class Satisfaction(models.TextChoices):
    """The proposer's view of a reply, recorded by the office."""

    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


SATISFACTION_COLOURS = {
    Satisfaction.SATISFIED: "green",
    Satisfaction.BASIC: "yellow",
    Satisfaction.UNSATISFIED: "red",
}
