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
