"""Events the ledger announces to the apps built on it (accountability listens; tasks never imports it).

``*_issued``/``*_accepted``/``*_closed`` are sent after the transaction commits, with primary keys
only, so a receiver may enqueue a Celery job that will find the rows. ``assignment_changing`` is
sent inside the transaction, before an issued assignment is changed: a receiver may veto the
change by raising ``RuleViolation`` (a signed responsibility letter does).
"""

from django.dispatch import Signal

# kwargs: assignment_ids: list[int], acting_user_id: int
assignments_issued = Signal()
# kwargs: report_id: int, acting_user_id: int
report_filed = Signal()
report_accepted = Signal()
# kwargs: assignment_id: int, acting_user_id: int
assignment_closed = Signal()
# kwargs: assignment: Assignment, changes: dict, acting_user
assignment_changing = Signal()
