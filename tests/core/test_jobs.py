"""Background jobs (core.jobs): who may follow and cancel one, how a job ends, and how one
whose process died is found out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from palermo.core import access, jobs
from palermo.core.access import Action
from palermo.core.models import Job, Role, User
from tests.conftest import confirmed_membership, signed_in


def _job(membership, work_kind="case_exchange", work_action="create", **fields) -> Job:
    return Job.objects.create(kind="import", title="Import of cases", work_kind=work_kind,
                              work_action=work_action, user_id=membership.user_id,
                              organisation_id=membership.organisation_id, **fields)


@pytest.fixture
def sara(cast):
    """A second supervisor at NGO A."""
    user = User.objects.create_user(username="sara", password="x" * 20)
    return confirmed_membership(user, cast.ngo_a, Role.SUPERVISOR)


@pytest.fixture
def olga(cast):
    """A supervisor at NGO B."""
    user = User.objects.create_user(username="olga", password="x" * 20)
    return confirmed_membership(user, cast.ngo_b, Role.SUPERVISOR)


# The starter and the organisation's supervisors follow an import job; others get 404
# (a role with jobs) or 403 (a role that never has any).
@pytest.mark.parametrize(("name", "status"), [
    ("fatima", 200), ("sara", 200), ("olga", 404), ("amina", 403), ("boris", 403),
    ("emre", 404), ("chen", 404), ("dana", 404), ("root", 403)])
def test_who_follows_an_import_job(cast, sara, olga, settings, name, status):
    settings.PALERMO_REQUIRE_2FA = False
    job = _job(cast.fatima, status=Job.Status.RUNNING, heartbeat_at=timezone.now(),
               stage="write", done=300, total=1000)
    member = {"sara": sara, "olga": olga}.get(name) or cast.membership(name)
    page = signed_in(member).get(reverse("web:job_detail", args=[job.pk]))
    assert page.status_code == status
    if status == 200:
        assert b"300 of 1000" in page.content and b'value="30"' in page.content
    cancel = signed_in(member).post(reverse("web:job_cancel", args=[job.pk]))
    assert cancel.status_code == (302 if status == 200 else status)
    job.refresh_from_db()
    assert (job.cancel_requested_at is not None) == (status == 200)


def test_a_supervisor_sees_no_job_of_work_they_may_not_do(cast):
    """An M&E officer's job of uploading a form (work supervisors do not do) stays hidden
    from the organisation's supervisor, though supervisors follow their organisation's jobs."""
    theirs = _job(cast.emre, work_kind="form")
    assert access.visible_jobs(cast.emre, Job.objects.all()).get() == theirs
    assert not access.visible_jobs(cast.fatima, Job.objects.all()).exists()
    imported = _job(cast.fatima)
    assert list(access.visible_jobs(cast.fatima, Job.objects.all())) == [imported]
    assert not access.visible_jobs(cast.emre, Job.objects.filter(pk=imported.pk)).exists()


def test_only_the_starter_or_a_supervisor_cancels(cast):
    started = _job(cast.chen, work_kind="release")
    assert access.visible_jobs(cast.chen, Job.objects.all(), Action.CHANGE).get() == started
    with pytest.raises(PermissionDenied):
        jobs.request_cancel(cast.amina, started)


def test_a_job_needs_the_right_to_do_its_work(cast):
    with pytest.raises(PermissionDenied):
        jobs.record(cast.amina, kind="import", title="x", work_kind="case_exchange")
    with pytest.raises(PermissionDenied):  # analysts release, but do not import cases
        jobs.record(cast.chen, kind="import", title="x", work_kind="case_exchange")
    assert jobs.record(cast.chen, kind="ctdc_export", title="x", work_kind="release")


def _body(outcome=None, error=None, steps=3):
    def body(job, progress):
        for step in range(1, steps + 1):
            progress("work", step, steps)
        if error:
            raise error
        return outcome or jobs.Outcome("fine", {"n": steps}, b"a,b\n", "r.csv", "text/csv")
    return body


def test_a_job_records_how_it_ended(cast):
    done = jobs.run_here(cast.fatima, _body(), kind="import", title="t",
                         work_kind="case_exchange")
    assert (done.status, done.message, done.result, done.done, done.total) == \
        ("done", "fine", {"n": 3}, 3, 3)
    assert jobs.result_file(done) == b"a,b\n" and done.started_at <= done.finished_at
    refused = jobs.run_here(cast.fatima, _body(error=jobs.JobRefused("No budget left.")),
                            kind="import", title="t", work_kind="case_exchange")
    assert (refused.status, refused.message) == ("failed", "No budget left.")


def test_a_failure_is_recorded_without_the_errors_text(cast, caplog):
    """An error's message may quote a value from the data: neither the job nor the log
    repeats it; the log has the stack."""
    failed = jobs.run_here(cast.fatima, _body(error=ValueError("Adaeze Okafor")),
                           kind="import", title="t", work_kind="case_exchange")
    assert failed.status == "failed" and "ValueError" in failed.message
    assert "Adaeze" not in failed.message and "Adaeze" not in caplog.text
    assert "in body" in caplog.text  # the stack is there
    with pytest.raises(jobs.JobFailed) as raised:
        jobs.execute(str(_job(cast.fatima).pk), _body(error=ValueError("Adaeze Okafor")))
    assert "Adaeze" not in str(raised.value) and raised.value.__cause__ is None


def test_a_job_asked_to_stop_is_cancelled_between_steps(cast, monkeypatch):
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)  # read the flag at every step
    seen = []

    def body(job, progress):
        for step in range(1, 6):
            seen.append(step)
            if step == 2:
                jobs.request_cancel(cast.fatima, job)
            progress("work", step, 5)
        return jobs.Outcome("finished")

    job = jobs.run_here(cast.fatima, body, kind="import", title="t",
                        work_kind="case_exchange")
    assert job.status == "cancelled" and seen == [1, 2] and job.cancelled_by_id == \
        cast.fatima.user_id


def test_a_queued_job_cancelled_never_runs(cast):
    job = _job(cast.fatima)
    jobs.request_cancel(cast.fatima, job)
    ran = []
    jobs.execute(str(job.pk), lambda job, progress: ran.append(1))
    job.refresh_from_db()
    assert job.status == "cancelled" and not ran


def test_a_running_job_with_a_silent_heartbeat_is_interrupted(cast, browser, settings):
    settings.PALERMO_JOB_STALE_SECONDS = 60
    now = timezone.now()
    alive = _job(cast.fatima, status=Job.Status.RUNNING, heartbeat_at=now)
    dead = _job(cast.fatima, status=Job.Status.RUNNING,
                heartbeat_at=now - dt.timedelta(seconds=61))
    queued = _job(cast.fatima)
    assert jobs.is_alive(alive) and not jobs.is_alive(dead) and jobs.is_alive(queued)
    assert jobs.mark_interrupted() == 1
    assert {j.pk: j.status for j in Job.objects.all()} == {
        alive.pk: "running", dead.pk: "interrupted", queued.pk: "queued"}
    page = browser("fatima").get(reverse("web:job_list"))
    assert b"Interrupted" in page.content


def test_the_job_list_by_role(cast, browser):
    _job(cast.fatima)
    assert b"Import of cases" in browser("fatima").get(reverse("web:job_list")).content
    assert b"Import of cases" not in browser("chen").get(reverse("web:job_list")).content
    for name in ("amina", "root"):
        assert browser(name).get(reverse("web:job_list")).status_code == 403


def test_polling_the_progress_does_not_refresh_the_session(cast, browser):
    """Automatic polling is not activity: it writes no session (nor waits for a database
    an import holds)."""
    job = _job(cast.fatima, status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    client = browser("fatima")
    url = reverse("web:job_detail", args=[job.pk])
    polled = client.get(url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and b'hx-trigger="every 2s"' in polled.content
    assert "sessionid" not in polled.cookies
    page = client.get(url)  # the page itself, opened by the user, is activity
    assert "sessionid" in page.cookies and b'http-equiv="refresh"' in page.content
    assert "sessionid" not in client.get(url + "?refresh=1").cookies


def test_api_job_endpoints(cast, api_client):
    job = _job(cast.fatima, status=Job.Status.DONE, result={"rows": 3},
               result_file="YSxiCg==", result_name="r.csv", result_type="text/csv")
    body = api_client("fatima").get(f"/api/jobs/{job.pk}").json()
    assert body["status"] == "done" and body["result"] == {"rows": 3}
    assert api_client("fatima").get(body["result_file"]).content == b"a,b\n"
    assert api_client("chen").get(f"/api/jobs/{job.pk}").status_code == 404
    assert api_client("amina").get(f"/api/jobs/{job.pk}").status_code == 403
    running = _job(cast.fatima, status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    assert api_client("chen").post(f"/api/jobs/{running.pk}/cancel").status_code == 404
    cancelled = api_client("fatima").post(f"/api/jobs/{running.pk}/cancel").json()
    assert cancelled["cancel_requested"] is True


def test_the_report_of_all_tables_is_a_job_for_its_reader(cast, browser):
    """A supervisor's report holds her organisation's real counts: her M&E officer, who
    sees protected counts only, cannot open it; a donor's is the donor's."""
    made = browser("fatima").get("/reports/print/", follow=True)
    job = Job.objects.get(kind="statistics_report")
    assert made.redirect_chain[-1][0] == reverse("web:job_detail", args=[job.pk])
    assert (job.work_kind, job.work_action, job.status) == ("statistics", "view", "done")
    result = reverse("web:job_result", args=[job.pk])
    opened = browser("fatima").get(result)
    assert opened.status_code == 200 and b"@media print" in opened.content
    assert opened["Content-Disposition"].startswith("inline")
    assert browser("emre").get(result).status_code == 404
    assert browser("dana").get(result).status_code == 404
    assert browser("amina").get("/reports/print/").status_code == 403
