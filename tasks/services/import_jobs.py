"""The office console's import: upload → dry run → commit. Small files are handled at once, large
ones by a Celery job (``tasks.tasks``) whose progress the page polls.

Each step claims its job with a compare-and-set on the status (and, once running, on its
heartbeat: a lease), so a retried or doubled job does nothing the second time; the import itself is
idempotent as well (the same sheet changes nothing). A job the broker never took is run at once in
the request; one a worker lost is taken back by ``resume_stalled_imports`` (beat, every few
minutes) or the page's retry button. Nothing stays "uploaded".
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.access import access_for
from core.errors import RuleViolation
from core.stored_files import local_copy

from ..choices import ImportStatus
from ..jobs import enqueue
from ..models import ImportJob
from ..models.imports import QUEUED, QUEUED_GRACE, STALLED_AFTER
from .common import save_with_history
from .imports import import_breakdown


def _is_inline(job: ImportJob) -> bool:
    return job.size <= settings.ZMD_IMPORT_INLINE_KB * 1024


def start_import(
    uploaded_file, *, year: int | None, acting_user, sheet: str = "", include_hidden: bool = False
) -> ImportJob:
    """Store the upload and check it: at once when small, in a job when large."""
    if not access_for(acting_user).office:
        raise RuleViolation(_("Only the supervision office imports the breakdown sheet."))
    limit = settings.ZMD_IMPORT_MAX_MB
    if uploaded_file.size > limit * 1024 * 1024:
        raise RuleViolation(
            _("The file is %(size).1f MB; at most %(limit)d MB can be imported.")
            % {"size": uploaded_file.size / 1024 / 1024, "limit": limit}
        )
    job = ImportJob(
        file=uploaded_file,
        original_name=Path(uploaded_file.name).name[:200],
        size=uploaded_file.size,
        year=year,
        sheet=sheet[:100],
        include_hidden=include_hidden,
        uploaded_by=acting_user,
        uploaded_at=clock.now(),
        phase=QUEUED,
        heartbeat_at=timezone.now(),
    )
    with transaction.atomic():
        save_with_history(job, acting_user=acting_user, reason=_("Sheet uploaded"))
        _queue_check(job)
    _check_inline(job)
    return job


def _queue_check(job: ImportJob) -> None:
    """A large sheet's dry run: a Celery job, started once the upload is committed."""
    if not _is_inline(job):
        from ..tasks import check_import_job

        transaction.on_commit(lambda: _queue_or_run(check_import_job, check_import, job.pk))


def _check_inline(job: ImportJob) -> None:
    """A small sheet's dry run, at once (after the upload's own transaction)."""
    if _is_inline(job):
        check_import(job.pk)
    job.refresh_from_db()  # a large one may have been checked here too, when the queue was away


def choose_import_options(job: ImportJob, *, sheet: str, include_hidden: bool, acting_user) -> ImportJob:
    """Check the sheet again with the sheet the person chose and whether hidden rows count."""
    if not access_for(acting_user).office:
        raise RuleViolation(_("Only the supervision office imports the breakdown sheet."))
    choosable = (ImportStatus.CHOOSE_SHEET, ImportStatus.CHECKED, ImportStatus.REFUSED)
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status__in=choosable).update(status=ImportStatus.UPLOADED)
        if not claimed:
            raise RuleViolation(_("This sheet is being checked or saved; wait until it is done."))
        job.refresh_from_db()
        job.sheet, job.include_hidden = sheet[:100], include_hidden
        job.report, job.message = {}, ""
        job.phase, job.heartbeat_at = QUEUED, timezone.now()
        save_with_history(job, acting_user=acting_user, reason=_("Sheet to check chosen"))
        _queue_check(job)
    _check_inline(job)
    return job


def _queue_or_run(task, step, job_id: int) -> None:
    """Hand the step to a worker; when the broker cannot take it, do it here and now."""
    if not enqueue(task, job_id):
        step(job_id)


def _progress(job_id: int):
    def report(phase: str, done: int, total: int | None) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            phase=phase, rows_done=done, rows_total=total, heartbeat_at=timezone.now()
        )

    return report


def check_import(job_id: int) -> None:
    """The dry run. Claims an uploaded job (compare-and-set); anything else is left alone."""
    from ..excel.plan import plan_import
    from ..excel.reader import FileRefused, SheetChoiceNeeded

    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.UPLOADED).update(
        status=ImportStatus.CHECKING, phase="reading", heartbeat_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    try:
        with local_copy(job.file) as path:  # the reader's child process needs a file on disk
            plan = plan_import(
                path, job.original_name, year=job.year, acting_user=job.uploaded_by,
                progress=_progress(job_id), sheet=job.sheet or None, include_hidden=job.include_hidden,
            )  # fmt: skip
    except SheetChoiceNeeded as choice:
        job.status, job.message, job.report = ImportStatus.CHOOSE_SHEET, str(choice), {"sheets": choice.sheets}
        save_with_history(job, acting_user=job.uploaded_by, reason=_("Sheet to be chosen"))
        return
    except FileRefused as refused:
        job.status, job.message = ImportStatus.REFUSED, str(refused)
        save_with_history(job, acting_user=job.uploaded_by, reason=_("Sheet refused"))
        return
    job.status, job.report, job.year, job.message = ImportStatus.CHECKED, plan.report(), plan.year, ""
    job.rows_done = job.rows_total = len(plan.rows)
    save_with_history(job, acting_user=job.uploaded_by, reason=_("Sheet checked"))


def commit_import(job: ImportJob, *, acting_user) -> ImportJob:
    """Save a checked sheet: at once when small, in a job when large."""
    if not access_for(acting_user).office:
        raise RuleViolation(_("Only the supervision office imports the breakdown sheet."))
    if not job.can_commit:
        raise RuleViolation(_("Only a checked sheet without problems can be saved."))
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKED).update(
            status=ImportStatus.COMMITTING, phase=QUEUED, rows_done=0, committed_by=acting_user,
            heartbeat_at=timezone.now(),
        )  # fmt: skip
        if not claimed:
            raise RuleViolation(_("This sheet is already being saved."))
        if not _is_inline(job):
            from ..tasks import commit_import_job

            transaction.on_commit(lambda: _queue_or_run(commit_import_job, run_commit, job.pk))
    if _is_inline(job):
        run_commit(job.pk)
    job.refresh_from_db()
    return job


def run_commit(job_id: int) -> None:
    """Check the sheet again against today's ledger and save it, all or nothing.

    Runs only for a job in "being saved"; a retry after a crash runs it again, which is safe
    because importing a sheet twice changes nothing the second time.
    """
    from ..excel.plan import plan_import
    from ..excel.reader import FileRefused

    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id, status=ImportStatus.COMMITTING)
        .filter(Q(phase=QUEUED) | Q(heartbeat_at__lt=now - STALLED_AFTER) | Q(heartbeat_at=None))
        .update(phase="checking", heartbeat_at=now)
    )
    if not claimed:  # another run holds it (a redelivered message while the first one works)
        return
    job = ImportJob.objects.select_related("committed_by").get(pk=job_id)
    user = job.committed_by
    try:
        with local_copy(job.file) as path:
            plan = plan_import(
                path, job.original_name, year=job.year, acting_user=user, progress=_progress(job_id),
                sheet=job.sheet or None, include_hidden=job.include_hidden,
            )  # fmt: skip
    except FileRefused as refused:
        job.status, job.message = ImportStatus.FAILED, str(refused)
        save_with_history(job, acting_user=user, reason=_("Sheet not saved"))
        return
    if not plan.is_valid:
        job.status, job.report = ImportStatus.CHECKED, plan.report()
        job.message = _("The ledger changed since the dry run; here is the new report. Nothing was saved.")
        save_with_history(job, acting_user=user, reason=_("Sheet checked"))
        return
    _progress(job_id)("saving", 0, 3)
    try:
        result = import_breakdown(plan, acting_user=user)
    except RuleViolation as error:
        job.status, job.message = ImportStatus.FAILED, "；".join(error.messages)
        save_with_history(job, acting_user=user, reason=_("Sheet not saved"))
        return
    job.status, job.result, job.committed_at, job.message = ImportStatus.COMMITTED, result.as_dict(), clock.now(), ""
    job.report = plan.report()
    save_with_history(job, acting_user=user, reason=_("Sheet saved"))


def resume_stalled_imports() -> int:
    """Take back every import whose job was lost (never taken, or its worker died); run it here.

    Beat runs this every few minutes; the import page's retry button runs it for one job. Each
    step's own claim keeps a job that is in fact still running from being run twice.
    """
    now = timezone.now()
    resumed = 0
    never_taken = ImportJob.objects.filter(phase=QUEUED, heartbeat_at__lt=now - QUEUED_GRACE)
    for job_id in never_taken.filter(status=ImportStatus.UPLOADED).values_list("pk", flat=True):
        check_import(job_id)
        resumed += 1
    lost = ImportJob.objects.filter(status=ImportStatus.CHECKING, heartbeat_at__lt=now - STALLED_AFTER)
    for job_id in lost.values_list("pk", flat=True):
        if ImportJob.objects.filter(
            pk=job_id, status=ImportStatus.CHECKING, heartbeat_at__lt=now - STALLED_AFTER
        ).update(status=ImportStatus.UPLOADED):
            check_import(job_id)
            resumed += 1
    committing = ImportJob.objects.filter(status=ImportStatus.COMMITTING).filter(
        Q(phase=QUEUED, heartbeat_at__lt=now - QUEUED_GRACE) | Q(heartbeat_at__lt=now - STALLED_AFTER)
    )
    for job_id in committing.values_list("pk", flat=True):
        run_commit(job_id)
        resumed += 1
    return resumed


def retry_import(job: ImportJob, *, acting_user) -> ImportJob:
    """The import page's retry: a stalled job is taken back and run now, in the request."""
    if not access_for(acting_user).office:
        raise RuleViolation(_("Only the supervision office imports the breakdown sheet."))
    job.refresh_from_db()
    if not job.is_stalled:
        raise RuleViolation(_("This sheet is not stalled; wait for it to finish."))
    if job.status == ImportStatus.CHECKING:
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(status=ImportStatus.UPLOADED)
    if job.status in (ImportStatus.UPLOADED, ImportStatus.CHECKING):
        check_import(job.pk)
    else:
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.COMMITTING).update(phase=QUEUED)
        run_commit(job.pk)
    job.refresh_from_db()
    return job
