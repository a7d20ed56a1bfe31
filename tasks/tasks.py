"""Celery jobs of the ledger: thin wrappers that call a service."""

from celery import shared_task

from . import services


@shared_task(name="tasks.refresh_planned_progress")
def refresh_planned_progress() -> int:
    """Nightly: write today's planned percent onto every open assignment (one UPDATE, idempotent)."""
    return services.refresh_planned_progress()
