"""The database's count of changes: what a kept page is keyed by (``tasks.services.change_counter``).

Every statement that writes any table the pages read adds a row of ``n = 1`` here, by a statement
trigger (PostgreSQL; migration 0025), so no path can miss it: a service, the scan's set-based
writes, an import, the admin, a hand-written UPDATE. Rows are only ever inserted (no writer waits
for another, as a single counter row would make every writing transaction wait for the last one
to commit) and are summed when read; the reader folds them into one row now and then. The sum
counts every committed change, so it names the state of everything a page reads.
"""

from __future__ import annotations

from django.db import models


class ChangeCount(models.Model):
    n = models.BigIntegerField()

    def __str__(self) -> str:
        return str(self.n)


class ChangeEpoch(models.Model):
    """One row, drawn at random when the counter is installed: emptied with the database (a test
    run's flush), it is drawn again, so sums counted again from nothing name new keys."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
