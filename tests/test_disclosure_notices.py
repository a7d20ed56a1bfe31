"""Warnings by colour and exposures in a public disclosure: what was issued (approved) in the year up
to the date, frozen once published, nothing the office has not approved."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import services as acc
from accountability.choices import NoticeKind
from accountability.models import Notice
from accountability.selectors.snapshot import build_snapshot
from tasks.choices import UnitKind
from tests.factories import UnitFactory
from tests.notice_helpers import D, at, file_report, issue_single, scan
from tests.scenarios import approving_leader


def _publish(erin, month, day):
    with at(day):
        disclosure = acc.prepare_disclosure(month=month, acting_user=erin)
        acc.approve_disclosure(disclosure, acting_user=approving_leader())
        return acc.publish_disclosure(disclosure, acting_user=erin)


def _row(data, unit_name):
    return next(row for group in data["groups"] for row in group["rows"] if row["unit"] == unit_name)


@pytest.fixture
def overdue(erin, alice, leader, unit_a):
    """Unit A falls far behind on a short task: red on 03-01, an exposure candidate on 04-01."""
    assignment = issue_single(unit_a, erin, leader, deadline=D(2018, 3, 31))
    file_report(assignment, alice, D(2018, 2, 25), 1, accept_by=erin)
    scan(D(2018, 3, 1))
    scan(D(2018, 4, 1))
    return assignment


def test_a_candidate_is_not_published_and_the_approved_exposure_is(overdue, erin, unit_a, client):
    """The public page and the office's preview render the same frozen snapshot."""
    march = _publish(erin, D(2018, 3, 1), D(2018, 4, 2))
    assert _row(march.data, "甲县")["warnings"] == {"yellow": 0, "orange": 0, "red": 1}
    assert march.data["exposures"] == []

    candidate = Notice.objects.get(kind=NoticeKind.EXPOSURE)
    with at(D(2018, 4, 2)):
        draft = acc.prepare_disclosure(month=D(2018, 4, 1), acting_user=erin)  # as of 04-02
    assert draft.data["exposures"] == []  # still awaiting the office's approval

    with at(D(2018, 4, 3)):
        approved = acc.approve_exposure(candidate, acting_user=approving_leader())
    april = _publish(erin, D(2018, 4, 1), D(2018, 5, 2))
    assert april.data["exposures"] == [
        {"unit": "甲县", "target": overdue.target.title, "number": approved.number, "date": "2018-04-03"}
    ]
    page = client.get(reverse("public:detail", args=[april.pk])).content.decode()
    assert approved.number in page and "曝光情况" in page and "红色预警" in page
    assert approved.number not in client.get(reverse("public:detail", args=[march.pk])).content.decode()
    client.force_login(erin)
    preview = client.get(reverse("disclosures:detail", args=[april.pk])).content.decode()
    assert approved.number in preview and "曝光情况" in preview


def test_a_published_snapshot_keeps_its_warnings_when_later_notices_come(overdue, erin, alice, unit_a, leader):
    march = _publish(erin, D(2018, 3, 1), D(2018, 4, 2))
    frozen = (march.data, march.digest)
    with at(D(2018, 4, 3)):
        acc.approve_exposure(Notice.objects.get(kind=NoticeKind.EXPOSURE), acting_user=approving_leader())
    later = issue_single(unit_a, erin, leader, deadline=D(2018, 4, 30), issued_on=D(2018, 3, 2))
    file_report(later, alice, D(2018, 3, 28), 1, accept_by=erin)
    scan(D(2018, 4, 4))  # a second red for unit A
    march.refresh_from_db()
    assert (march.data, march.digest) == frozen
    assert _row(build_snapshot(as_of=D(2018, 4, 30)), "甲县")["warnings"]["red"] == 2


def test_a_dismissed_exposure_is_never_published(overdue, erin):
    with at(D(2018, 4, 3)):
        acc.dismiss_exposure(Notice.objects.get(kind=NoticeKind.EXPOSURE), acting_user=erin, reason="已整改到位")
    assert _publish(erin, D(2018, 4, 1), D(2018, 5, 2)).data["exposures"] == []


def test_warnings_issued_after_the_date_are_not_counted(overdue, erin):
    assert _row(build_snapshot(as_of=D(2018, 2, 28)), "甲县")["warnings"] == {"yellow": 0, "orange": 0, "red": 0}


def _lagging_units(erin, leader, count, prefix, *, issued_on, deadline):
    for n in range(count):
        unit = UnitFactory(name=f"{prefix}{n}县", kind=UnitKind.COUNTY)
        issue_single(unit, erin, leader, deadline=deadline, issued_on=issued_on)


def _queries_to_build(day) -> int:
    with CaptureQueriesContext(connection) as captured:
        build_snapshot(as_of=day)
    return len(captured.captured_queries)


def _approve_candidates(erin, day):
    for candidate in Notice.objects.filter(kind=NoticeKind.EXPOSURE, serial__isnull=True):
        with at(day):
            acc.approve_exposure(candidate, acting_user=approving_leader())


def test_the_snapshot_takes_the_same_queries_however_many_warnings_and_exposures(erin, leader):
    # Nobody reports: red once far behind, an exposure candidate once past the deadline.
    _lagging_units(erin, leader, 2, "少", issued_on=D(2018, 1, 2), deadline=D(2018, 3, 31))
    scan(D(2018, 3, 1))
    scan(D(2018, 4, 1))
    _approve_candidates(erin, D(2018, 4, 2))
    few = _queries_to_build(D(2018, 6, 30))
    _lagging_units(erin, leader, 8, "多", issued_on=D(2018, 4, 2), deadline=D(2018, 5, 31))
    scan(D(2018, 5, 1))
    scan(D(2018, 6, 1))
    _approve_candidates(erin, D(2018, 6, 2))
    assert _queries_to_build(D(2018, 6, 30)) == few
    snapshot = build_snapshot(as_of=D(2018, 6, 30))
    assert len(snapshot["exposures"]) == 10
    assert sum(row["warnings"]["red"] for group in snapshot["groups"] for row in group["rows"]) >= 10
