"""常态问政 results: per unit and target, the average of each criterion over the submitted sheets.

Comments come without their authors and in an order that does not follow the sheets (by text), so
a unit reading its results cannot tell who gave which.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q

from ..choices import RESULT_BAND_COLOURS, ResultBand, SheetStatus
from ..constants import RESULT_BANDS
from ..models import EvaluationMark, EvaluationRound, EvaluationSheet, EvaluationSubject

TWO_PLACES = Decimal("0.01")


def _average(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def band_for(average: Decimal | None) -> str | None:
    """The result (好 / 较好 / 一般 / 差) an average mark earns; None without marks."""
    if average is None:
        return None
    for band, lowest in RESULT_BANDS:
        if average >= lowest:
            return band
    return ResultBand.POOR


@dataclass
class SubjectResult:
    subject: EvaluationSubject
    progress: Decimal | None
    effect: Decimal | None
    count: int
    comments: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Decimal | None:
        """Progress and effect weigh the same."""
        if self.progress is None or self.effect is None:
            return None
        return ((self.progress + self.effect) / 2).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)

    @property
    def band(self) -> str | None:
        return band_for(self.overall)

    @property
    def band_label(self) -> str:
        return ResultBand(self.band).label if self.band else ""

    @property
    def colour(self) -> str:
        return RESULT_BAND_COLOURS[ResultBand(self.band)] if self.band else "grey"


def round_results(round_: EvaluationRound, *, unit_ids=None) -> list[SubjectResult]:
    """Each subject of the round (only those of ``unit_ids`` when given) with its averages over the
    submitted sheets, in the round's order. Three queries, whatever the number of subjects."""
    subjects = round_.subjects.select_related("unit", "target")
    if unit_ids is not None:
        subjects = subjects.filter(unit__in=unit_ids)
    submitted = Q(sheet__status=SheetStatus.SUBMITTED)
    marks = EvaluationMark.objects.filter(submitted, subject__round=round_)
    sums = {
        row["subject_id"]: row
        for row in marks.values("subject_id").annotate(
            progress=Avg("progress"), effect=Avg("effect"), count=Count("pk")
        )
    }
    comments = defaultdict(list)
    for subject_id, comment in marks.exclude(comment="").order_by("comment").values_list("subject_id", "comment"):
        comments[subject_id].append(comment)
    results = []
    for subject in subjects:
        row = sums.get(subject.pk, {})
        results.append(
            SubjectResult(
                subject=subject,
                progress=_average(row.get("progress")),
                effect=_average(row.get("effect")),
                count=row.get("count", 0),
                comments=comments.get(subject.pk, []),
            )
        )
    return results


def sheet_counts(round_: EvaluationRound) -> dict[str, int]:
    """How many sheets the round has, and how many are submitted."""
    return EvaluationSheet.objects.filter(round=round_).aggregate(
        total=Count("pk"), submitted=Count("pk", filter=Q(status=SheetStatus.SUBMITTED))
    )
