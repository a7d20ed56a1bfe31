"""Put a progress warning in force for a test, as the daily scan would have issued it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accountability.choices import NoticeCause, NoticeKind, NoticeStatus
from accountability.models import Notice
from tasks.models import User


def warn(assignments, level: int, *, on: dt.date = dt.date(2018, 1, 2), by: User | None = None) -> list[Notice]:
    """An open 进度预警单 of ``level`` for each assignment, issued on ``on`` (the level in force since)."""
    by = by or User.objects.filter(is_superuser=True).first() or User.objects.create(username="scan-robot")
    notices = []
    for assignment in assignments:
        if not level:
            continue
        notices.append(
            Notice.objects.create(
                kind=NoticeKind.WARNING,
                year=on.year,
                title="进度预警单",
                assignment=assignment,
                target_id=assignment.target_id,
                unit_id=assignment.unit_id,
                cause=NoticeCause.BEHIND_PLAN,
                period=f"test-{assignment.pk}-{level}-{on.isoformat()}",
                level=level,
                body="test",
                issued_by=by,
                issued_at=timezone.make_aware(dt.datetime.combine(on, dt.time(2))),
                created_at=timezone.make_aware(dt.datetime.combine(on, dt.time(2))),
                status=NoticeStatus.ISSUED,
            )
        )
        type(assignment).objects.filter(pk=assignment.pk).update(warning_level=level)
    return notices
