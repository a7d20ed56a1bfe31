"""The notices' tally that PostgreSQL keeps (``NoticeTally``, triggers of migration 0027): after every
kind of change — a night's set-based warnings, an undo, task notices, an exposure proposed,
approved and dismissed, signing, answering, closing, a delete — the tally is the notices counted
afresh, the dashboard's counts read from it are the ones counted from the notices for the office and
for a leader, folding changes nothing, and the rebuild gives the same rows.

The issued target of conftest plans monthly from 2018-01-01; unit A (alice) leads, unit B (bob)
cooperates.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from accountability.models import Notice, NoticeTally, SupervisionRun
from accountability.scan.undo import undo_scan_run
from accountability.selectors.notices import notice_counts
from accountability.services import notice_tally
from accountability.services import notices as notice_services
from tests.notice_helpers import D, at, co_assignment, file_report, open_warning, scan

__all__ = ["co_assignment"]  # a fixture

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL keeps the tally; elsewhere notices are counted"
)
READ_ON = D(2018, 3, 20)


def _counted() -> Counter:
    """The notices (withdrawn ones too) counted afresh by the tally's columns."""
    counted = Counter()
    for notice in Notice.all_notices.all():
        key = (notice.year, notice.kind, notice.status, notice.level, notice.is_published)
        counted[(*key, notice.issued_at is not None, None if notice.serial is None else 0)] += 1
    return counted


def _kept() -> Counter:
    kept = Counter()
    for row in NoticeTally._base_manager.values_list(
        "year", "kind", "status", "level", "is_published", "issued", "serial", "n"
    ):
        kept[row[:-1]] += row[-1]
    return +kept  # the keys whose rows cancel out are dropped


def _tally_is_counted(*readers) -> None:
    assert _kept() == _counted()
    with at(READ_ON):
        for reader in readers:
            assert notice_counts(reader, kept=True) == notice_counts(reader, kept=False)


@postgresql_only
def test_the_tally_follows_every_change_to_the_notices(erin, dave, alice, bob, lead_assignment, co_assignment):
    _tally_is_counted(erin, dave)
    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)

    scan(D(2018, 3, 1))  # the night's warnings, inserted set-based
    assert open_warning(lead_assignment) is not None
    _tally_is_counted(erin, dave)
    with at(D(2018, 3, 1), 9):
        undo_scan_run(SupervisionRun.objects.get(), acting_user=erin)  # withdrawn, set-based
    _tally_is_counted(erin, dave)
    scan(D(2018, 3, 1))
    warning = open_warning(lead_assignment)

    with at(D(2018, 3, 2)):
        notice_services.issue_task_notices([co_assignment.pk], acting_user=erin)
        notice_services.sign_for_notice(warning, acting_user=alice)
    _tally_is_counted(erin, dave)
    with at(D(2018, 3, 3)):
        notice_services.answer_notice(Notice.objects.get(pk=warning.pk), acting_user=alice, response="已整改")
    _tally_is_counted(erin, dave)

    with at(D(2018, 3, 4)):
        proposed = notice_services.propose_exposure(co_assignment, acting_user=erin, reason="未按期报送")
        turned_down = notice_services.propose_exposure(lead_assignment, acting_user=erin, reason="进度滞后")
    _tally_is_counted(erin, dave)  # a leader sees the candidate exposures, the office all
    with at(D(2018, 3, 5)):
        notice_services.approve_exposure(proposed, acting_user=dave)
        notice_services.dismiss_exposure(turned_down, acting_user=erin, reason="已整改到位")
    _tally_is_counted(erin, dave)
    counts = notice_counts(dave, kept=True, year=2018)
    assert counts["published_exposures"] == 1 and counts["issued_exposure"] == 1

    # A text changed adds nothing that does not cancel out; a delete takes its notice away.
    rows_before = NoticeTally._base_manager.count()
    Notice.all_notices.filter(pk=warning.pk).update(body="改过的正文")
    assert NoticeTally._base_manager.count() == rows_before
    Notice.all_notices.filter(pk=turned_down.pk).delete()
    _tally_is_counted(erin, dave)

    # Folded each night: one row per value, the same figures; the rebuild gives them again.
    notice_tally.fold()
    assert NoticeTally._base_manager.count() == len(_counted())
    _tally_is_counted(erin, dave)
    NoticeTally._base_manager.update(n=0)  # as if it had drifted: the rebuild counts afresh
    assert notice_tally.rebuild() == Notice.all_notices.count()
    _tally_is_counted(erin, dave)


def test_a_unit_reader_is_counted_from_its_own_notices(erin, alice, lead_assignment):
    file_report(lead_assignment, alice, D(2018, 2, 25), 5, accept_by=erin)
    scan(D(2018, 3, 1))
    with at(D(2018, 3, 2)):
        counts = notice_counts(alice)  # the tally has no unit: a unit's counts come from its notices
    assert (
        counts["unsigned"] == Notice.objects.filter(unit=lead_assignment.unit, status="issued").count() == 2
    )  # task notice, warning
