"""Property tests of the one judgment (tasks/judgment/state.py) over generated plans and reports.

A year is replayed day by day: each day the scan's own pure rules (``condition_level`` and ``decide``)
act on the warning, with the planned and actual figures the judgment reports; then the judgment of
the day must never disagree with those numbers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from accountability.choices import ClosedReason
from accountability.models import SupervisionRules
from accountability.scan.conditions import condition_level
from accountability.scan.warnings import OpenWarning, catch_up_days, decide
from tasks.choices import WARNING_COLOURS, AssignmentStatus, WarningLevel
from tasks.judgment.state import LEVEL_STATES, State, judgment_of, summarise

START = dt.date(2018, 1, 1)
RULES = SupervisionRules(missing_report_warns=False)


def percents(n):
    return st.lists(st.integers(0, 1000), min_size=n, max_size=n).map(lambda xs: [Decimal(x) / 10 for x in sorted(xs)])


@st.composite
def timelines(draw):
    length = draw(st.integers(20, 200))
    node_days = sorted(draw(st.sets(st.integers(0, length), min_size=1, max_size=8)))
    nodes = list(zip(node_days, draw(percents(len(node_days))), strict=True))
    report_days = sorted(draw(st.sets(st.integers(0, length + 40), max_size=10)))
    reports = list(
        zip(
            report_days,
            draw(st.lists(st.integers(0, 1000), min_size=len(report_days), max_size=len(report_days))),
            strict=True,
        )
    )
    deadline = draw(st.integers(length // 2, length))
    done_on = draw(st.one_of(st.none(), st.integers(0, length + 40)))
    claimed_on = draw(st.one_of(st.none(), st.integers(0, length + 40)))
    return nodes, [(day, Decimal(x) / 10) for day, x in reports], deadline, done_on, claimed_on, length + 40


def figure_at(points, day):
    value = Decimal(0)
    for when, figure in points:
        if when <= day:
            value = figure
    return value


def replay(timeline):
    """Each day: the figures, the scan's decision, and the warning in force at the day's end."""
    nodes, reports, deadline, done_on, claimed_on, last = timeline
    deadline_day = START + dt.timedelta(days=deadline)
    warning, serial, days = None, 0, []
    for offset in range(last + 1):
        day = START + dt.timedelta(days=offset)
        planned, actual = figure_at(nodes, offset), figure_at(reports, offset)
        done = done_on is not None and done_on <= offset
        claimed = not done and claimed_on is not None and claimed_on <= offset
        if done or claimed:
            warning = None  # the scan closes the warning of a link no longer open
        else:
            node = max((when for when, _figure in nodes if when <= offset), default=None)
            row = {"planned": planned, "actual": actual, "deadline_then": deadline_day, "missing_period": None}
            row["node_due"] = START + dt.timedelta(days=node) if node is not None else None
            row["lag"] = planned - actual
            row["condition"] = condition_level(row, day, RULES)
            decision = decide(row, warning, day, RULES)
            if decision and decision.close == ClosedReason.CAUGHT_UP:
                warning = None
            if decision and decision.issue:
                serial += 1
                level = decision.issue.level
                due = day + dt.timedelta(days=catch_up_days(level, RULES))
                warning = OpenWarning(serial, 1, level, decision.issue.cause, due)
        level = warning.level if warning else WarningLevel.GREEN
        judgment = judgment_of(
            day=day,
            status=AssignmentStatus.IN_PROGRESS,
            deadline=deadline_day,
            done=done,
            claimed=claimed,
            level=level,
            planned=planned,
            actual=actual,
        )
        days.append((day, planned, actual, deadline_day, judgment))
    return days


@settings(max_examples=150, deadline=None)
@given(timelines())
def test_the_colour_never_disagrees_with_the_numbers(timeline):
    for day, planned, actual, deadline, judgment in replay(timeline):
        assert judgment.planned == planned and judgment.actual == actual
        assert judgment.gap == planned - actual
        assert judgment.lag == max(Decimal(0), planned - actual)
        if judgment.state in (State.DONE, State.CLAIMED):
            assert judgment.level == WarningLevel.GREEN and judgment.colour == judgment.state
            assert judgment.days_late == 0 and not judgment.behind
            continue
        assert judgment.colour == WARNING_COLOURS[WarningLevel(judgment.level)]
        # Late exactly when the deadline has passed, by the days since.
        assert (judgment.state == State.OVERDUE) == (deadline < day)
        assert judgment.days_late == max(0, (day - deadline).days)
        if judgment.state != State.OVERDUE:
            assert judgment.state == LEVEL_STATES[WarningLevel(judgment.level)]
        # Green only on plan; a warning only when behind by the yellow threshold or past the deadline;
        # far behind is red.
        if judgment.level == WarningLevel.GREEN:
            assert judgment.gap < RULES.yellow_lag_points and deadline >= day
        else:
            assert judgment.gap >= RULES.yellow_lag_points or deadline < day
            assert judgment.behind
        if judgment.gap > RULES.red_lag_points or deadline < day:
            assert judgment.level == WarningLevel.RED


@settings(max_examples=60, deadline=None)
@given(timelines())
def test_a_summary_counts_what_its_judgments_say(timeline):
    judgments = [judgment for *_facts, judgment in replay(timeline)]
    summary = summarise(judgments)
    assert summary.count == len(judgments) == sum(summary.counts.values())
    assert summary.behind == sum(1 for j in judgments if j.behind)
    open_levels = [j.level for j in judgments if j.is_open]
    assert summary.level == max(open_levels, default=0)
    assert summary.gap == summary.planned - summary.actual


def test_a_live_status_claimed_or_closed_wins_over_the_warning():
    day = dt.date(2018, 9, 30)
    facts = {"day": day, "deadline": day, "done": False, "claimed": False, "level": 3, "planned": 50, "actual": 10}
    assert judgment_of(status=AssignmentStatus.CLAIMED, **facts).state == State.CLAIMED
    assert judgment_of(status=AssignmentStatus.CLOSED, **facts).state == State.DONE
    red = judgment_of(status=AssignmentStatus.IN_PROGRESS, **facts)
    assert (red.state, red.colour, red.gap) == (State.RED, "red", Decimal(40))
