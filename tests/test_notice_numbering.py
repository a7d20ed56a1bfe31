"""Notice numbers: 驻督预〔2018〕12号, one series per kind and year, no gaps, no duplicates."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accountability import services
from accountability.choices import NoticeKind
from accountability.models import Notice, NoticeCounter, format_number
from accountability.services.numbering import lock_counter, take_serials
from tests.notice_helpers import D, at, issue_single


class Boom(Exception):
    pass


MARCH_1 = D(2018, 3, 1)


def _supervise(assignment, erin, day=MARCH_1):
    with at(day):
        return services.issue_supervision(
            assignment, acting_user=erin, problem="问题", required_action="整改", due_date=day.replace(day=28)
        )


def test_numbers_follow_the_offices_style_and_the_prefix_setting(settings):
    assert format_number(NoticeKind.WARNING, 2018, 12) == "驻督预〔2018〕12号"
    assert format_number(NoticeKind.TASK, 2018, 1) == "驻督告〔2018〕1号"
    settings.ZMD_NOTICE_NUMBER_PREFIX = "驿督"
    assert format_number(NoticeKind.EXPOSURE, 2019, 3) == "驿督曝〔2019〕3号"


def test_each_kind_has_its_own_series_and_each_year_starts_again(erin, leader, unit_a, unit_b):
    first = issue_single(unit_a, erin, leader, deadline=D(2018, 12, 31))
    second = issue_single(unit_b, erin, leader, deadline=D(2018, 12, 31))
    assert _supervise(first, erin).number == "驻督查〔2018〕1号"
    assert _supervise(second, erin).number == "驻督查〔2018〕2号"
    with at(D(2018, 3, 2)):
        [task] = services.issue_task_notices([first.pk], acting_user=erin)
    assert task.number == "驻督告〔2018〕1号"
    next_year = issue_single(
        unit_a, erin, leader, start=D(2019, 1, 1), deadline=D(2019, 12, 31), issued_on=D(2019, 1, 2)
    )
    assert _supervise(next_year, erin, day=D(2019, 2, 1)).number == "驻督查〔2019〕1号"


def test_a_rolled_back_issue_gives_its_number_back(erin, leader, unit_a, unit_b):
    first = issue_single(unit_a, erin, leader, deadline=D(2018, 12, 31))
    second = issue_single(unit_b, erin, leader, deadline=D(2018, 12, 31))
    with pytest.raises(Boom, match="the transaction fails after the number was taken"), transaction.atomic():
        _supervise(first, erin)
        raise Boom("the transaction fails after the number was taken")
    assert not Notice.objects.exists()
    assert _supervise(second, erin).number == "驻督查〔2018〕1号"


def test_a_counter_is_only_taken_inside_a_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        lock_counter(NoticeKind.TASK, 2018)


def test_the_database_refuses_a_duplicate_number(erin, leader, unit_a, unit_b):
    notice = _supervise(issue_single(unit_a, erin, leader, deadline=D(2018, 12, 31)), erin)
    other = issue_single(unit_b, erin, leader, deadline=D(2018, 12, 31))
    duplicate = Notice(
        kind=notice.kind, year=notice.year, serial=notice.serial, number=notice.number, title="x", assignment=other,
        target=other.target, unit=other.unit, cause="finding", body="x", issued_by=erin, created_at=notice.created_at,
    )  # fmt: skip
    # PostgreSQL names the constraint, SQLite its columns.
    refused = r"notice_number_unique|UNIQUE constraint failed: accountability_notice\.kind, accountability_notice\.year"
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        duplicate.save()


def test_serials_are_taken_in_blocks_without_gaps(db):
    with transaction.atomic():
        counter = lock_counter(NoticeKind.WARNING, 2018)
        assert take_serials(counter, 3) == [1, 2, 3]
        assert take_serials(counter, 2) == [4, 5]
    assert NoticeCounter.objects.get(kind=NoticeKind.WARNING, year=2018).last_serial == 5
