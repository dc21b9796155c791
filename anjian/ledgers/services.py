"""Import jobs: upload → preview (dry run) → confirm → import, each step a background task.

The preview and the import both run the whole engine (``run_import``): the import checks
again because the registry may have changed since the preview. Progress is kept where
the web page can read it while the job runs: on the job row during the preview, and in
the job queue's key-value store during the import (whose transaction keeps its own
writes invisible to every other connection until it commits).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from anjian.accounts.roles import Role
from anjian.core import audit
from anjian.ledgers.engine import ImportReport, Ledger, LedgerDenied, RowError, run_import
from anjian.ledgers.models import ImportJob, JobStatus
from anjian.ledgers.readers import LedgerFileError, check_suffix
from anjian.ledgers.registry import get_ledger

if TYPE_CHECKING:
    from anjian.accounts.models import User

log = logging.getLogger(__name__)

# A stored report keeps this many row errors; the count of all of them is kept too.
STORED_ERRORS = 2000
SYSTEM_ACTOR_NAME = "命令行"


class JobStateError(Exception):
    """The job is not in a state that allows this step; the message is for the user."""


def system_actor() -> User:
    """The deployment operator at the command line: sees everything, is no account.

    An unsaved system administrator without an organisation, which the scope function
    lets see the whole deployment; audit entries name it without linking an account.
    """
    from anjian.accounts.models import User

    return User(username=SYSTEM_ACTOR_NAME, full_name=SYSTEM_ACTOR_NAME, role=Role.SYSADMIN, is_active=True)


def check_upload(upload: UploadedFile) -> None:
    check_suffix(upload.name or "")
    limit = settings.LEDGER_UPLOAD_MAX_BYTES
    if (upload.size or 0) > limit:
        mb = 1024 * 1024
        raise LedgerFileError(f"文件过大：上限为 {limit / mb:g} MB，本文件 {(upload.size or 0) / mb:.1f} MB")
    if not upload.size:
        raise LedgerFileError("文件是空的")


def job_create(*, actor: User, ledger: Ledger, upload: UploadedFile, source: str = "") -> ImportJob:
    """Store the upload and queue its preview."""
    ledger.check_actor(actor)
    check_upload(upload)
    job = ImportJob.objects.create(
        ledger=ledger.name,
        user=actor,
        file=upload,
        filename=(upload.name or "")[:200],
        size=upload.size or 0,
        source=source,
    )
    from anjian.ledgers import tasks

    transaction.on_commit(lambda: tasks.validate_job(job.pk))
    return job


def job_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the real import of a previewed job (once, whatever the number of clicks)."""
    if job.user_id != actor.pk:
        raise LedgerDenied("只能确认自己上传的文件")
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.READY).update(
        status=JobStatus.IMPORTING, rows_done=0
    )
    if not claimed:
        raise JobStateError("该文件未通过预检或已在导入，不能再次确认")
    job.refresh_from_db()
    from anjian.ledgers import tasks

    transaction.on_commit(lambda: tasks.import_job(job.pk))
    return job


def _progress_key(job_id: int) -> str:
    return f"anjian:ledger-job:{job_id}"


def _queue() -> Any:
    from huey.contrib.djhuey import HUEY

    return HUEY


def job_progress(job: ImportJob) -> tuple[str, int, int | None]:
    """(phase, rows done, rows in total or None) of a job; phase is "validate" or "write"."""
    if job.status == JobStatus.IMPORTING:
        value = _queue().get(_progress_key(job.pk), peek=True)
        if value is not None:
            phase, done, total = value
            return str(phase), int(done), total
        return "validate", 0, None
    return "validate", job.rows_done, job.rows_total


def _run(job_id: int, *, dry_run: bool) -> None:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    ledger = get_ledger(job.ledger)
    key = _progress_key(job.pk)

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "validate" and dry_run:
            ImportJob.objects.filter(pk=job.pk).update(rows_done=done, rows_total=total)
        else:
            # The import's own transaction hides row updates; the queue's store does not.
            _queue().put(key, (phase, done, total))

    try:
        with audit.origin(job.source, "job"):
            report = run_import(
                ledger, job.file.path, job.user, filename=job.filename, dry_run=dry_run, progress=progress
            )
    except Exception:
        log.exception("ledger job %s failed", job.pk)
        report = ImportReport(ledger=job.ledger, filename=job.filename, dry_run=dry_run)
        report.errors.append(RowError(None, "", "处理文件时发生系统错误，未写入任何数据，请联系系统管理员"))
        status = JobStatus.FAILED
    else:
        if not report.ok:
            status = JobStatus.REJECTED
        elif dry_run:
            status = JobStatus.READY
        else:
            status = JobStatus.DONE
    finally:
        _queue().delete(key)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        report=report.to_dict(max_errors=STORED_ERRORS),
        rows_done=report.total,
        rows_total=report.total,
        finished_at=timezone.now(),
    )


def job_validate(job_id: int) -> None:
    """The preview: the whole import as a dry run."""
    if not ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.VALIDATING):
        return  # already previewed (a retried task)
    _run(job_id, dry_run=True)


def job_import(job_id: int) -> None:
    """The confirmed import: checked again, then written all or nothing."""
    if not ImportJob.objects.filter(pk=job_id, status=JobStatus.IMPORTING).exists():
        return
    _run(job_id, dry_run=False)
