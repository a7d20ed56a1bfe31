"""Races: every state change locks its row and re-checks its state; edit pages carry the version
they were read at; kept figures always equal a recompute, whatever the services do in whatever
order (a hypothesis property test, deletions included)."""

from __future__ import annotations

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import AlreadyDone, RuleViolation
from tasks import services
from tasks.choices import ReportStatus
from tasks.models import Assignment, ProgressReport, Target, YearProgressDay
from tasks.services.year_progress import rebuild_year_progress
from tests.notice_helpers import D, at, file_report

ON_POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def _kept_days() -> dict:
    return {
        (row.year, row.day): (row.planned_increase, row.actual_increase)
        for row in YearProgressDay.objects.all()
        if row.planned_increase or row.actual_increase
    }


def _assert_kept_equals_rebuilt() -> None:
    kept = _kept_days()
    progress = {a.pk: (a.progress_percent, a.last_report_period) for a in Assignment.objects.all()}
    rebuild_year_progress()
    assert _kept_days() == kept
    for assignment in Assignment.objects.all():
        latest = assignment.reports.filter(status=ReportStatus.ACCEPTED).order_by("-period_end").first()
        expected = (latest.progress_percent, latest.period) if latest else (Decimal(0), "")
        assert progress[assignment.pk] == expected


def _at_once(count: int, work) -> list:
    """Run ``work()`` in ``count`` threads released together (each with its own connection)."""
    barrier, results = threading.Barrier(count), []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as error:  # collected for the assertion, never swallowed
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@ON_POSTGRES
def test_six_simultaneous_accepts_accept_once_and_the_kept_figures_stay_true(
    transactional_db, erin, alice, lead_assignment
):
    report = file_report(lead_assignment, alice, D(2018, 2, 25), 30)

    # Six open tabs of one office clerk, logged in beforehand (logging in at once is not what is
    # tested, and the session limit would end the older tabs).
    with override_settings(ZMD_MAX_SESSIONS_PER_USER=6):
        clients = []
        for _ in range(6):
            clients.append(Client())
            clients[-1].force_login(erin)
    tabs = iter(clients)
    lock = threading.Lock()

    def click():
        with lock:
            client = next(tabs)
        return client.post(reverse("report_accept", args=[report.pk]), follow=True)

    with at(D(2018, 2, 26), tick=True):
        responses = _at_once(6, click)
    assert all(getattr(response, "status_code", None) == 200 for response in responses), responses
    pages = [response.content.decode() for response in responses]
    assert report.history.filter(status=ReportStatus.ACCEPTED).count() == 1
    assert sum("已经采纳" in page for page in pages) == 5  # the other clicks are told, not failed
    _assert_kept_equals_rebuilt()


@ON_POSTGRES
def test_two_reports_of_one_assignment_accepted_at_once_are_both_kept(transactional_db, erin, alice, lead_assignment):
    first = file_report(lead_assignment, alice, D(2018, 1, 25), 10)
    second = file_report(lead_assignment, alice, D(2018, 2, 25), 20)
    reports, taking = [first, second], threading.Lock()

    def accept_one():
        with taking:
            report = reports.pop()
        return services.accept_report(report, acting_user=erin).status

    with at(D(2018, 2, 26), tick=True):
        outcomes = _at_once(2, accept_one)
    assert outcomes == [ReportStatus.ACCEPTED, ReportStatus.ACCEPTED]
    assert Assignment.objects.get(pk=lead_assignment.pk).last_report_period == "2018-02"
    _assert_kept_equals_rebuilt()


def test_a_second_accept_changes_nothing_and_says_so(erin, alice, lead_assignment):
    report = file_report(lead_assignment, alice, D(2018, 2, 25), 30, accept_by=erin)
    rows = report.history.count()
    with pytest.raises(AlreadyDone, match="already been accepted"):
        services.accept_report(report, acting_user=erin)
    stale = ProgressReport.objects.get(pk=report.pk)
    stale.status = ReportStatus.SUBMITTED  # a copy read before the first accept
    with pytest.raises(AlreadyDone, match="This report has already been accepted"):
        services.accept_report(stale, acting_user=erin)
    with pytest.raises(RuleViolation, match="Only a report waiting for review can be returned"):
        services.return_report(stale, acting_user=erin, reason="迟到的退回")
    assert report.history.count() == rows


def test_a_copy_read_before_a_transition_cannot_make_a_second_one(erin, alice, lead_assignment):
    stale = Assignment.objects.get(pk=lead_assignment.pk)
    with at(D(2018, 1, 3)):
        services.sign_for_assignment(lead_assignment, acting_user=alice)
        with pytest.raises(RuleViolation, match="This assignment is Signed for and cannot become Signed for"):
            services.sign_for_assignment(stale, acting_user=alice)
    assert lead_assignment.history.filter(status="signed").count() == 1


# --- Edit pages carry their version ---------------------------------------------------------


def _hidden_version(page: str) -> str:
    marker = 'name="version" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_a_report_saved_from_a_stale_tab_is_refused_showing_what_changed_and_keeping_the_input(alice, lead_assignment):
    url = reverse("report_edit", args=[lead_assignment.pk]) + "?period=2018-02"
    first, second = Client(), Client()
    for tab in (first, second):
        tab.force_login(alice)
    with at(D(2018, 2, 25)):
        version = _hidden_version(first.get(url).content.decode())
        assert _hidden_version(second.get(url).content.decode()) == version
        data = {"progress_percent": "20", "work_done": "第二个标签页写的进展", "action": "save", "version": version}
        assert second.post(url, data).status_code == 302
        mine = {"progress_percent": "25", "work_done": "第一个标签页写的进展", "action": "save", "version": version}
        response = first.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert "第一个标签页写的进展" in page  # the person's input is kept
    assert "第二个标签页写的进展" in page and "alice" in page  # and they see what changed, and by whom
    report = ProgressReport.objects.get(assignment=lead_assignment, period="2018-02")
    assert report.work_done == "第二个标签页写的进展"
    with at(D(2018, 2, 25)):  # saving again, knowingly, from the refreshed version
        assert first.post(url, {**mine, "version": _hidden_version(page)}).status_code == 302
    report.refresh_from_db()
    assert report.work_done == "第一个标签页写的进展"


def test_a_target_edited_from_a_stale_tab_is_refused(client, erin, issued_target):
    client.force_login(erin)
    url = reverse("target_edit", args=[issued_target.pk])
    page = client.get(url).content.decode()
    version = _hidden_version(page)
    services.update_target(issued_target, acting_user=erin, title="别人改过的标题")
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False):
            data[name] = "on" if value is True else value
    data.update({"title": "我改的标题", "version": version})
    response = client.post(url, data)
    assert response.status_code == 409 and "别人改过的标题" in response.content.decode()
    assert Target.objects.get(pk=issued_target.pk).title == "别人改过的标题"


def test_a_breakdown_saved_from_a_stale_tab_is_refused(client, erin, unit_a, unit_b, leader):
    from tasks.choices import AssignmentRole
    from tests.factories import TargetFactory, named

    target = TargetFactory(leader=leader, start_date=D(2018, 1, 1), deadline=D(2018, 12, 31))
    lead = services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    client.force_login(erin)
    url = reverse("breakdown_edit", args=[target.pk])
    version = _hidden_version(client.get(url).content.decode())
    services.update_assignment(lead, acting_user=erin, responsible_person="张三")
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
        "form-0-assignment_id": str(lead.pk), "form-0-unit": str(unit_a.pk), "form-0-role": "lead",
        "form-0-responsible_person": "李四", "form-0-deadline": "2018-12-31", "version": version,
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 409 and "张三" in response.content.decode()
    lead.refresh_from_db()
    assert lead.responsible_person == "张三"


# --- Kept figures equal a recompute, whatever happens in whatever order ----------------------

MONTHS = [f"2018-{month:02d}" for month in range(1, 10)]
# Reviews and deletions pick the n-th report the assignment has (modulo their number), so that
# every one of them acts on a real report, in whatever state the earlier steps left it.
OPERATIONS = st.one_of(
    st.tuples(st.sampled_from(["file", "file and accept"]), st.integers(0, 1), st.sampled_from(MONTHS),
              st.integers(0, 100)),
    st.tuples(st.sampled_from(["accept", "return", "delete"]), st.integers(0, 1), st.integers(0, 8)),
    st.tuples(st.just("replan"), st.integers(0, 1), st.sampled_from(["month", "quarter", "week"])),
)  # fmt: skip


def test_kept_figures_equal_a_recompute_after_any_interleaving_of_services(erin, alice, bob, issued_target):
    assignments = list(issued_target.assignments.order_by("role", "pk"))
    authors = {assignments[0].pk: alice, assignments[1].pk: bob}

    def apply(operation) -> None:
        kind, index, *rest = operation
        assignment = Assignment.objects.get(pk=assignments[index].pk)
        reports = list(assignment.reports.order_by("period"))
        report = reports[rest[0] % len(reports)] if reports and kind in ("accept", "return", "delete") else None
        if kind in ("file", "file and accept"):
            draft = services.save_report(
                assignment, acting_user=authors[assignment.pk], period_key=rest[0], progress_percent=rest[1],
                work_done="进展",
            )  # fmt: skip
            services.submit_report(draft, acting_user=authors[assignment.pk])
            if kind == "file and accept":
                services.accept_report(draft, acting_user=erin)
        elif kind == "accept" and report:
            services.accept_report(report, acting_user=erin)
        elif kind == "return" and report:
            services.return_report(report, acting_user=erin, reason="请补充")
        elif kind == "delete" and report:
            services.delete_report(report, acting_user=erin)
        elif kind == "replan":
            services.generate_milestones(assignment, granularity=rest[0], acting_user=erin)

    @settings(
        max_examples=14, deadline=None, database=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )  # fmt: skip
    @given(st.lists(OPERATIONS, min_size=1, max_size=12))
    def interleave(operations):
        with transaction.atomic():
            with at(D(2018, 12, 20)):
                for operation in operations:
                    with contextlib.suppress(RuleViolation):  # a refused step changes nothing
                        apply(operation)
            _assert_kept_equals_rebuilt()
            transaction.set_rollback(True)

    interleave()
