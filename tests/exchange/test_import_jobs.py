"""A page import is a background job: the request only queues it; the worker (the real
django-tasks database worker here) checks and imports; the page shows the progress, a
closed browser does not stop it, and cancelling rolls it back."""

from __future__ import annotations

import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from palermo.core import jobs
from palermo.core.models import Job
from palermo.exchange import rowcheck
from palermo.exchange.models import ImportBatch
from palermo_bench.htcds_import import as_csv, synthetic_rows
from tests.conftest import DATABASES
from tests.exchange.conftest import counts

WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
REAL_WORKER = pytest.mark.django_db(transaction=True, serialized_rollback=True,
                                    databases=DATABASES)


def _upload(rows: int = 30):
    return SimpleUploadedFile("cases.csv", as_csv(synthetic_rows(rows, "fatima")),
                              content_type="text/csv")


def _run_worker() -> None:
    """What `palermo db_worker` does, until the queue is empty."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM,
                                                 signal.SIGQUIT)}
    try:
        call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False,
                     verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@REAL_WORKER
def test_a_page_import_is_a_job_the_worker_finishes_after_the_browser_left(browser,
                                                                            settings):
    settings.TASKS = WORKER
    client = browser("fatima")
    queued = client.post(reverse("web:exchange_import"), {"layout": "htcds",
                                                           "file": _upload()})
    assert queued.status_code == 302 and queued.url.startswith("/jobs/")
    job = Job.objects.get()
    assert (job.status, job.kind, job.work_kind) == ("queued", "import_check",
                                                     "case_exchange")
    waiting = client.get(queued.url)
    assert b"Waiting for the worker" in waiting.content
    assert b'hx-trigger="every 2s"' in waiting.content  # polled by htmx …
    assert b'<noscript><meta http-equiv="refresh"' in waiting.content  # … or refreshed
    _run_worker()  # nobody is looking: the browser is closed
    job.refresh_from_db()
    assert (job.status, job.stage, job.done, job.total) == ("done", "check", 30, 30)
    checked = client.get(queued.url)
    assert b"Checked 30 rows: 30 valid" in checked.content and b"Import 30 rows" in \
        checked.content and b"hx-trigger" not in checked.content
    batch = ImportBatch.objects.get()
    confirmed = client.post(reverse("web:exchange_import_confirm", args=[batch.pk]))
    assert confirmed.status_code == 302 and counts() == (0, 0, 0, 0)
    del client  # the browser is closed again
    _run_worker()
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.imported == 30 and counts()[1] == 30
    assert Job.objects.get(kind="import").status == "done"


@REAL_WORKER
def test_an_import_shows_progress_and_is_cancelled_between_chunks(browser, settings,
                                                                  monkeypatch):
    """The supervisor watches the progress, then cancels: the import stops at its next
    chunk, rolls back, and says so; the batch says cancelled; nothing was written."""
    settings.TASKS = WORKER
    monkeypatch.setattr(rowcheck, "CHUNK_ROWS", 10)
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    client = browser("fatima")
    client.post(reverse("web:exchange_import"), {"layout": "htcds", "file": _upload(40)})
    _run_worker()
    batch = ImportBatch.objects.get(status="checked")
    client.post(reverse("web:exchange_import_confirm", args=[batch.pk]))
    job = Job.objects.get(kind="import")
    url = reverse("web:job_detail", args=[job.pk])
    seen = {}
    report = jobs.Progress.__call__

    def watching(progress, stage, done, total):
        report(progress, stage, done, total)
        if stage == "write" and done == 20 and not seen:  # half the rows written
            seen["page"] = client.get(url, HTTP_HX_REQUEST="true").content
            seen["cancel"] = client.post(reverse("web:job_cancel", args=[job.pk]))
            seen["written"] = counts()[1]

    monkeypatch.setattr(jobs.Progress, "__call__", watching)
    _run_worker()
    assert b"Running" in seen["page"] and b"20 of 40" in seen["page"]
    assert b"<progress" in seen["page"] and b'value="50"' in seen["page"]
    assert seen["cancel"].status_code == 302 and seen["written"] == 20
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == "cancelled" and "rolled back" in job.message
    assert batch.status == "cancelled" and batch.imported == 0 and counts() == (0, 0, 0, 0)
    page = client.get(url)
    assert b"Cancelled" in page.content and b"rolled back" in page.content
    listed = client.get(reverse("web:exchange_import"))
    assert b"Cancelled: nothing imported" in listed.content


def test_the_starter_alone_confirms_and_once(browser, cast):
    client = browser("fatima")
    client.post(reverse("web:exchange_import"), {"layout": "htcds", "file": _upload(3)})
    batch = ImportBatch.objects.get()
    assert client.post(reverse("web:exchange_import_confirm", args=[batch.pk])
                       ).status_code == 302
    assert client.post(reverse("web:exchange_import_confirm", args=[batch.pk])
                       ).status_code == 409
    assert counts()[1] == 3 and Job.objects.filter(kind="import").count() == 1


def test_a_large_api_import_answers_202_with_its_job(api_client, monkeypatch):
    from palermo.api import exchange as api_exchange

    monkeypatch.setattr(api_exchange, "SYNCHRONOUS_BYTES", 100)
    started = api_client("fatima").post("/api/exchange/imports/htcds?dry_run=false",
                                        {"file": _upload(5)})
    assert started.status_code == 202
    url = started.json()["url"]
    body = api_client("fatima").get(url).json()  # the tests' backend runs jobs at once
    assert body["status"] == "done" and body["result"]["report"]["imported"] == 5
    assert counts()[1] == 5
    assert ImportBatch.objects.get().status == "imported"
    assert api_client("boris").get(url).status_code == 403
    assert api_client("chen").get(url).status_code == 404
    checked = api_client("fatima").post("/api/exchange/imports/htcds?dry_run=true",
                                        {"file": _upload(5)})
    body = api_client("fatima").get(checked.json()["url"]).json()
    assert body["result"]["report"]["dry_run"] and counts()[1] == 5


def test_the_ctdc_release_is_a_job_whose_file_only_releasers_fetch(browser, cast):
    from palermo.exchange.htcds import import_htcds

    import_htcds(cast.fatima, as_csv(synthetic_rows(40, "fatima")), "s.csv")
    made = browser("chen").post(reverse("web:exchange_export"), {
        "what": "ctdc", "ctdc-method": "kanon", "ctdc-epsilon": "1", "ctdc-k": "2"},
        follow=True)
    assert made.status_code == 200 and b"Download ctdc-kanon.csv" in made.content
    job = Job.objects.get(kind="ctdc_export")
    result = reverse("web:job_result", args=[job.pk])
    csv_file = browser("chen").get(result)
    assert csv_file.status_code == 200 and b"yearOfRegistration" in csv_file.content
    assert browser("fatima").get(result).status_code == 404  # not hers
    assert browser("dana").get(result).status_code == 404
    assert browser("amina").get(result).status_code == 403
