"""Celery jobs of supervision and accountability: thin wrappers that take ids and call a service."""

from celery import shared_task

from . import services


@shared_task(name="accountability.run_scoring")
def run_scoring(run_id: int) -> bool:
    """Work one scoring run (the office's button); a second delivery finds it claimed and stops."""
    return services.execute_run(run_id)


@shared_task(name="accountability.run_daily_scoring")
def run_daily_scoring() -> int:
    """Nightly (beat): score up to yesterday, and work any run the broker failed to deliver."""
    services.schedule_nightly_run()
    return sum(1 for run_id in services.queued_run_ids() if services.execute_run(run_id))
