"""Rule amounts and grade bands as they stood on any day, read from their history.

The office may change an amount or a band at any time. An entry keeps the amount in force on the
day of its event, and a ranking for a past day reads the base and the bands of that day, so that
recomputing it later gives the answer it gave then. Before a rule's first recorded state it had
its default (the rules are created with their defaults).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from .choices import Grade, RuleCode
from .constants import DEFAULT_GRADE_BANDS, DEFAULT_RULES
from .models import GradeBand, ScoreRule


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the site's time zone (history before it counts for ``day``)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class RuleBook:
    """Loaded once (two queries), then answers for any code and day without touching the database.

    Its answers are remembered per (code, day) and per day: a ranking asks the same few days over
    and over (every unit's trend reads the base on each month end).
    """

    def __init__(self) -> None:
        self._rule_answers: dict[tuple[str, dt.date], tuple[Decimal | None, bool]] = {}
        self._band_answers: dict[dt.date, list[tuple[str, Decimal]]] = {}
        self._rules = defaultdict(list)
        for code, amount, active, when, kind in ScoreRule.history.order_by("history_date", "history_id").values_list(
            "code", "amount", "is_active", "history_date", "history_type"
        ):
            self._rules[code].append((when, amount, active and kind != "-"))
        self._bands = defaultdict(list)
        for grade, minimum, when, kind in GradeBand.history.order_by("history_date", "history_id").values_list(
            "grade", "min_score", "history_date", "history_type"
        ):
            self._bands[grade].append((when, None if kind == "-" else minimum))

    @staticmethod
    def _latest_before(rows, moment):
        found = None
        for when, *values in rows:
            if when >= moment:
                break
            found = values
        return found

    def rule_on(self, code: str, day: dt.date) -> tuple[Decimal | None, bool]:
        """(amount, in force) of the rule on ``day``."""
        key = (code, day)
        if key not in self._rule_answers:
            self._rule_answers[key] = self._rule_on(code, day)
        return self._rule_answers[key]

    def _rule_on(self, code: str, day: dt.date) -> tuple[Decimal | None, bool]:
        values = self._latest_before(self._rules.get(code, ()), end_of(day))
        if values is None:
            return DEFAULT_RULES[RuleCode(code)][0], True
        return values[0], values[1]

    def amount_on(self, code: str, day: dt.date) -> Decimal | None:
        """The points the rule gives on ``day``, or None when it is not in force (or gives none)."""
        amount, active = self.rule_on(code, day)
        return amount if active and amount else None

    def base_on(self, day: dt.date) -> Decimal:
        return self.rule_on(RuleCode.BASE, day)[0] or Decimal(0)

    def bands_on(self, day: dt.date) -> list[tuple[str, Decimal]]:
        """(grade, lowest score) from the best grade down, as they stood on ``day``."""
        if day not in self._band_answers:
            self._band_answers[day] = self._bands_on(day)
        return self._band_answers[day]

    def _bands_on(self, day: dt.date) -> list[tuple[str, Decimal]]:
        bands = []
        for grade, default in DEFAULT_GRADE_BANDS.items():
            values = self._latest_before(self._bands.get(grade, ()), end_of(day))
            minimum = default if values is None else values[0]
            if minimum is not None:
                bands.append((grade, minimum))
        return sorted(bands, key=lambda band: band[1], reverse=True)

    def grade_for(self, score: Decimal, day: dt.date) -> str:
        for grade, minimum in self.bands_on(day):
            if score >= minimum:
                return grade
        return Grade.POOR
