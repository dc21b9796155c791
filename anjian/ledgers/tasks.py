"""Background jobs of the ledger engine: one-line huey wrappers around the job services."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from anjian.ledgers import services


@db_task()
def validate_job(job_id: int) -> None:
    services.job_validate(job_id)


@db_task()
def import_job(job_id: int) -> None:
    services.job_import(job_id)
