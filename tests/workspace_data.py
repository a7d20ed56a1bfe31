"""Data for the workspace tests: a small world of unit A's objects, built through the services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from tasks import services
from tasks.choices import AssignmentRole
from tests.factories import TargetFactory, named

D = dt.date


def at(day: dt.date, hour: int = 10):
    """Travel to ``hour`` o'clock Shanghai time on ``day`` (02:00 UTC is 10:00 there)."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour - 8, tzinfo=dt.UTC), tick=False)


MATRIX_DAY = D(2018, 6, 27)


def statuses_by_role(url: str, *, method: str, data, people: dict) -> dict[str, int]:
    """The status code each person of ``people`` (None: anonymous) gets for one request on
    MATRIX_DAY; what a request changes is rolled back before the next person asks."""
    got = {}
    with at(MATRIX_DAY):
        for role, person in people.items():
            client = Client()
            if person is not None:
                client.force_login(person)
            with transaction.atomic():
                response = client.post(url, data) if method == "post" else client.get(url)
                got[role] = response.status_code
                transaction.set_rollback(True)
    return got


def jpeg(name: str = "现场照片.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xff\xd8\xff\xe0 jpeg data", content_type="image/jpeg")


def issued_target_of(unit, *, office, leader, co_units=(), shares=None, **fields):
    """A target issued on 2018-01-02 with ``unit`` as lead and a monthly plan to 12-31.

    ``shares`` maps units to their share of the target value (for targets whose shares add up).
    """
    shares = shares or {}
    target = TargetFactory(leader=leader, start_date=D(2018, 1, 1), deadline=D(2018, 12, 31), **fields)
    services.add_assignment(
        target, unit=unit, **named(unit), role=AssignmentRole.LEAD, acting_user=office, share=shares.get(unit)
    )
    for co_unit in co_units:
        services.add_assignment(
            target,
            unit=co_unit,
            **named(co_unit),
            role=AssignmentRole.CO,
            acting_user=office,
            share=shares.get(co_unit),
        )
    with at(D(2018, 1, 2)):
        for assignment in services.issue_target(target, acting_user=office):
            services.generate_milestones(assignment, granularity="month", acting_user=office)
    target.refresh_from_db()
    return target


def filed_report(assignment, author, *, day=None, percent=40, period=None, submit=True, evidence=True):
    with at(day or D(2018, 6, 25)):
        report = services.save_report(
            assignment,
            acting_user=author,
            period_key=period,
            progress_percent=percent,
            work_done="完成前期手续",
            problems="征地进度偏慢",
            next_plan="加快推进",
            suggestions="请求协调用地指标",
        )
        if evidence:
            services.add_evidence(report, uploaded_file=jpeg(), acting_user=author)
        if submit:
            services.submit_report(report, acting_user=author)
    report.refresh_from_db()
    return report


def unit_a_world(*, unit_a, alice, erin, leader):
    """Everything of unit A that a workspace URL can point at, in the state its action needs."""
    target = issued_target_of(unit_a, office=erin, leader=leader)
    assignment = target.assignments.get()
    submitted = filed_report(assignment, alice)
    draft = filed_report(assignment, alice, day=D(2018, 6, 26), period="2018-05", submit=False)
    # A second target whose report waits for unit A's head.
    other = issued_target_of(unit_a, office=erin, leader=leader)
    unit_a.requires_head_approval = True
    unit_a.save()
    pending = filed_report(other.assignments.get(), alice, evidence=False)
    unit_a.requires_head_approval = False
    unit_a.save()
    draft_target = TargetFactory(leader=leader)
    services.add_assignment(draft_target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    # A third target whose completion unit A has claimed (申请销号), with an evidence file, and a
    # request for more time on the first one (申请延期), both waiting for the office.
    claimed = issued_target_of(unit_a, office=erin, leader=leader).assignments.get()
    with at(D(2018, 6, 26)):
        claim = services.claim_completion(
            claimed, acting_user=alice, final_percent=100, statement="已全部完成", evidence=[jpeg("验收报告.jpg")]
        )
        extension = services.request_extension(
            assignment, new_deadline=D(2019, 1, 31), reason="汛期影响施工", acting_user=alice
        )
    return SimpleNamespace(
        target=target,
        assignment=assignment,
        submitted=submitted,
        submitted_evidence=submitted.evidence.get(),
        draft=draft,
        draft_evidence=draft.evidence.get(),
        pending=pending,
        draft_target=draft_target,
        claimed=claimed,
        claim_evidence=claim.evidence.get(),
        extension=extension,
    )
