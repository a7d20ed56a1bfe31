"""Fixtures shared by the suite: named people (alice and bob are staff of two units, carol heads
alice's unit, dave is a leader, erin works in the office) and a small issued target.

``ZMD_REQUIRE_SERVERS=1`` makes the suite refuse to start on anything but PostgreSQL and Redis, and
``ZMD_NO_SKIPS=1`` turns any skipped test into a failed run: CI sets both, so it never passes by
skipping.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from accountability import services as accountability_services
from accountability.models import ResponsibilityLetter
from core.access import RoleKind
from tasks import services
from tasks.choices import AssignmentRole, UnitKind
from tests.celery_helpers import broker_of_this_run, forget_broker_of_this_run, running_worker
from tests.factories import LeaderFactory, RoleFactory, TargetFactory, UnitFactory, UserFactory, named

REQUIRE_SERVERS = os.environ.get("ZMD_REQUIRE_SERVERS") == "1"
NO_SKIPS = os.environ.get("ZMD_NO_SKIPS") == "1"


def pytest_configure(config):
    # The real hasher is slow on purpose; tests log in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Under pytest-xdist each process has its own test database (pytest-django suffixes it); each
    # run and each process has its own Celery queue and cache keys too (below).
    xdist_worker = os.environ.get("PYTEST_XDIST_WORKER")
    # Redis keeps its keys between runs, and a run's rows (ids, digests) repeat the last run's: a
    # prefix of this run's own keeps a page cached by the last run from answering in this one.
    run_prefix = f"test-{xdist_worker or 'main'}-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {name: {**cache, "KEY_PREFIX": run_prefix} for name, cache in settings.CACHES.items()}
    broker_of_this_run(run_prefix)
    _sqlite_test_database_in_a_file(run_prefix)
    if REQUIRE_SERVERS:
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"ZMD_REQUIRE_SERVERS: DATABASE_URL must name PostgreSQL, not {engine}")
        if not settings.REDIS_URL:
            raise pytest.UsageError("ZMD_REQUIRE_SERVERS: REDIS_URL must be set")


def pytest_unconfigure(config):
    forget_broker_of_this_run()


def _sqlite_test_database_in_a_file(run_prefix: str) -> None:
    """On SQLite, test in a file, as the site runs, not in Django's default shared in-memory database.

    A test's Celery worker (and a race test's threads) write through connections of their own. In
    the shared in-memory database SQLite locks table by table and answers a second writer at once
    with "database table is locked" (SQLITE_LOCKED): the busy timeout and the IMMEDIATE transactions
    of settings.py do not apply there, so a worker's job failed whenever it wrote while the test
    thread read or wrote. In a file a writer waits for the lock like the site's own processes do.
    The name is this run's own, so runs side by side never share a file (pytest-xdist suffixes it)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = os.path.join(tempfile.gettempdir(), f"zmd-{run_prefix}.sqlite3")
        database["TEST"] = {**database.get("TEST", {}), "NAME": name}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if NO_SKIPS and skipped:
        reporter.write_line(f"ZMD_NO_SKIPS: {len(skipped)} test(s) skipped; a skip fails this run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _real_today(settings):
    # The demo date pin must not leak into tests; tests travel with time-machine.
    settings.ZMD_TODAY = None


@pytest.fixture(autouse=True)
def _no_idle_timeout(settings):
    # Tests travel months and years with time-machine between two requests of one session; the
    # idle timeout (real clock) would log them out. tests/accounts turns it on where it is tested.
    settings.ZMD_SESSION_IDLE_MINUTES = 0


@pytest.fixture
def worker(transactional_db):
    """A real Celery worker in a thread, consuming from the configured broker (Redis in CI, the
    filesystem transport on a laptop); ``worker.wait_for("accountability.run_scoring")`` blocks until
    it has finished that job (see tests/celery_helpers.py). No test sleeps or polls to wait for it."""
    with running_worker() as running:
        yield running


@pytest.fixture
def unit_a(db):
    return UnitFactory(name="甲县", kind=UnitKind.COUNTY)


@pytest.fixture
def unit_b(db):
    return UnitFactory(name="乙局", kind=UnitKind.DEPARTMENT)


@pytest.fixture
def leader(db):
    return LeaderFactory(post="副市长（分管测试）")


@pytest.fixture
def alice(unit_a):
    """Staff of unit A."""
    return RoleFactory(user=UserFactory(username="alice"), kind=RoleKind.STAFF, unit=unit_a).user


@pytest.fixture
def bob(unit_b):
    """Staff of unit B."""
    return RoleFactory(user=UserFactory(username="bob"), kind=RoleKind.STAFF, unit=unit_b).user


@pytest.fixture
def carol(unit_a):
    """Head of unit A."""
    return RoleFactory(user=UserFactory(username="carol"), kind=RoleKind.HEAD, unit=unit_a).user


@pytest.fixture
def dave(leader):
    """A city leader."""
    return RoleFactory(user=UserFactory(username="dave"), kind=RoleKind.LEADER, unit=None, leader=leader).user


@pytest.fixture
def erin(db):
    """Works in the supervision office."""
    return RoleFactory(user=UserFactory(username="erin"), kind=RoleKind.OFFICE, unit=None).user


@pytest.fixture
def issued_target(erin, unit_a, unit_b, leader):
    """A task item issued on 2018-01-01: unit A leads, unit B cooperates, monthly plan to 12-31."""
    target = TargetFactory(leader=leader, start_date=dt.date(2018, 1, 1), deadline=dt.date(2018, 12, 31))
    services.add_assignment(target, unit=unit_a, **named(unit_a), role=AssignmentRole.LEAD, acting_user=erin)
    services.add_assignment(target, unit=unit_b, **named(unit_b), role=AssignmentRole.CO, acting_user=erin)
    with time_machine.travel(dt.datetime(2018, 1, 2, 9, tzinfo=dt.UTC), tick=False):
        for assignment in services.issue_target(target, acting_user=erin):
            services.generate_milestones(assignment, granularity="month", acting_user=erin)
    target.refresh_from_db()
    return target


@pytest.fixture
def lead_assignment(issued_target, unit_a):
    return issued_target.assignments.get(unit=unit_a)


@pytest.fixture
def letter(issued_target, erin, unit_a):
    """Unit A's 2018 responsibility letter, prepared by the office on 2018-04-20."""
    with time_machine.travel(dt.datetime(2018, 4, 20, 10, tzinfo=dt.UTC), tick=False):
        accountability_services.prepare_letters(2018, acting_user=erin)
    return ResponsibilityLetter.objects.get(unit=unit_a)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo (``load_demo``) loaded once for the module inside a transaction rolled back at its
    end; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service tests read messages in English; pages speak the person's language (zh-hans unless
    their profile says otherwise: accounts/language.py)."""
    with translation.override("en"):
        yield


@pytest.fixture
def libreoffice():
    """LibreOffice Calc, for tests of sheets as office software saves them. CI installs it; without it a
    test is skipped on a laptop and fails under ZMD_NO_SKIPS."""
    from bench.libreoffice import soffice

    if soffice() is None:
        if NO_SKIPS:
            pytest.fail("LibreOffice is missing: apt-get install -y libreoffice-calc-nogui (the CI script does)")
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)")
