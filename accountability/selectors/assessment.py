"""Read side of the year-end assessment: the years, the version a person sees, and its lines as that
person may read them (the office and the leaders every unit; a unit its own line only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Min

from core import clock
from core.access import access_for
from core.permissions import can
from tasks.choices import RankingGroup
from tasks.models import Target

from ..choices import AssessmentStatus
from ..models import Assessment, AssessmentRow, Reward


def assessment_years() -> list[dict]:
    """Every year with targets or an assessment, newest first, with its approved and draft versions."""
    bounds = Target.objects.aggregate(first=Min("year"), last=Max("year"))
    years = set(Assessment.objects.values_list("year", flat=True))
    if bounds["first"] is not None:
        years |= set(range(bounds["first"], bounds["last"] + 1))
    years.add(clock.today().year)
    versions: dict[int, dict] = {year: {"year": year, "approved": None, "draft": None} for year in years}
    for assessment in Assessment.objects.exclude(status=AssessmentStatus.SUPERSEDED):
        versions[assessment.year]["approved" if assessment.is_approved else "draft"] = assessment
    return sorted(versions.values(), key=lambda row: row["year"], reverse=True)


def chosen_version(user, year: int, version: str | None) -> tuple[Assessment | None, list[Assessment]]:
    """The version asked for (``?version=``), else the draft for those who see drafts, else the
    approved one; and every version of the year this person may see (the history)."""
    versions = list(
        Assessment.objects.for_user(user).filter(year=year).select_related("prepared_by", "approved_by", "approved_for")
    )
    if version:
        wanted = next((found for found in versions if str(found.version) == version), None)
        return wanted, versions
    draft = next((found for found in versions if found.is_draft), None)
    approved = next((found for found in versions if found.is_approved), None)
    return draft or approved, versions


@dataclass
class AssessmentTable:
    assessment: Assessment
    groups: list[tuple[str, list[AssessmentRow]]] = field(default_factory=list)
    all_units: bool = False


def table_for(user, assessment: Assessment) -> AssessmentTable:
    """The version's lines by ranking group (one query), a unit's reader seeing its own line only."""
    rows = assessment.rows.select_related("unit").order_by("ranking_group", "rank", "unit__sort_order")
    all_units = can(user, "assessment.see_all_units")
    if not all_units:
        rows = rows.filter(unit__in=access_for(user).unit_ids)
    by_group: dict[str, list[AssessmentRow]] = {group: [] for group in RankingGroup.values}
    for row in rows:
        by_group.setdefault(row.ranking_group, []).append(row)
    groups = [(RankingGroup(group).label, found) for group, found in by_group.items() if found]
    return AssessmentTable(assessment, groups, all_units)


def rewards_for(user, assessment: Assessment):
    return (
        Reward.objects.for_user(user)
        .filter(assessment=assessment)
        .select_related("unit", "measure", "proposed_by", "approved_by", "approved_for")
        .order_by("unit__sort_order", "unit__name", "measure__sort_order")
    )
