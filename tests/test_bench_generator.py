"""make_bench_data: deterministic, refuses a database with real data, consistent denormalised fields,
the five lists numbered without gaps, points entries that name their causes, a published disclosure."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max

from accountability.choices import DisclosureStatus, NoticeKind, NoticeStatus
from accountability.models import Disclosure, Notice, NoticeCounter, ScoreEntry, UnitMonthPoints
from bench.generator import VERSION, existing_dataset, generate
from bench.scales import TINY, TODAY
from tasks import services
from tasks.choices import FILED_REPORT_STATUSES
from tasks.models import Assignment, HeldReport, ProgressReport, Target, UnitDayCompletion, YearProgressDay
from tasks.services import held_reports, unit_completion
from tests.factories import TargetFactory


def _quiet(_line):
    pass


def _fingerprint():
    assignments = list(
        Assignment.objects.order_by("target__code", "unit__name").values_list(
            "target__code", "unit__name", "role", "deadline", "progress_percent", "planned_percent", "warning_level"
        )
    )
    notices = list(
        Notice.objects.order_by("kind", "serial").values_list(
            "number", "assignment__target__code", "assignment__unit__name", "cause", "level", "status"
        )
    )
    # Ids depend on the database's sequences, not on the seed: entries are named by what they point at.
    entries = sorted(
        ScoreEntry.objects.values_list(
            "rule__code", "unit__name", "assignment__target__code", "report__period", "period", "occurred_on", "amount"
        ),
        key=str,
    )
    return assignments, notices, entries


@pytest.mark.django_db
def test_the_generator_is_deterministic_for_a_seed():
    counts = generate(TINY, seed=7, log=_quiet)
    first = _fingerprint()
    generate(TINY, seed=7, log=_quiet)
    assert _fingerprint() == first
    assert counts["assignments"] == TINY.assignments == Assignment.objects.count()
    assert counts["reports"] == ProgressReport.objects.count() > 0
    generate(TINY, seed=8, log=_quiet)
    assert _fingerprint() != first
    # The kept latest reports (PostgreSQL's triggers) follow the bulk load, not the data cleared before it.
    assert held_reports.differences() == 0
    if held_reports.is_kept():
        assert (
            HeldReport.objects.count()
            == Assignment.objects.filter(reports__status__in=FILED_REPORT_STATUSES).distinct().count()
            > 0
        )


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_real_data():
    TargetFactory(code="2018-001")
    with pytest.raises(CommandError, match="non-benchmark data"):
        call_command("make_bench_data", "--scale", "tiny")
    assert Target.objects.count() == 1
    assert Notice.objects.count() == 0


@pytest.mark.django_db
def test_planned_progress_matches_what_the_services_would_compute():
    generate(TINY, seed=3, log=_quiet)
    stored = dict(Assignment.objects.values_list("pk", "planned_percent"))
    services.refresh_planned_progress(day=TODAY)
    assert dict(Assignment.objects.values_list("pk", "planned_percent")) == stored


@pytest.mark.django_db
def test_the_five_lists_are_all_there_numbered_per_kind_without_gaps():
    counts = generate(TINY, seed=5, log=_quiet)
    assert counts["notices"] == TINY.notices == Notice.objects.count()
    per_kind = dict(
        Notice.objects.values_list("kind").annotate(n=Count("pk"), last=Max("serial")).values_list("kind", "n")
    )
    assert set(per_kind) == set(NoticeKind.values)
    assert per_kind[NoticeKind.TASK] == TINY.assignments
    for kind, n in per_kind.items():
        serials = sorted(Notice.objects.filter(kind=kind).values_list("serial", flat=True))
        assert serials == list(range(1, n + 1))
        assert NoticeCounter.objects.get(kind=kind, year=2018).last_serial == n


@pytest.mark.django_db
def test_an_assignments_colour_is_the_level_of_its_open_warning():
    generate(TINY, seed=5, log=_quiet)
    open_levels = dict(Notice.objects.open_warnings().values_list("assignment_id", "level"))
    assert open_levels, "the tiny year has lagging assignments"
    coloured = dict(Assignment.objects.exclude(warning_level=0).values_list("pk", "warning_level"))
    assert coloured == open_levels
    assert set(Notice.objects.filter(kind=NoticeKind.WARNING).values_list("level", flat=True)) >= {1, 3}
    assert not Notice.objects.filter(kind=NoticeKind.TASK).exclude(status=NoticeStatus.CLOSED).exists()


@pytest.mark.django_db
def test_points_entries_name_a_cause_that_exists():
    generate(TINY, seed=5, log=_quiet)
    late = ScoreEntry.objects.filter(rule__code="report_late")
    assert late.exists()
    for entry in late.select_related("report"):
        assert entry.cause_key == f"report:{entry.report_id}"
        assert entry.report.due_date < entry.occurred_on
    assert not ScoreEntry.objects.filter(report=None, assignment=None).exists()


@pytest.mark.django_db
def test_one_disclosure_is_published_and_the_dataset_is_recorded_last():
    counts = generate(TINY, seed=5, log=_quiet)
    disclosure = Disclosure.objects.get()
    assert disclosure.status == DisclosureStatus.PUBLISHED
    assert disclosure.data
    dataset = existing_dataset()
    assert (dataset.scale, dataset.seed, dataset.version) == ("tiny", 5, VERSION)
    assert dataset.counts["notices"] == counts["notices"]


@pytest.mark.django_db
def test_ids_given_by_the_generator_leave_the_database_numbering_after_them():
    generate(TINY, seed=5, log=_quiet)
    last = Notice.objects.aggregate(Max("pk"))["pk__max"]
    notice = Notice.objects.order_by("pk").first()
    notice.pk = None
    notice.kind, notice.serial, notice.cause = NoticeKind.SUPERVISION, 9999, "finding"
    notice.save()
    assert notice.pk > last


@pytest.mark.django_db
def test_the_figures_the_services_keep_are_rebuilt_after_the_bulk_load():
    """The rows bypass the services, so the dashboard's trend and the rankings' monthly points
    would be empty without the rebuild."""
    counts = generate(TINY, seed=5, log=_quiet)
    assert YearProgressDay.objects.count() == counts["year_progress_days"] > 0
    kept = {(row.unit_id, row.month): row.total for row in UnitMonthPoints.objects.all()}
    assert counts["unit_months"] == len(kept) > 0
    entries = ScoreEntry.objects.filter(unit_id__in={unit for unit, _month in kept})
    assert sum(kept.values()) == sum(entry.amount for entry in entries)
    # Each unit's completion on the measured day, kept as the judgment gives it.
    stored = {
        row.unit_id: (row.assignments, row.actual_total)
        for row in UnitDayCompletion.objects.filter(day=TODAY, assignments__gt=0)
    }
    assert stored and stored == unit_completion.judged_figures([TODAY], TODAY.year)[TODAY]
