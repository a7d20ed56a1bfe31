"""The wording of each kind of notice.

A notice is an official document of the city: its text is written once, when it is issued, in the
site's language (``settings.LANGUAGE_CODE``, Chinese), whatever language the person or job issuing
it happens to use. English source strings keep the code readable; the zh_Hans catalogue holds the
document's Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext

from core.id_lists import in_bulk
from tasks.choices import AssignmentRole, WarningLevel
from tasks.judgment.lateness import HeadLate
from tasks.models import Assignment, Target, Unit

from ..choices import NoticeCause, NoticeKind

T = TypeVar("T")


# What the wording (and a notice's draft) read of an assignment, its target and its unit: loading
# only these keeps a thousand drafts' model instances small.
ASSIGNMENT_FIELDS = ("id", "target_id", "unit_id", "role", "deadline", "share")  # share: Assignment.goal_value
TARGET_FIELDS = ("id", "code", "title", "year", "measure_unit", "report_frequency", "share_rule", "target_value")
UNIT_FIELDS = ("id", "name", "sort_order")


def assignments_to_word(assignments: QuerySet[Assignment]) -> list[Assignment]:
    """The assignments (in the queryset's order), each with its target and unit, loaded once and
    shared: a night words 5,700 assignments of a few thousand targets and a few hundred units, and
    ``select_related`` built a target and a unit per row (17,000 model instances: 0.22 s against
    0.17 s shared, at province scale)."""
    assignments = list(assignments.only(*ASSIGNMENT_FIELDS))
    targets = in_bulk(Target.objects.only(*TARGET_FIELDS), {assignment.target_id for assignment in assignments})
    units = in_bulk(Unit.objects.only(*UNIT_FIELDS), {assignment.unit_id for assignment in assignments})
    target_field, unit_field = Assignment.target.field, Assignment.unit.field
    for assignment in assignments:
        target_field.set_cached_value(assignment, targets[assignment.target_id])
        unit_field.set_cached_value(assignment, units[assignment.unit_id])
    return assignments


@dataclass(frozen=True)
class Wording:
    title: str
    body: str
    required_action: str


# Inside ``rendering_in_bulk()``: the site's language is already active, and each sentence, date and
# label translated once for the whole batch (a night's scan words thousands of notices from a few
# dozen sentences; translating each again, and switching the language per notice, was most of
# the wording's time).
_bulk: ContextVar[dict | None] = ContextVar("notice_texts_bulk", default=None)


@contextmanager
def rendering_in_bulk() -> Iterator[None]:
    """Word many notices: the site's language switched on once, every translation looked up once."""
    if _bulk.get() is not None:  # already inside one
        yield
        return
    with translation.override(settings.LANGUAGE_CODE):
        token = _bulk.set({})
        try:
            yield
        finally:
            _bulk.reset(token)


def _(message: str) -> str:
    cache = _bulk.get()
    if cache is None:
        return gettext(message)
    try:
        return cache[message]
    except KeyError:
        text = cache[message] = gettext(message)
        return text


def _once(key, compute: Callable[[], str]) -> str:
    """``compute()``, remembered under ``key`` while rendering in bulk."""
    cache = _bulk.get()
    if cache is None:
        return compute()
    try:
        return cache[key]
    except KeyError:
        text = cache[key] = compute()
        return text


def in_site_language(function: Callable[..., T]) -> Callable[..., T]:
    @wraps(function)
    def wrapper(*args, **kwargs):
        if _bulk.get() is not None:  # rendering_in_bulk() switched the language already
            return function(*args, **kwargs)
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return wrapper


def day_text(day: dt.date | None) -> str:
    """A date as an official document writes it: 2018年9月30日."""
    if day is None:
        return ""
    if _bulk.get() is not None:
        return _once(("day", day), lambda: _day_text(day))
    with translation.override(settings.LANGUAGE_CODE):
        return _day_text(day)


def _day_text(day: dt.date) -> str:
    return _("%(month)s/%(day)s/%(year)s") % {"year": day.year, "month": day.month, "day": day.day}


def _sentences(*parts: str) -> str:
    """Chinese sentences follow each other without a space; English ones with one."""
    glue = "" if settings.LANGUAGE_CODE.startswith("zh") else " "
    return glue.join(part for part in parts if part)


def _points(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.1')).normalize():f}"


def _chain(assignment: Assignment) -> dict[str, str]:
    target = assignment.target
    return {
        "unit": str(assignment.unit),
        "target": target.title,
        "code": target.code,
        "role": _once(("role", assignment.role), lambda: str(AssignmentRole(assignment.role).label)),
        "deadline": day_text(assignment.deadline),
    }


def colour_word(level: int) -> str:
    """The colour as a document names it inside a sentence (黄色), not the label of a list (黄色预警)."""
    return {
        WarningLevel.YELLOW: _("yellow"),
        WarningLevel.ORANGE: _("orange"),
        WarningLevel.RED: _("red"),
    }[WarningLevel(level)]


def kind_title(kind: str, level: int | None = None) -> str:
    if _bulk.get() is not None:
        return _once(("title", kind, level), lambda: _kind_title(kind, level))
    with translation.override(settings.LANGUAGE_CODE):
        return _kind_title(kind, level)


def _kind_title(kind: str, level: int | None) -> str:
    if kind == NoticeKind.WARNING and level is not None:
        return _("Progress warning (%(level)s)") % {"level": colour_word(level)}
    return str(NoticeKind(kind).label)


@in_site_language
def task_wording(assignment: Assignment, *, due: dt.date) -> Wording:
    facts = _chain(assignment)
    body = _(
        "The city's %(year)s target “%(target)s” (%(code)s) has been broken down. Your unit, %(unit)s, "
        "carries it as %(role)s and must complete its part by %(deadline)s."
    ) % {**facts, "year": assignment.target.year}
    goal = assignment.goal_value
    if goal is not None and assignment.target.measure_unit:
        body += _(" Your unit's goal: %(goal)s %(measure)s.") % {
            "goal": _points(goal),
            "measure": assignment.target.measure_unit,
        }
    body += _(
        " Following “one leader, one task force, one deadline, one line of accountability”, plan the work "
        "backwards from the deadline and report progress on time."
    )
    action = _("Sign for this notice by %(due)s and report progress as the plan requires.") % {"due": day_text(due)}
    return Wording(kind_title(NoticeKind.TASK), body, action)


@dataclass(frozen=True)
class WarningFacts:
    """What the scan found: the numbers a warning quotes."""

    day: dt.date
    planned: Decimal
    actual: Decimal
    milestone_due: dt.date | None
    deadline: dt.date
    missing_period: str | None = None
    missing_due: dt.date | None = None
    previous_number: str = ""
    previous_level: int | None = None
    previous_due: dt.date | None = None
    # 负责人未审批: the report the unit's staff filed and its head has not approved in time.
    head_late: HeadLate | None = None
    # A leader's instruction (批示) on the target the unit had to answer by this day and has not.
    instruction_due: dt.date | None = None


@in_site_language
def warning_wording(assignment: Assignment, *, level: int, cause: str, facts: WarningFacts, due: dt.date) -> Wording:
    names = {**_chain(assignment), "day": day_text(facts.day)}
    standing = _(
        "As of %(day)s, your unit's part of “%(target)s” was planned at %(planned)s%% and has reached "
        "%(actual)s%%: %(lag)s points behind plan."
    ) % {
        **names,
        "planned": _points(facts.planned),
        "actual": _points(facts.actual),
        "lag": _points(facts.planned - facts.actual),
    }
    if cause == NoticeCause.MISSING_REPORT:
        lead = _(
            "Your unit's progress report on “%(target)s” for %(period)s was due by %(due)s "
            "and had not been filed as of %(day)s."
        ) % {
            **names,
            "period": facts.missing_period,
            "due": day_text(facts.missing_due),
        }
    elif cause == NoticeCause.HEAD_LATE and facts.head_late:
        lead = _(
            "Your unit's staff filed the progress report on “%(target)s” for %(period)s on %(filed)s; "
            "its approval by the unit's head was due by %(approval_due)s and had not been given as "
            "of %(day)s. The report counts as filed; the head is asked to approve or "
            "return it at once."
        ) % {
            **names,
            "period": facts.head_late.period,
            "filed": day_text(facts.head_late.submitted_on),
            "approval_due": day_text(facts.head_late.approval_due),
        }
    elif cause == NoticeCause.INSTRUCTION_OVERDUE and facts.instruction_due:
        lead = _(
            "A leader's instruction on “%(target)s” asked your unit to answer by %(due)s what it had done; "
            "as of %(day)s it has not answered."
        ) % {**names, "due": day_text(facts.instruction_due)}
    elif cause == NoticeCause.OVERDUE:
        lead = (
            _("Your unit's part of “%(target)s” was due by %(deadline)s and had not been completed as of %(day)s.")
            % names
        )
    elif cause == NoticeCause.NOT_ACTED:
        lead = _(
            "Warning %(number)s (%(previous)s) asked your unit to catch up by %(due)s; as of %(day)s it has not. "
            "The warning is raised to %(level)s."
        ) % {
            **names,
            "number": facts.previous_number,
            "previous": colour_word(facts.previous_level),
            "due": day_text(facts.previous_due),
            "level": colour_word(level),
        }
    elif cause == NoticeCause.STEPPED_DOWN:
        lead = _("Your unit has narrowed its lag since warning %(number)s; the warning is lowered to %(level)s.") % {
            "number": facts.previous_number,
            "level": colour_word(level),
        }
    else:
        lead = ""
    body = _sentences(lead, standing)
    action = _(
        "Take effective measures to catch up with the plan by %(due)s and report them to the supervision office. "
        "A warning not acted on by then is raised."
    ) % {"due": day_text(due)}
    if level == WarningLevel.RED:
        action = _(
            "Explain in writing by %(due)s why the work is behind and what will be done; "
            "the unit's head answers for it. Repeated red warnings are exposed."
        ) % {"due": day_text(due)}
    return Wording(kind_title(NoticeKind.WARNING, level), body, action)


@in_site_language
def close_out_wording(assignment: Assignment, *, day: dt.date, due: dt.date, note: str = "") -> Wording:
    body = _(
        "The supervision office has verified that your unit, %(unit)s, has completed its part of “%(target)s” "
        "(%(code)s). The assignment is closed out as of %(day)s."
    ) % {**_chain(assignment), "day": day_text(day)}
    if note:
        body += " " + note
    action = _("Sign for this notice by %(due)s and keep the evidence on file.") % {"due": day_text(due)}
    return Wording(kind_title(NoticeKind.CLOSE_OUT), body, action)


@in_site_language
def exposure_wording(
    assignment: Assignment, *, cause: str, due: dt.date, red_numbers: list[str] = (), reason: str = ""
) -> Wording:
    names = _chain(assignment)
    if cause == NoticeCause.TWO_REDS:
        body = _(
            "In %(year)s your unit, %(unit)s, has received %(count)s red progress warnings (%(numbers)s), "
            "the latest on “%(target)s”. The work has not been carried out as required."
        ) % {**names, "year": assignment.target.year, "count": len(red_numbers), "numbers": "、".join(red_numbers)}
    elif cause == NoticeCause.OVERDUE_AFTER_RED:
        body = _(
            "After red warning %(numbers)s your unit, %(unit)s, still did not complete its part of “%(target)s” by "
            "%(deadline)s."
        ) % {**names, "numbers": "、".join(red_numbers)}
    else:
        body = reason
    return Wording(kind_title(NoticeKind.EXPOSURE), body, exposure_action(due))


@in_site_language
def exposure_action(due: dt.date) -> str:
    return _(
        "This is made public. Report in writing by %(due)s why, who answers for it and how it will be put right."
    ) % {"due": day_text(due)}
