"""The frozen data of a public disclosure (公示晾晒), built once when the office prepares it.

Everything the public page shows is in this dictionary, already worded in the office's language,
so a publication never changes when the ledger, a label or a unit's name changes later. What it
holds is chosen field by field: unit names, figures, target titles; never a person's account,
phone number or a report's text; responsible persons and proposers only when the office says so.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation

from tasks.choices import (
    AssignmentRole,
    AssignmentStatus,
    HandlingMode,
    ProposalStatus,
    RankingGroup,
    ReplyKind,
    TargetStatus,
    TargetType,
    WarningLevel,
)
from tasks.judgment.state import State, group, judge, target_summary, unit_keys
from tasks.measures import rolled_up
from tasks.models import Assignment, Proposal, ProposalReply, Target
from tasks.services.proposals import derive_status

from ..choices import Grade, NoticeKind, NoticeStatus, RankingPeriod
from ..models import Notice
from ..rulebook import end_of, start_of
from .scores import ranking

# 2: warnings are the notices issued in the year up to the day (1 had the colours assignments
# carried when the snapshot was taken), and the published exposures are listed. 3: a livelihood
# project's figures roll up from its units' (the sum of the units' under shares that add up; 2 gave
# the lead unit's own), and a verified completion claim counts as accepted figures.
# 4: every figure and state is the one judgment's (tasks/judgment/state.py) as of the day: a unit's
# completion and a project's units are the reports the office held then, each unit row and livelihood
# link carries its state (按计划 / 预警 / 逾期 / 待核验销号 / 已完成) and a project its worst one.
# 5: units tied on points are ranked by completion (``standing()`` in selectors/scores.py); the page
# says so only for snapshots taken under that rule.
SNAPSHOT_VERSION = 5
ONE = Decimal("0.1")
CENT = Decimal("0.01")


def _fixed(value, places: Decimal = ONE) -> str | None:
    if value is None:
        return None
    return f"{Decimal(value).quantize(places, rounding=ROUND_HALF_UP):f}"


def _plain(value) -> str | None:
    return None if value is None else f"{Decimal(value).normalize():f}"


def build_snapshot(*, as_of: dt.date, show_responsible_persons: bool = False, show_proposers: bool = False) -> dict:
    with translation.override(settings.LANGUAGE_CODE):
        table = ranking(as_of=as_of, period=RankingPeriod.YEAR)
        stats = _unit_stats(as_of)
        warnings = _warnings_by_unit(as_of)
        groups = []
        for group in RankingGroup:
            rows = []
            for row in table.groups[group]:
                unit = stats.get(row.unit_id, {})
                rows.append(
                    {
                        "unit": row.name,
                        "rank": row.rank,
                        "score": _fixed(row.score, CENT),
                        "bonuses": _fixed(row.bonuses, CENT),
                        "deductions": _fixed(row.deductions, CENT),
                        "grade": row.grade,
                        "grade_label": str(row.grade_label),
                        "assignments": unit.get("assignments", 0),
                        "closed": unit.get("closed", 0),
                        "completion_rate": _fixed(unit.get("progress")),
                        "behind": unit.get("behind", 0),
                        "states": unit.get("states", dict.fromkeys(State.values, 0)),
                        "warnings": warnings.get(row.unit_id, dict.fromkeys(WARNING_KEYS.values(), 0)),
                    }
                )
            groups.append({"key": str(group), "label": str(group.label), "rows": rows})
        return {
            "version": SNAPSHOT_VERSION,
            "as_of": as_of.isoformat(),
            "year": as_of.year,
            "base": _fixed(table.base, CENT),
            "bands": [{"grade": grade, "label": str(Grade(grade).label), "min": _plain(m)} for grade, m in table.bands],
            "groups": groups,
            "exposures": _exposures(as_of),
            "livelihood": _livelihood(as_of, show_responsible_persons),
            "proposals": _proposals(as_of, show_proposers),
        }


def _issued_by(as_of: dt.date):
    return Assignment.objects.filter(issued_at__lt=end_of(as_of)).exclude(status=AssignmentStatus.DRAFT)


def _unit_stats(as_of: dt.date) -> dict[int, dict]:
    """Per unit: assignments, those done and average progress, its states, all as the judgment had them
    on the day (one query)."""
    facts: dict = {}
    judged = judge(_issued_by(as_of).filter(target__year=as_of.year), as_of, facts=facts)
    stats = {}
    for unit_id, summary in group(judged, unit_keys(facts)).items():
        stats[unit_id] = {
            "assignments": summary.count,
            "closed": summary.count_of(State.DONE),
            "progress": summary.actual,
            "behind": summary.behind,
            "states": {state: summary.count_of(state) for state in State.values},
        }
    return stats


WARNING_KEYS = {WarningLevel.YELLOW: "yellow", WarningLevel.ORANGE: "orange", WarningLevel.RED: "red"}
# A candidate the office has not approved, or one it refused, was never issued: never public.
_NEVER_ISSUED = (NoticeStatus.PROPOSED, NoticeStatus.DISMISSED)


def _year_to(as_of: dt.date) -> Q:
    return Q(issued_at__gte=start_of(dt.date(as_of.year, 1, 1)), issued_at__lt=end_of(as_of))


def _warnings_by_unit(as_of: dt.date) -> dict[int, dict[str, int]]:
    """Per unit: the progress warnings (进度预警单) issued to it this year up to the day, by colour.
    Each notice counts once: an escalation from yellow to red is one yellow and one red."""
    rows = (
        Notice.objects.filter(_year_to(as_of), kind=NoticeKind.WARNING)
        .exclude(status__in=_NEVER_ISSUED)
        .values("unit_id")
        .annotate(**{key: Count("pk", filter=Q(level=level)) for level, key in WARNING_KEYS.items()})
    )
    return {row.pop("unit_id"): row for row in rows}


def _exposures(as_of: dt.date) -> list[dict]:
    """The exposure notices (曝光单) the office approved and published this year up to the day."""
    notices = (
        Notice.objects.filter(
            kind=NoticeKind.EXPOSURE,
            is_published=True,
            published_at__gte=start_of(dt.date(as_of.year, 1, 1)),
            published_at__lt=end_of(as_of),
        )
        .exclude(status__in=_NEVER_ISSUED)
        .select_related("unit", "target")
        .order_by("published_at", "pk")
    )
    return [
        {
            "unit": notice.unit.name,
            "target": notice.target.title,
            "number": notice.number,
            "date": timezone.localtime(notice.published_at).date().isoformat(),
        }
        for notice in notices
    ]


def _chain(as_of: dt.date):
    assignments = _issued_by(as_of).select_related("unit")
    return Prefetch("assignments", queryset=assignments.order_by("role", "unit__sort_order"))


def _livelihood(as_of: dt.date, show_responsible_persons: bool) -> list[dict]:
    targets = (
        Target.objects.filter(year=as_of.year, target_type=TargetType.LIVELIHOOD)
        .exclude(status=TargetStatus.DRAFT)
        .prefetch_related(_chain(as_of))
        .order_by("code")
    )
    targets = list(targets)
    judged = judge(_issued_by(as_of).filter(target__in=targets), as_of)
    projects = []
    for target in targets:
        links = [link for link in target.assignments.all() if link.pk in judged]
        for link in links:  # the figures the office held on the day (the judgment's)
            link.judged = judged[link.pk]
            link.progress_then, link.value_then = link.judged.actual, link.judged.value
        lead = next((a for a in links if a.role == AssignmentRole.LEAD), None)
        units = []
        for link in links:
            unit = {
                "unit": link.unit.name,
                "role": str(link.get_role_display()),
                "share": _plain(link.share),
                "actual_value": _plain(link.value_then),
                "progress_percent": _fixed(link.progress_then),
                "closed": _closed_by(link, as_of),
                "state": link.judged.state,
                "state_label": str(link.judged.label),
                "level": link.judged.level,
            }
            if show_responsible_persons:
                unit["responsible_person"] = link.responsible_person
            units.append(unit)
        # The target's figures roll up from its units' (the sum under shares that add up).
        value, percent = rolled_up(target, links, value="value_then", percent="progress_then")
        summary = target_summary(target, [(link.role, link.share, link.judged) for link in links])
        projects.append(
            {
                "code": target.code,
                "title": target.title,
                "measure_unit": target.measure_unit,
                "target_value": _plain(target.target_value),
                "deadline": target.deadline.isoformat(),
                "lead_unit": lead.unit.name if lead else "",
                "progress_percent": _fixed(percent),
                "actual_value": _plain(value),
                "closed": bool(links) and all(_closed_by(link, as_of) for link in links),
                "state": summary.state if summary else "",
                "state_label": str(summary.label) if summary else "",
                "level": summary.level if summary else 0,
                "units": units,
            }
        )
    return projects


def _closed_by(assignment: Assignment, as_of: dt.date) -> bool:
    return assignment.closed_at is not None and assignment.closed_at < end_of(as_of)


def _proposals(as_of: dt.date, show_proposers: bool) -> list[dict]:
    """Each proposal with the replies written by the day and the proposer's views recorded by then."""
    moment = end_of(as_of)
    replies = (
        ProposalReply.objects.filter(kind=ReplyKind.REPLY, written_at__lt=moment)
        .select_related("assignment__unit")
        .order_by("round", "written_at")
    )
    chain = Assignment.objects.exclude(status=AssignmentStatus.DRAFT).select_related("unit")
    proposals = (
        Proposal.objects.filter(target__year=as_of.year, assigned_on__lte=as_of)
        .select_related("target")
        .prefetch_related(Prefetch("replies", queryset=replies), Prefetch("target__assignments", queryset=chain))
        .order_by("kind", "number")
    )
    rows = []
    for proposal in proposals:
        links = list(proposal.target.assignments.all())
        lead = next((link for link in links if link.role == AssignmentRole.LEAD), None)
        seen = list(proposal.replies.all())
        for reply in seen:  # a view recorded after the day was not known on it
            if reply.satisfaction_recorded_at and reply.satisfaction_recorded_at >= moment:
                reply.satisfaction = ""
        answering = [
            link.pk
            for link in links
            if proposal.handling_mode != HandlingMode.JOINT or link.role == AssignmentRole.LEAD
        ]
        status = ProposalStatus(derive_status(answering, seen))
        row = {
            "kind": proposal.kind,
            "kind_label": str(proposal.get_kind_display()),
            "number": proposal.number,
            "session": proposal.session,
            "title": proposal.target.title,
            "lead_unit": lead.unit.name if lead else "",
            "handling_label": str(proposal.get_handling_mode_display()),
            "reply_deadline": proposal.reply_deadline.isoformat(),
            "status": str(status),
            "status_label": str(status.label),
            "replies": [
                {
                    "unit": reply.assignment.unit.name,
                    "round": reply.round,
                    "result_code": reply.result_code,
                    "result_label": str(reply.get_result_code_display()),
                    "satisfaction_label": str(reply.get_satisfaction_display()) if reply.satisfaction else "",
                }
                for reply in seen
            ],
        }
        if show_proposers:
            row["proposers"] = proposal.proposers
        rows.append(row)
    return rows


def numbered_history(disclosure) -> list[tuple[object, int | None]]:
    """The disclosure's history rows, oldest first, each with the version of the figures it holds:
    1 for the first figures taken, 2 once they are taken again, and so on. People compare versions;
    the snapshot's digest that tells them apart stays internal."""
    versions: dict[str, int] = {}
    rows = []
    for record in disclosure.history.select_related("history_user").order_by("history_date"):
        if record.digest and record.digest not in versions:
            versions[record.digest] = len(versions) + 1
        rows.append((record, versions.get(record.digest)))
    return rows
