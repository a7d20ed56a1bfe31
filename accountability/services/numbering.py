"""Notice numbers: one series per kind and year, without gaps or duplicates.

The counter row of (kind, year) is locked with SELECT … FOR UPDATE in the transaction that issues
the notices and written back in it: a second issuer waits for the first to commit, then continues
from its last number; a rolled-back issue gives its numbers back. Every issuer locks the counter
*before* it reads what is left to issue and before it touches any other row, so that issuers see
each other's work and never wait on each other in a circle.
"""

from __future__ import annotations

from django.db import transaction

from ..models import NoticeCounter


def lock_counter(kind: str, year: int) -> NoticeCounter:
    """Lock the (kind, year) series for the rest of the current transaction; create it on first use."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Notice numbers are taken inside the transaction that issues the notices.")
    NoticeCounter.objects.bulk_create([NoticeCounter(kind=kind, year=year)], ignore_conflicts=True)
    return NoticeCounter.objects.select_for_update().get(kind=kind, year=year)


def take_serials(counter: NoticeCounter, count: int) -> list[int]:
    """The next ``count`` serial numbers of a locked counter."""
    first = counter.last_serial + 1
    counter.last_serial += count
    counter.save(update_fields=["last_serial"])
    return list(range(first, first + count))
