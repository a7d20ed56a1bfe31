"""Handing work to Celery without ever needing the broker to answer a request.

A job is a convenience: the data it works on is committed first, and a sweep (the daily scan's
backfill, the import sweep) or a retry finds whatever a lost job left undone. So a broker that is
down, or up but hanging, costs a log line and at most the publish timeouts of settings.py, never an
error page.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Send ``task(*args)``; False (logged) when the broker cannot take it."""
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # kombu's OperationalError, OSError, redis' TimeoutError on a hung server …
        logger.warning("Broker unreachable: %s%r not queued; a sweep will catch up.", task.name, args, exc_info=True)
        return False
    return True
