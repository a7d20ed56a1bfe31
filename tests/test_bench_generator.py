"""make_bench_data: deterministic, refuses a database with real data, consistent denormalised fields."""

import pytest
from django.core.management import CommandError, call_command

from bench.generator import generate
from bench.scales import TINY, TODAY
from tasks import services
from tasks.models import Assignment, ProgressReport, Target
from tests.factories import TargetFactory


def _fingerprint():
    return list(
        Assignment.objects.order_by("target__code", "unit__name").values_list(
            "target__code", "unit__name", "role", "deadline", "progress_percent", "planned_percent"
        )
    )


@pytest.mark.django_db
def test_the_generator_is_deterministic_for_a_seed():
    counts = generate(TINY, seed=7, log=lambda _: None)
    first = _fingerprint()
    generate(TINY, seed=7, log=lambda _: None)
    assert _fingerprint() == first
    assert counts["assignments"] == TINY.assignments == Assignment.objects.count()
    assert counts["reports"] == ProgressReport.objects.count() > 0


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_real_data():
    TargetFactory(code="2018-001")
    with pytest.raises(CommandError, match="non-benchmark data"):
        call_command("make_bench_data", "--scale", "tiny")
    assert Target.objects.count() == 1


@pytest.mark.django_db
def test_planned_progress_matches_what_the_services_would_compute():
    generate(TINY, seed=3, log=lambda _: None)
    stored = dict(Assignment.objects.values_list("pk", "planned_percent"))
    services.refresh_planned_progress(day=TODAY)
    assert dict(Assignment.objects.values_list("pk", "planned_percent")) == stored
