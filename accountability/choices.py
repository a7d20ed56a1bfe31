"""Fixed vocabularies of supervision and accountability."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckKind(models.TextChoices):
    """The four checks: 已经落实的查效果、正在落实的查进度、未落实的查原因、不抓落实的查责任."""

    EFFECT = "effect", _("Done: check the effect")
    PROGRESS = "progress", _("In progress: check progress")
    CAUSE = "cause", _("Not started: check why")
    RESPONSIBILITY = "responsibility", _("Not acting: find who answers for it")


class ChangeRequestStatus(models.TextChoices):
    """A change to a signed responsibility letter waits for the office's decision."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


# --- Scoring (积分管理) ------------------------------------------------------------------------


class RuleCode(models.TextChoices):
    """Each rule that moves a unit's score. Entries of every rule but the base are made by events;
    the office edits the amounts, not the list (each code has the code that finds its events)."""

    BASE = "base", _("Base score")
    REPORT_LATE = "report_late", _("Report filed late")
    REPORT_MISSING = "report_missing", _("Report missing")
    COMPLETED_LEAD = "completed_lead", _("Lead assignment completed")
    COMPLETED_CO = "completed_co", _("Co-unit assignment completed")
    EARLY_OR_OVER = "early_or_over", _("Finished a month early or 10 percent over target")
    PROPOSAL_UNSATISFIED = "proposal_unsatisfied", _("Proposal reply found unsatisfactory")
    REVERSAL = "reversal", _("Entry reversed on appeal")


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
    PENDING = "pending", _("Awaiting the office")
    UPHELD = "upheld", _("Entry upheld")
    REVERSED = "reversed", _("Entry reversed")


APPEAL_STATUS_COLOURS = {AppealStatus.PENDING: "yellow", AppealStatus.UPHELD: "red", AppealStatus.REVERSED: "green"}


# --- Public disclosure (公示晾晒) ----------------------------------------------------------------


class DisclosureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
