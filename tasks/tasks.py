"""Celery jobs of the ledger: thin wrappers that call a service."""

from celery import shared_task

from core import staged_uploads

from . import services


@shared_task(name="tasks.refresh_planned_progress")
def refresh_planned_progress() -> int:
    """Nightly: write today's planned percent onto every open assignment (one UPDATE, idempotent)."""
    return services.refresh_planned_progress()


@shared_task(name="tasks.check_import")
def check_import_job(job_id: int) -> None:
    """The dry run of a large breakdown sheet (claims the job; a second run does nothing)."""
    services.check_import(job_id)


@shared_task(name="tasks.commit_import")
def commit_import_job(job_id: int) -> None:
    """Save a large breakdown sheet that the office committed (all or nothing, idempotent)."""
    services.run_commit(job_id)


@shared_task(name="tasks.resume_stalled_imports")
def resume_stalled_imports() -> int:
    """Every few minutes: imports whose job was lost (broker or worker) are taken back and run."""
    return services.resume_stalled_imports()


@shared_task(name="tasks.clear_staged_uploads")
def clear_staged_uploads() -> int:
    """Hourly: files kept from failed forms and never sent again are deleted after a day."""
    return staged_uploads.remove_expired()
