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
# kwargs: assignment: Assignment, acting_user, reason: str, was_closed: bool. Sent inside the transaction when
# a claimed, verified or closed-out assignment is returned for redo (退回重办): a receiver takes
# back what the completion earned (the points ledger reverses its entries) in the same transaction.
assignment_reopened = Signal()
# kwargs: request: ExtensionRequest | None, assignment: Assignment, previous: date, acting_user. Sent inside the
# transaction when a granted extension has moved an assignment's deadline: a signed responsibility
# letter records it as an approved change (a revision).
deadline_extended = Signal()
