"""Excel downloads of the five-list register and the unit rankings (issue 5 §2), on the ledger's
exporter framework (``tasks.excel.writer``): write-only workbooks streamed from a temporary file,
every text cell through ``safe_cell`` so that a title beginning with = + - @ stays text.

The register takes the queryset the page shows (already scoped by ``for_user`` and filtered), so
a download never holds a notice its reader could not open; it is read in chunks.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.excel_writer import Exporter
from tasks.choices import RankingGroup, WarningLevel

from .choices import RankingPeriod
from .selectors.scores import Ranking

CHUNK = 2000


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


class NoticeRegisterExporter(Exporter):
    """五单台账: one line per notice the reader may see, as the register's filters chose them."""

    column_widths = (22, 14, 10, 16, 12, 40, 18, 12, 12, 12, 12, 12)

    def __init__(self, notices: QuerySet, *, today):
        self.notices, self.today = notices, today
        self.sheet_title = _("Notice register")

    def title(self) -> str:
        return _("Register of the five lists (as of %(day)s)") % {"day": self.today.isoformat()}

    def filename(self) -> str:
        return f"五单台账-{self.today:%Y%m%d}.xlsx"

    def headers(self) -> list[str]:
        return [
            _("Number"), _("Kind"), _("Warning level"), _("Unit"), _("Target code"), _("Target"),
            _("Cause"), pgettext("column", "Issued"), _("Due by"), _("State"),
            pgettext("column", "Signed for"), pgettext("column", "Closed"),
        ]  # fmt: skip

    def rows(self) -> Iterator[list]:
        for notice in self.notices.iterator(chunk_size=CHUNK):
            yield [
                notice.number or _("(not numbered)"),
                notice.get_kind_display(),
                WarningLevel(notice.level).label if notice.level is not None else None,
                notice.unit.name,
                notice.target.code or None if notice.target_id else None,
                notice.target.title if notice.target_id else notice.about,
                notice.get_cause_display(),
                _local_date(notice.issued_at),
                notice.due_date,
                notice.get_status_display(),
                _local_date(notice.signed_at),
                _local_date(notice.closed_at),
            ]


class RankingExporter(Exporter):
    """积分排名: each ranked unit of one group (or both) with its score, points, rank and grade."""

    column_widths = (16, 8, 20, 10, 10, 10, 10, 10)

    def __init__(self, table: Ranking, *, group: str = ""):
        self.table, self.group = table, group
        self.sheet_title = _("Score ranking")

    def _period_label(self) -> str:
        return str(RankingPeriod(self.table.period).label)

    def title(self) -> str:
        group = f" · {RankingGroup(self.group).label}" if self.group else ""
        return _("Score ranking %(start)s to %(day)s (%(period)s)%(group)s") % {
            "start": self.table.start.isoformat(),
            "day": self.table.as_of.isoformat(),
            "period": self._period_label(),
            "group": group,
        }

    def filename(self) -> str:
        suffix = "季度" if self.table.period == RankingPeriod.QUARTER else "年度"
        return f"积分排名-{suffix}-{self.table.as_of:%Y%m%d}.xlsx"

    def headers(self) -> list[str]:
        return [
            _("Group"), _("Rank"), _("Unit"), _("Score"), _("Bonuses"), _("Deductions"), _("Grade"),
            _("Places since last month"),
        ]  # fmt: skip

    def rows(self) -> Iterator[list]:
        for key, rows in self.table.groups.items():
            if self.group and key != self.group:
                continue
            label = RankingGroup(key).label
            for row in rows:
                yield [
                    label,
                    row.rank,
                    row.name,
                    row.score,
                    row.bonuses,
                    row.deductions,
                    row.grade_label,
                    row.rank_change,
                ]


class CheckRegisterExporter(Exporter):
    """四查台账: one line per check the reader may see, as the register's filters chose them."""

    column_widths = (12, 20, 12, 16, 12, 40, 50, 10, 16, 22, 12)

    def __init__(self, checks: QuerySet, *, today):
        self.checks, self.today = checks, today
        self.sheet_title = _("Check register")

    def title(self) -> str:
        return _("Register of the four checks (as of %(day)s)") % {"day": self.today.isoformat()}

    def filename(self) -> str:
        return f"四查台账-{self.today:%Y%m%d}.xlsx"

    def headers(self) -> list[str]:
        return [
            _("Checked on"), _("Kind of check"), _("How it was checked"), _("Unit"), _("Target code"), _("Target"),
            _("Finding"), _("Rating"), _("What follows"), _("Supervision notice"), _("Checked by"),
        ]  # fmt: skip

    def rows(self) -> Iterator[list]:
        for check in self.checks.iterator(chunk_size=CHUNK):
            assignment = check.assignment
            yield [
                check.checked_on,
                check.get_kind_display(),
                check.get_method_display(),
                assignment.unit.name,
                assignment.target.code or None,
                assignment.target.title,
                check.finding,
                check.get_rating_display() or None,
                check.get_follow_up_display(),
                check.notice.number if check.notice_id else None,
                str(check.checked_by),
            ]


class AssessmentExporter(Exporter):
    """年度考核结果: one version's lines as its reader may see them, with the approved rewards and
    penalties (a unit's reader gets its own line and its own measures only)."""

    column_widths = (14, 8, 20, 10, 12, 10, 10, 10, 10, 12, 10, 24)

    def __init__(self, table, rewards=()):
        self.table, self.assessment = table, table.assessment
        self.rewards: dict[int, list[str]] = {}
        for reward in rewards:
            if reward.status == "approved":
                self.rewards.setdefault(reward.unit_id, []).append(reward.measure.name)
        self.sheet_title = _("Year-end assessment")

    def title(self) -> str:
        return _("Year-end assessment %(year)s, version %(version)s (%(status)s, figures as of %(day)s)") % {
            "year": self.assessment.year,
            "version": self.assessment.version,
            "status": self.assessment.get_status_display(),
            "day": self.assessment.as_of.isoformat(),
        }

    def filename(self) -> str:
        return f"年度考核-{self.assessment.year}-v{self.assessment.version}.xlsx"

    def headers(self) -> list[str]:
        return [
            _("Group"), _("Rank"), _("Unit"), _("Completion (%)"), _("Points score"), _("Rated checks"),
            _("Checks mark"), _("Cases"), _("Accountability mark"), _("Assessment score"), _("Grade"),
            _("Rewards and penalties"),
        ]  # fmt: skip

    def rows(self) -> Iterator[list]:
        for label, rows in self.table.groups:
            for row in rows:
                yield [
                    label, row.rank, row.unit.name, row.completion_rate, row.points, row.checks, row.checks_mark,
                    row.cases, row.cases_mark, row.score, row.get_grade_display(),
                    "、".join(self.rewards.get(row.unit_id, [])),
                ]  # fmt: skip


class EvaluationResultsExporter(Exporter):
    """常态问政 results of one round: per unit and target, the averages, the count and the comments
    (unsigned, as the units read them)."""

    column_widths = (18, 12, 36, 10, 10, 10, 8, 10, 60)

    def __init__(self, round_, results):
        self.round, self.results = round_, results
        self.sheet_title = _("Evaluation results")

    def title(self) -> str:
        return _("%(round)s: results (%(start)s to %(end)s)") % {
            "round": self.round.name,
            "start": self.round.period_start.isoformat(),
            "end": self.round.period_end.isoformat(),
        }

    def filename(self) -> str:
        return f"{self.round.name}-评议结果.xlsx"

    def headers(self) -> list[str]:
        return [
            _("Unit"), _("Target code"), _("Target"), _("Progress (average)"), _("Effect (average)"),
            _("Overall (average)"), _("Sheets"), _("Result"), _("Comments"),
        ]  # fmt: skip

    def rows(self) -> Iterator[list]:
        for result in self.results:
            subject = result.subject
            yield [
                subject.unit.name,
                subject.target.code if subject.target_id else None,
                subject.target.title if subject.target_id else pgettext("evaluation subject", "Work as a whole"),
                result.progress,
                result.effect,
                result.overall,
                result.count,
                result.band_label or None,
                "\n".join(result.comments) or None,
            ]
