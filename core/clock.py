"""The one place the project asks what day it is.

``settings.ZMD_TODAY`` pins the date (the demo lives on 2018-09-30); the time of day stays real so
that events of one day keep their order. ``replaying_at`` sets the whole moment for a block of code:
the demo builder replays the year through the services with it, so that every report and history
row carries the date it would have had. Tests move time with time-machine instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

_replayed_moment: ContextVar[dt.datetime | None] = ContextVar("replayed_moment", default=None)


def now() -> dt.datetime:
    replayed = _replayed_moment.get()
    if replayed is not None:
        return replayed
    current = timezone.localtime()
    pinned = getattr(settings, "ZMD_TODAY", None)
    if pinned is None:
        return current
    return current.replace(year=pinned.year, month=pinned.month, day=pinned.day)


def today() -> dt.date:
    replayed = _replayed_moment.get()
    if replayed is not None:
        return replayed.date()
    pinned = getattr(settings, "ZMD_TODAY", None)
    return pinned or timezone.localdate()


@contextmanager
def replaying_at(moment: dt.datetime) -> Iterator[None]:
    """Make ``now()`` answer ``moment`` (an aware datetime) inside the block."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _replayed_moment.set(timezone.localtime(moment))
    try:
        yield
    finally:
        _replayed_moment.reset(token)
