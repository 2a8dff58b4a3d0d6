"""Web imports as background jobs: the upload queues a job, its page shows how far it has got, then the problems
or the summary; the task also runs on the database backend through the worker (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from carepath.accounts.services import set_membership
from carepath.communities import jobs
from carepath.communities.models import ImportJob, InventoryEntry
from carepath.directory.models import Service
from carepath.models import AuditEntry
from tests.conftest import PASSWORD
from tests.factories import service, uid
from tests.query_counts import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

IMPORT = "/en/communities/lakeside/import/"
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
QUEUED_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.CAREPATH_UPLOADS_DIR = tmp_path / "uploads"
    return settings.CAREPATH_UPLOADS_DIR


@pytest.fixture
def signed_in(client, facilitator):
    assert client.login(username=facilitator.username, password=PASSWORD)
    return client


def send(client, content, name: str = "file.json", language: str = "en"):
    upload = SimpleUploadedFile(name, content if isinstance(content, bytes) else json.dumps(content).encode())
    return client.post(IMPORT, {"file": upload, "language": language})


def queued(client, content, name: str = "file.json") -> ImportJob:
    """Upload with a backend that only stores tasks: the job waits, as it does until a worker takes it."""
    response = send(client, content, name)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/en/communities/lakeside/import/{job.pk}/"
    return job


def test_upload_queues_a_job_and_keeps_the_file_until_it_runs(settings, signed_in, facilitator):
    settings.TASKS = QUEUED_ONLY
    job = queued(signed_in, [service("x")], "good.json")
    assert (job.status, job.filename, job.language, job.created_by) == (
        "queued",
        "good.json",
        "en",
        facilitator,
    )
    assert jobs.upload_path(job.stored_as).is_file()
    assert Service.objects.count() == 0
    assert AuditEntry.objects.filter(action="communities.queue_import", target_id=str(job.pk)).exists()

    page = signed_in.get(job.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "Waiting to start" in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html  # without script
    assert 'aria-live="polite"' in html and 'hx-trigger="every 1s"' in html

    path = jobs.upload_path(job.stored_as)
    assert jobs.run_import.call(str(job.pk)) == "done"
    assert not path.exists()  # removed after the job
    assert Service.objects.count() == 1


@pytest.mark.django_db(
    transaction=True
)  # committed, as the worker sees it (PostgreSQL writes progress aside)
def test_job_page_shows_progress_then_the_summary(settings, signed_in):
    settings.TASKS = QUEUED_ONLY
    job = queued(signed_in, [service("x"), service("y")], "good.json")
    jobs.start_job(job=job)
    jobs.ProgressRecorder(job.pk)("read", 1500, 0)
    partial = signed_in.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert "Reading and checking the file." in partial.content.decode()
    assert "1500 records so far." in partial.content.decode()
    with transaction.atomic():  # as the import writes: its progress is seen before it commits
        recorder = jobs.ProgressRecorder(job.pk)
        recorder("write service", 2, 2)
        recorder.close()
        partial = signed_in.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "Writing to the table service." in partial and "2 of 2 records." in partial
    assert '<progress aria-labelledby="import-stage" max="2" value="2">' in partial

    ImportJob.objects.filter(pk=job.pk).update(status="queued")
    jobs.run_import.call(str(job.pk))
    finished = signed_in.get(job.get_absolute_url(), headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"  # htmx loads the finished page whole
    page = signed_in.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "good.json was imported." in page.content.decode()
    assert "noscript" not in page.content.decode()
    result = page.context["result"]
    assert result.ok and result.counts["service"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert "2 services in the file." in page.content.decode()
    assert InventoryEntry.objects.filter(community__slug="lakeside").count() == 2


def test_job_page_lists_every_problem_of_a_broken_file_and_nothing_is_written(signed_in, uploads):
    response = send(signed_in, [service("x", status="open", maximum_age="six")], "broken.json")
    job = ImportJob.objects.get()
    page = signed_in.get(response["Location"])
    assert page.status_code == 422
    rows = page.context["result"].problem_rows()
    assert [(r["where"], r["field"]) for r in rows] == [
        (f"broken.json, [0], service {uid('service:x')}", "maximum_age"),
        (f"broken.json, [0], service {uid('service:x')}", "status"),
    ]
    assert "broken.json was not imported." in page.content.decode()
    assert (job.status, job.result["ok"]) == ("done", False)
    assert Service.objects.count() == 0
    assert not list(uploads.iterdir())  # no file left behind


def test_job_page_in_french_reads_the_problems_in_french(signed_in):
    response = send(signed_in, b"[{", "casse.json")
    page = signed_in.get(response["Location"].replace("/en/", "/fr/", 1))
    assert page.status_code == 422
    assert "Le JSON est invalide" in page.content.decode()


def test_a_job_that_fails_unexpectedly_says_so_and_removes_its_file(settings, signed_in):
    settings.TASKS = QUEUED_ONLY
    job = queued(signed_in, [service("x")])
    path = jobs.upload_path(job.stored_as)
    ImportJob.objects.filter(pk=job.pk).update(language="xx")  # no such text fields: the write stops
    assert jobs.run_import.call(str(job.pk)) == "failed"
    assert not path.exists()
    assert Service.objects.count() == 0
    page = signed_in.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "The import stopped because of a problem on our side" in page.content.decode()
    assert AuditEntry.objects.filter(action="communities.fail_import", target_id=str(job.pk)).exists()


def test_a_job_runs_once(settings, signed_in):
    settings.TASKS = QUEUED_ONLY
    job = queued(signed_in, [service("x")])
    assert jobs.run_import.call(str(job.pk)) == "done"
    assert jobs.run_import.call(str(job.pk)) == "skipped"


def test_job_of_another_community_is_not_found(signed_in, other_community, facilitator, settings):
    settings.TASKS = QUEUED_ONLY
    job = queued(signed_in, [service("x")])
    set_membership(user=facilitator, community=other_community, role="facilitator")
    assert signed_in.get(f"/en/communities/hillcrest/import/{job.pk}/").status_code == 404
    assert (
        signed_in.get("/en/communities/lakeside/import/00000000-0000-4000-8000-000000000000/").status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_at_most_twice_a_second_and_at_each_new_stage(settings, signed_in):
    settings.TASKS = QUEUED_ONLY
    job = queued(signed_in, [service("x")])
    now = [100.0]
    recorder = jobs.ProgressRecorder(job.pk, clock=lambda: now[0])
    for done in range(0, 5000, 500):
        recorder("read", done, 0)
        now[0] += 0.1
    assert recorder.writes == 2  # at 100.0 and 100.5
    recorder("write service", 1, 1)
    assert recorder.writes == 3
    job.refresh_from_db()
    assert (job.stage, job.done, job.total) == ("write service", 1, 1)


def test_import_page_lists_recent_jobs_without_a_query_per_job(settings, signed_in):
    settings.TASKS = QUEUED_ONLY

    def fetch():
        response = signed_in.get(IMPORT)
        assert response.status_code == 200
        return response

    assert_queries_do_not_grow(
        add=lambda n: send(signed_in, [service(f"s{n}")], f"file{n}.json"),
        fetch=fetch,
        shown=lambda response: len(response.context["jobs"]),
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_import_on_the_database_backend(settings, client, facilitator):
    """The path production takes: the task is a row, ``carepath db_worker`` takes it and runs it."""
    settings.TASKS = DATABASE_BACKEND
    assert client.login(username=facilitator.username, password=PASSWORD)
    response = send(client, [service("x"), service("y")], "good.json")
    job = ImportJob.objects.get()
    task = DBTaskResult.objects.get()
    assert (job.status, task.status, task.task_path) == (
        "queued",
        "READY",
        "carepath.communities.jobs.run_import",
    )
    assert client.get(response["Location"]).status_code == 200

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    job.refresh_from_db()
    task.refresh_from_db()
    assert (job.status, task.status, task.return_value) == ("done", "SUCCESSFUL", "done")
    assert Service.objects.count() == 2
    page = client.get(response["Location"])
    assert page.status_code == 200 and "good.json was imported." in page.content.decode()
