"""Each assignment's latest filed report kept by PostgreSQL's triggers (``HeldReport``): equal to the
reports after every way a report is written, rebuilt by ``rebuild_kept_figures``, and read by the
nightly judging only where it had reached the office by the scan's moment."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from accountability.models import SupervisionRules
from tasks import services
from tasks.models import HeldReport, ProgressReport
from tasks.services import held_reports
from tests.notice_helpers import D, at, co_assignment, file_report

__all__ = ["co_assignment"]  # a fixture

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="kept by PostgreSQL's triggers")


def _kept(assignment) -> tuple | None:
    row = HeldReport.objects.filter(assignment=assignment).values_list("period", "progress_percent").first()
    return None if row is None else (row[0], row[1])


def test_the_kept_report_follows_every_write_of_the_reports(erin, alice, lead_assignment, co_assignment, bob):
    assert _kept(lead_assignment) is None  # nothing filed yet
    january = file_report(lead_assignment, alice, D(2018, 1, 25), 8)
    assert _kept(lead_assignment) == ("2018-01", Decimal("8.0"))
    february = file_report(lead_assignment, alice, D(2018, 2, 25), 15)
    assert _kept(lead_assignment) == ("2018-02", Decimal("15.0"))
    # Returned by the office: no longer filed, the January report is the latest again.
    with at(D(2018, 2, 27)):
        services.return_report(february, acting_user=erin, reason="数据不实", refile_by=D(2018, 3, 5))
    assert _kept(lead_assignment) == ("2018-01", Decimal("8.0"))
    # A draft is not filed; an update of the percent of a filed one is followed.
    with at(D(2018, 3, 20)):
        services.save_report(lead_assignment, acting_user=alice, period_key="2018-03", progress_percent=30)
    assert _kept(lead_assignment) == ("2018-01", Decimal("8.0"))
    ProgressReport.objects.filter(pk=january.pk).update(progress_percent=9)
    assert _kept(lead_assignment) == ("2018-01", Decimal("9.0"))
    # Deleted: nothing filed is left.
    ProgressReport.objects.filter(assignment=lead_assignment).delete()
    assert _kept(lead_assignment) is None
    # Many at once (a bulk load): each assignment's own latest.
    file_report(co_assignment, bob, D(2018, 1, 25), 11)
    file_report(co_assignment, bob, D(2018, 2, 25), 21)
    assert _kept(co_assignment) == ("2018-02", Decimal("21.0"))
    assert held_reports.differences() == 0


def test_rebuild_puts_a_spoilt_table_right_and_the_command_runs_it(erin, alice, bob, lead_assignment, co_assignment):
    file_report(lead_assignment, alice, D(2018, 1, 25), 8, accept_by=erin)
    file_report(co_assignment, bob, D(2018, 1, 25), 11)
    HeldReport.objects.filter(assignment=lead_assignment).update(progress_percent=99)
    HeldReport.objects.filter(assignment=co_assignment).delete()
    assert held_reports.differences() == 2
    call_command("rebuild_kept_figures", stdout=io.StringIO())
    assert held_reports.differences() == 0
    assert _kept(lead_assignment) == ("2018-01", Decimal("8.0"))
    assert _kept(co_assignment) == ("2018-01", Decimal("11.0"))


def test_the_judging_reads_the_reports_only_where_the_kept_one_came_after_the_moment(
    erin, alice, bob, lead_assignment, co_assignment
):
    """A day judged after the kept report reached the office (a replay, the benchmark's night before)
    finds the report held then, by a probe, as before; otherwise the kept one, without a probe."""
    from django.test.utils import CaptureQueriesContext, override_settings

    from accountability.scan.conditions import _lagging_rows, _lagging_rows_one_report_probe, as_of

    file_report(lead_assignment, alice, D(2018, 2, 25), 12, accept_by=erin)
    file_report(lead_assignment, alice, D(2018, 3, 25), 40, accept_by=erin)  # after 03-01: not held then
    file_report(co_assignment, bob, D(2018, 1, 25), 10, accept_by=erin)
    rules = SupervisionRules.current()
    for day, today in ((D(2018, 3, 1), D(2018, 3, 1)), (D(2018, 3, 1), D(2018, 4, 2)), (D(2018, 4, 2), D(2018, 4, 2))):
        with at(today, 2), override_settings(ZMD_TODAY=today):
            asof = as_of(day)
            with CaptureQueriesContext(connection) as queries:
                kept = {row["pk"]: row for row in _lagging_rows_one_report_probe(asof, rules, [lead_assignment.pk])}
            probed = {row["pk"]: row for row in _lagging_rows(asof, rules, [lead_assignment.pk])}
        fields = ("planned", "actual", "missing_period", "deadline_then")
        assert {pk: [row[f] for f in fields] for pk, row in kept.items()} == {
            pk: [row[f] for f in fields] for pk, row in probed.items()
        }
        assert kept[lead_assignment.pk]["actual"] == (Decimal("12.0") if day == D(2018, 3, 1) else Decimal("40.0"))
        judging = next(q["sql"] for q in queries.captured_queries if "planned_as_of" in q["sql"])
        assert '"tasks_heldreport"' in judging
