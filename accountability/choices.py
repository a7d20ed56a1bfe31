"""Fixed vocabularies of supervision and accountability."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CheckKind(models.TextChoices):
    """The four checks: 已经落实的查效果、正在落实的查进度、未落实的查原因、不抓落实的查责任."""

    EFFECT = "effect", _("Done: check the effect")
    PROGRESS = "progress", _("In progress: check progress")
    CAUSE = "cause", _("Not started: check why")
    RESPONSIBILITY = "responsibility", _("Not acting: find who answers for it")


class CheckMethod(models.TextChoices):
    """How the office checked: from the papers, on the spot, or unannounced."""

    PAPERS = "papers", _("From the papers")
    ON_SITE = "on_site", _("On site")
    UNANNOUNCED = "unannounced", _("Unannounced visit")


class CheckRating(models.TextChoices):
    """The office's rating of what it found."""

    GOOD = "good", pgettext_lazy("check rating", "Good")
    FAIRLY_GOOD = "fairly_good", pgettext_lazy("check rating", "Fairly good")
    AVERAGE = "average", pgettext_lazy("check rating", "Average")
    POOR = "poor", pgettext_lazy("check rating", "Poor")


class CheckFollowUp(models.TextChoices):
    """What a check leads to: nothing, an issue supervision notice, or a proposal to hold someone to account."""

    NONE = "none", _("Nothing further")
    NOTICE = "notice", _("Issue supervision notice")
    ACCOUNTABILITY = "accountability", _("Propose accountability")


class ChangeRequestStatus(models.TextChoices):
    """A change to a signed responsibility letter waits for the office's decision."""

    PENDING = "pending", pgettext_lazy("status", "Pending")
    APPROVED = "approved", pgettext_lazy("status", "Approved")
    REFUSED = "refused", pgettext_lazy("status", "Refused")


# --- Scoring (积分管理) ------------------------------------------------------------------------


class RuleCode(models.TextChoices):
    """Each rule that moves a unit's score. Entries of every rule but the base are made by events;
    the office edits the amounts, not the list (each code has the code that finds its events)."""

    BASE = "base", _("Base score")
    REPORT_LATE = "report_late", _("Report filed late")
    REPORT_MISSING = "report_missing", _("Report missing")
    WARNING_YELLOW = "warning_yellow", _("Yellow warning")
    WARNING_ORANGE = "warning_orange", _("Orange warning")
    WARNING_RED = "warning_red", _("Red warning")
    EXPOSURE = "exposure", _("Exposure")
    COMPLETED_LEAD = "completed_lead", _("Lead assignment completed")
    COMPLETED_CO = "completed_co", _("Co-unit assignment completed")
    EARLY_OR_OVER = "early_or_over", _("Finished a month early or 10 percent over target")
    PROPOSAL_UNSATISFIED = "proposal_unsatisfied", _("Proposal reply found unsatisfactory")
    REVERSAL = "reversal", _("Entry reversed (appeal upheld or task returned for redo)")
    HEAD_APPROVAL_LATE = "head_approval_late", _("Unit head's approval overdue")
    ACCOUNTABILITY = "accountability", _("Accountability measure approved")
    EVALUATION_GOOD = "evaluation_good", _("Evaluation round result: good")
    EVALUATION_POOR = "evaluation_poor", _("Evaluation round result: poor")


# Rules whose points are not the rule's own: a reversal takes back its entry's, an approved
# accountability case writes its measure's (the office edits those on the measures' list).
AMOUNT_ELSEWHERE = (RuleCode.REVERSAL, RuleCode.ACCOUNTABILITY)


class Grade(models.TextChoices):
    """The four grades (等次) a score falls into."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


GRADE_COLOURS = {Grade.EXCELLENT: "green", Grade.GOOD: "green", Grade.FAIR: "yellow", Grade.POOR: "red"}


class RankingPeriod(models.TextChoices):
    YEAR = "year", _("Year so far")
    QUARTER = "quarter", _("Quarter so far")


class RunKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Nightly")
    MANUAL = "manual", _("Asked for by the office")


class AppealStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("status", "Awaiting the office")
    UPHELD = "upheld", pgettext_lazy("status", "Entry upheld")
    REVERSED = "reversed", pgettext_lazy("status", "Entry reversed")


APPEAL_STATUS_COLOURS = {AppealStatus.PENDING: "yellow", AppealStatus.UPHELD: "red", AppealStatus.REVERSED: "green"}


# --- Public disclosure (公示晾晒) ----------------------------------------------------------------


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("status", "Draft")
    APPROVED = "approved", pgettext_lazy("status", "Approved")
    PUBLISHED = "published", pgettext_lazy("status", "Published")


# --- The five lists (五单) ----------------------------------------------------------------------


class NoticeKind(models.TextChoices):
    """The five lists (五单) the supervision office issues."""

    TASK = "task", _("Task notice")
    WARNING = "warning", _("Progress warning")
    SUPERVISION = "supervision", _("Issue supervision notice")
    CLOSE_OUT = "close_out", _("Close-out notice")
    EXPOSURE = "exposure", _("Exposure notice")


# The character that marks each kind in a notice's number: 驻督预〔2018〕12号.
NOTICE_NUMBER_MARKS = {
    NoticeKind.TASK: "告",
    NoticeKind.WARNING: "预",
    NoticeKind.SUPERVISION: "查",
    NoticeKind.CLOSE_OUT: "销",
    NoticeKind.EXPOSURE: "曝",
}
# Counters are always locked in this order, so that two issuers never wait on each other in a circle.
NOTICE_KIND_ORDER = [
    NoticeKind.TASK,
    NoticeKind.WARNING,
    NoticeKind.SUPERVISION,
    NoticeKind.CLOSE_OUT,
    NoticeKind.EXPOSURE,
]


class NoticeStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("status", "Awaiting the office's approval")
    ISSUED = "issued", pgettext_lazy("status", "Awaiting sign-for")
    SIGNED = "signed", pgettext_lazy("status", "Signed for")
    ANSWERED = "answered", pgettext_lazy("status", "Answered")
    CLOSED = "closed", pgettext_lazy("status", "Closed")
    DISMISSED = "dismissed", pgettext_lazy("status", "Not approved")
    # Issued by a scan run that was undone: the number stays taken, the notice asks nothing.
    WITHDRAWN = "withdrawn", pgettext_lazy("status", "Withdrawn")


# A notice in one of these states still asks something of the unit.
OPEN_NOTICE_STATUSES = (NoticeStatus.ISSUED, NoticeStatus.SIGNED, NoticeStatus.ANSWERED)
# Kinds whose required action is a written answer that the office verifies.
ANSWERED_KINDS = (NoticeKind.SUPERVISION, NoticeKind.EXPOSURE)
# Kinds whose required action is only to sign for them: signing closes them.
SIGN_ONLY_KINDS = (NoticeKind.TASK, NoticeKind.CLOSE_OUT)


class NoticeCause(models.TextChoices):
    """Why a notice was issued; with kind, assignment and period it is the notice's natural key."""

    ASSIGNMENT_ISSUED = "issued", _("Assignment issued")
    BEHIND_PLAN = "behind_plan", _("Behind plan")
    MISSING_REPORT = "missing_report", _("Report missing")
    HEAD_LATE = "head_late", _("Filed by the unit, not approved by its head")
    FAR_BEHIND = "far_behind", _("Far behind plan")
    OVERDUE = "overdue", _("Past the deadline")
    NOT_ACTED = "not_acted", _("Earlier warning not acted on")
    STEPPED_DOWN = "stepped_down", _("Stepped down after catching up")
    PROBLEM = "problem", _("Problem in a report")
    FINDING = "finding", _("Found by the office")
    VERIFIED = "verified", _("Completion verified")
    TWO_REDS = "two_reds", _("Repeated red warnings")
    OVERDUE_AFTER_RED = "overdue_after_red", _("Overdue after a red warning")
    INSTRUCTION_OVERDUE = "instruction", _("Leader instruction not answered in time")
    DECISION_OVERDUE = "decision", _("Meeting decision not done in time")
    MANUAL = "manual", _("Decided by the office")


# Causes a person decides case by case: they may recur, so they stay outside the natural key.
UNKEYED_CAUSES = (NoticeCause.FINDING, NoticeCause.MANUAL)


class ClosedReason(models.TextChoices):
    SIGNED_FOR = "signed_for", _("Signed for")
    VERIFIED = "verified", _("Answer verified by the office")
    CAUGHT_UP = "caught_up", _("The unit caught up")
    ESCALATED = "escalated", _("Replaced by a higher warning")
    STEPPED_DOWN = "stepped_down", _("Replaced by a lower warning")
    ASSIGNMENT_ENDED = "assignment_ended", _("The assignment is no longer open")
    DECISION_CLOSED = "decision_closed", _("The decision was completed")


class ProblemOutcome(models.TextChoices):
    """How the office ended a reported problem (待督查问题)."""

    RESOLVED = "resolved", _("Resolved")
    MERGED = "merged", _("Merged into an earlier problem")


class MessageKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    DIGEST = "digest", _("Daily reminders")
    APPROVAL = "approval", _("Awaiting approval")
    CORRECTION = "correction", _("Correction")
    INSTRUCTION = "instruction", _("Leader instruction")
    PROVINCE = "province", _("Province ranking")
    COORDINATION = "coordination", _("Coordination")
    EVALUATION = "evaluation", _("Regular evaluation")
    # A leader's daily or weekly digest of their scope (the value fits the column's 12 characters).
    LEADER_DIGEST = "lead_digest", _("Leader's digest")
    CHANNEL = "channel", _("Delivery channel")


class DigestFrequency(models.TextChoices):
    """How often a leader wants the digest of their scope (领导摘要)."""

    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Once a week")
    OFF = "off", _("Do not send")


class EmailStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("status", "To be sent")
    SENT = "sent", pgettext_lazy("status", "Sent")
    NO_ADDRESS = "no_address", pgettext_lazy("status", "No email address")
    FAILED = "failed", pgettext_lazy("status", "Failed")


class FeedbackKind(models.TextChoices):
    """What a member of the public leaves under a publication (公开接受社会监督)."""

    COMMENT = "comment", _("Comment from the public")
    CLUE = "clue", _("Clue from the public")


class FeedbackStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("status", "Awaiting review")
    ANSWERED = "answered", pgettext_lazy("status", "Answered")
    DISMISSED = "dismissed", pgettext_lazy("status", "Not adopted")
    NOTICE = "notice", pgettext_lazy("status", "Turned into an issue supervision notice")


# Everything but a new clue has been looked at by the office: it is closed.
CLOSED_FEEDBACK_STATUSES = (FeedbackStatus.ANSWERED, FeedbackStatus.DISMISSED, FeedbackStatus.NOTICE)


class CaseStatus(models.TextChoices):
    """An accountability case (问责) waits for its leader's decision."""

    PROPOSED = "proposed", pgettext_lazy("case status", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("case status", "Approved")
    REJECTED = "rejected", pgettext_lazy("case status", "Rejected")


# --- Year-end assessment (年度考核) and rewards and penalties (奖惩) ------------------------------


class AssessmentStatus(models.TextChoices):
    """A version of a year's assessment: prepared by the office, approved by a leader, and replaced
    (superseded) when a later version of the same year is approved."""

    DRAFT = "draft", pgettext_lazy("assessment status", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("assessment status", "Approved")
    SUPERSEDED = "superseded", pgettext_lazy("assessment status", "Superseded")


ASSESSMENT_STATUS_COLOURS = {
    AssessmentStatus.DRAFT: "yellow",
    AssessmentStatus.APPROVED: "green",
    AssessmentStatus.SUPERSEDED: "grey",
}


class RewardKind(models.TextChoices):
    REWARD = "reward", _("Reward")
    PENALTY = "penalty", _("Penalty")


class RewardStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("reward status", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("reward status", "Approved")


class RoundStatus(models.TextChoices):
    """A 常态问政 evaluation round: open for sheets, then closed and its results published."""

    OPEN = "open", pgettext_lazy("evaluation round status", "Open for evaluation")
    PUBLISHED = "published", pgettext_lazy("evaluation round status", "Results published")


class EvaluatorKind(models.TextChoices):
    """Who fills an evaluation sheet."""

    LEADER = "leader", _("City leader")
    NPC_DEPUTY = "npc", _("NPC deputy")
    CPPCC_MEMBER = "cppcc", _("CPPCC member")


class SheetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("evaluation sheet status", "Not submitted")
    SUBMITTED = "submitted", pgettext_lazy("evaluation sheet status", "Submitted")


class Rating(models.IntegerChoices):
    """A mark on an evaluation sheet (1–5); results are averages of these."""

    GOOD = 5, pgettext_lazy("evaluation rating", "5 Good")
    FAIRLY_GOOD = 4, pgettext_lazy("evaluation rating", "4 Fairly good")
    AVERAGE = 3, pgettext_lazy("evaluation rating", "3 Average")
    FAIRLY_POOR = 2, pgettext_lazy("evaluation rating", "2 Fairly poor")
    POOR = 1, pgettext_lazy("evaluation rating", "1 Poor")


class ResultBand(models.TextChoices):
    """A unit's evaluation result, from the average of its marks (bounds in constants.RESULT_BANDS)."""

    GOOD = "good", pgettext_lazy("evaluation result", "Good")
    FAIRLY_GOOD = "fairly_good", pgettext_lazy("evaluation result", "Fairly good")
    AVERAGE = "average", pgettext_lazy("evaluation result", "Average")
    POOR = "poor", pgettext_lazy("evaluation result", "Poor")


RESULT_BAND_COLOURS = {
    ResultBand.GOOD: "green",
    ResultBand.FAIRLY_GOOD: "green",
    ResultBand.AVERAGE: "yellow",
    ResultBand.POOR: "red",
}


class FigureSource(models.TextChoices):
    """How a province bulletin figure came in (保位争先)."""

    IMPORT = "import", _("Imported bulletin")
    HAND = "hand", _("Entered by hand")
    DEMO = "demo", _("Demo data")  # invented figures of the demo, marked on the page


# --- 现场协调快办 and the meetings' decisions (议定事项) ----------------------------------------


class CoordinationStatus(models.TextChoices):
    """A request for on-site coordination: waiting for its meeting, scheduled, its decisions recorded."""

    REQUESTED = "requested", pgettext_lazy("coordination status", "Awaiting scheduling")
    SCHEDULED = "scheduled", pgettext_lazy("coordination status", "Scheduled")
    DECIDED = "decided", pgettext_lazy("coordination status", "Decisions recorded")


class DecisionStatus(models.TextChoices):
    """A decision item (议定事项): open, its owner asked to close it (办结申请), closed by the office (办结)."""

    OPEN = "open", pgettext_lazy("decision status", "In progress")
    CLOSE_REQUESTED = "close_requested", pgettext_lazy("decision status", "Completion requested")
    CLOSED = "closed", pgettext_lazy("decision status", "Completed")


class ChannelKind(models.TextChoices):
    """Where a message leaves the system besides the inbox and email (docs/DELIVERY.md)."""

    WECOM = "wecom", _("WeCom / government WeChat group robot")  # 企业微信 / 政务微信群机器人
    DINGTALK = "dingtalk", _("DingTalk group robot")  # 钉钉群机器人
    WEBHOOK = "webhook", _("Signed HTTP webhook")
    SMS = "sms", _("Text message (SMS)")


GROUP_CHANNEL_KINDS = (ChannelKind.WECOM, ChannelKind.DINGTALK, ChannelKind.WEBHOOK)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("status", "To be sent")
    SENDING = "sending", pgettext_lazy("status", "Sending")
    SENT = "sent", pgettext_lazy("status", "Sent")
    FAILED = "failed", pgettext_lazy("status", "Failed")
    SKIPPED = "skipped", pgettext_lazy("status", "Skipped")
