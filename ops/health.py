"""What /healthz checks: the database, the cache, the broker, and whether the nightly jobs ran.

Each check answers in at most about two seconds and says ok or what is wrong; nothing here names a
person or a record. The cache is checked past ``ForgivingRedisCache`` (zmd_targets/cache.py), which
lets pages go on without Redis: a page may forgive an outage, the operator must still hear of it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.utils import timezone

from core import clock

TIMEOUT_SECONDS = 2


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail}


def check_database() -> Check:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET statement_timeout = {TIMEOUT_SECONDS * 1000}")
        cursor.execute("SELECT 1")
        cursor.fetchone()
        if connection.vendor == "postgresql":
            cursor.execute("RESET statement_timeout")
    return Check("database", True, connection.vendor)


def check_cache() -> Check:
    cache = caches["default"]
    key, value = f"zmd-healthz-{uuid.uuid4().hex}", uuid.uuid4().hex
    # RedisCache's own methods, not the forgiving wrapper's: they raise when Redis is away.
    kind = RedisCache if isinstance(cache, RedisCache) else type(cache)
    kind.set(cache, key, value, 10)
    found = kind.get(cache, key)
    if found != value:
        return Check("cache", False, "a value written could not be read back")
    cache.delete(key)
    return Check("cache", True, type(cache).__name__)


def check_broker() -> Check:
    from zmd_targets.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT_SECONDS)
        return Check("broker", True, conn.transport.driver_name)


def _age_check(name: str, finished: dt.datetime | None, now: dt.datetime, max_hours: int) -> Check:
    if finished is None:
        return Check(name, False, "never finished")
    hours = (now - finished).total_seconds() / 3600
    detail = f"finished {hours:.1f} h ago (limit {max_hours} h)"
    return Check(name, hours <= max_hours, detail)


def check_last_scan() -> Check:
    from accountability.models import SupervisionRun

    # created_at is the real clock's (started_at replays the scan's day): age on the real clock.
    finished = (
        SupervisionRun.objects.filter(finished_at__isnull=False, undone_at__isnull=True)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return _age_check("last_scan", finished, timezone.now(), settings.ZMD_HEALTH_SCAN_MAX_HOURS)


def check_last_scoring() -> Check:
    from accountability.models import ScoringRun

    # A scoring run's stamps are the site's clock (core.clock, pinned in the demo): compare on it.
    finished = (
        ScoringRun.objects.filter(finished_at__isnull=False, error="")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    return _age_check("last_scoring", finished, clock.now(), settings.ZMD_HEALTH_SCORING_MAX_HOURS)


CHECKS: list[Callable[[], Check]] = [check_database, check_cache, check_broker, check_last_scan, check_last_scoring]


def run_checks(checks: list[Callable[[], Check]] | None = None) -> list[Check]:
    """Every check, each on its own: one failing (even raising) does not hide the others."""
    results = []
    for check in checks or CHECKS:
        name = check.__name__.removeprefix("check_")
        try:
            results.append(check())
        except Exception as error:  # a database, Redis or broker error of any library
            results.append(Check(name, False, f"{type(error).__name__}: {str(error)[:200]}"))
    return results
