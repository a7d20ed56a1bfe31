"""What the five lists do when the ledger announces an event (connected in AccountabilityConfig.ready).

The ledger sends these signals after its transaction commits, with ids only; each receiver hands a
job to the broker and returns. If the broker is down the job is lost, and the daily scan issues the
notice instead.
"""

from django.dispatch import receiver

from tasks import signals

from . import tasks


@receiver(signals.assignments_issued, dispatch_uid="accountability.task_notices")
def send_task_notices(sender, assignment_ids, acting_user_id=None, **kwargs):
    tasks.enqueue(tasks.issue_task_notices, list(assignment_ids), acting_user_id)


@receiver(signals.assignment_closed, dispatch_uid="accountability.close_out_notice")
def send_close_out_notice(sender, assignment_id, acting_user_id=None, **kwargs):
    tasks.enqueue(tasks.issue_close_out_notices, [assignment_id], acting_user_id)
