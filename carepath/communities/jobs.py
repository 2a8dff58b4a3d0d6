"""Imports from the web as background jobs, so that a large file never depends on a request's timeout.

The upload is kept in ``CAREPATH_UPLOADS_DIR`` (never served) and a task is queued in the same transaction as
the job's row; ``carepath db_worker`` runs it (tests run it at once). The task imports the file with
``imports.import_hsds`` (all or nothing, as from the command line), writes its progress on the job's row and
then the problems or the summary, and removes the file whatever happens. The job's writes are here, each atomic
with its audit entry (``services.py`` is at its size limit); progress is not audited (nobody answers for it).
"""

from __future__ import annotations

import dataclasses
import logging
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django_tasks import task

from carepath import audit
from carepath.accounts.models import Actor
from carepath.directory.services import ImportResult

from . import imports
from .models import Community, ImportJob

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5  # seconds: at most two progress writes a second (a new stage is written at once)
BUSY = ("import_busy", "import_conflict")  # another import of the community held it: try again later


def upload_path(stored_as: str) -> Path:
    return Path(settings.CAREPATH_UPLOADS_DIR) / stored_as


def queue_import(*, community: Community, upload: Any, language: str, actor: Actor) -> ImportJob:
    """Keep the uploaded file (a checked ``UploadedFile``) and queue its import; returns the job."""
    folder = Path(settings.CAREPATH_UPLOADS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    job_id = uuid.uuid4()
    stored_as = f"{job_id}{Path(upload.name).suffix.lower()}"  # .json or .zip: the form allows no other
    path = upload_path(stored_as)
    with path.open("xb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                id=job_id,
                community=community,
                created_by=audit.person(actor),
                filename=Path(upload.name).name[:255],
                language=language,
                stored_as=stored_as,
            )
            audit.record(
                actor=actor,
                action="communities.queue_import",
                target=job,
                community=community,
                file=job.filename,
                language=language,
            )
            run_import.enqueue(str(job.pk))  # in the job's transaction: both are written, or neither
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return job


def start_job(*, job: ImportJob) -> None:
    with transaction.atomic():
        job.status, job.started_at, job.stage = ImportJob.Status.RUNNING, timezone.now(), "read"
        job.save(update_fields=["status", "started_at", "stage"])
        audit.record(
            actor=job.created_by, action="communities.start_import", target=job, community=job.community
        )


def finish_job(*, job: ImportJob, result: ImportResult) -> None:
    """The import ended: keep its problems, or what it changed (``queries.import_job_result`` reads them)."""
    with transaction.atomic():
        job.status, job.finished_at, job.stored_as = ImportJob.Status.DONE, timezone.now(), ""
        job.result = {
            "ok": result.ok,
            "busy": any(p.code in BUSY for p in result.errors),
            "problems": [dataclasses.asdict(p) for p in result.problems],
            "left_out": result.left_out,
            "counts": result.counts,
            "services": len(result.service_ids),
            "added_to_inventory": result.added_to_inventory,
        }
        job.save(update_fields=["status", "finished_at", "stored_as", "result"])
        audit.record(
            actor=job.created_by,
            action="communities.finish_import",
            target=job,
            community=job.community,
            ok=result.ok,
            errors=result.error_count,
            warnings=result.warning_count,
        )


def fail_job(*, job: ImportJob) -> None:
    """The import stopped on something unexpected (logged): nothing was imported, the page says so."""
    with transaction.atomic():
        job.status, job.finished_at, job.stored_as = ImportJob.Status.FAILED, timezone.now(), ""
        job.result = {"ok": False, "failed": True}
        job.save(update_fields=["status", "finished_at", "stored_as", "result"])
        audit.record(
            actor=job.created_by, action="communities.fail_import", target=job, community=job.community
        )


class ProgressRecorder:
    """``import_hsds``'s progress callback: writes the stage and counts on the job's row, a new stage at once and
    otherwise at most every ``PROGRESS_INTERVAL`` seconds.

    The import writes inside one transaction; on PostgreSQL its progress goes through a connection of its own,
    so that the job's page sees it before the import commits. SQLite lets one writer in at a time: there the
    writing stage shows once it is over.
    """

    def __init__(self, job_id: Any, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_id, self.clock = job_id, clock
        self.stage: str | None = None
        self.last = 0.0
        self.writes = 0
        self.side: Any = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if stage == self.stage and now - self.last < PROGRESS_INTERVAL:
            return
        self.stage, self.last = stage, now
        values = {"stage": stage[:60], "done": max(done, 0), "total": max(total, 0)}
        if connection.in_atomic_block and connection.vendor == "postgresql":
            self._write_aside(values)
        else:
            ImportJob.objects.filter(pk=self.job_id).update(**values)
        self.writes += 1

    def _write_aside(self, values: dict[str, Any]) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)  # autocommit: seen at once
        table = connection.ops.quote_name(ImportJob._meta.db_table)
        with self.side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET stage = %s, done = %s, total = %s WHERE id = %s",  # noqa: S608 - our table
                [values["stage"], values["done"], values["total"], self.job_id],
            )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


@task()
def run_import(job_id: str) -> str:
    """Import a queued job's file; the job's row says how it went. Returns the job's status."""
    job = ImportJob.objects.select_related("community", "created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.QUEUED:
        return "skipped"  # run already (a worker restarted), or removed with its community
    path = upload_path(job.stored_as)
    recorder = ProgressRecorder(job.pk)
    try:
        start_job(job=job)
        result = imports.import_hsds(
            path=path,
            community_slug=job.community.slug,
            language=job.language,
            actor=job.created_by,
            display_name=job.filename,
            progress=recorder,
        )
        finish_job(job=job, result=result)
    except BaseException as error:
        logger.exception("Import job %s stopped unexpectedly", job.pk)
        fail_job(job=job)
        if not isinstance(error, Exception):
            raise  # the worker is being stopped
    finally:
        recorder.close()
        path.unlink(missing_ok=True)
    return str(job.status)
