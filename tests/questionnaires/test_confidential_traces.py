"""Traces a confidential response must not leave: the order in which invitations were
answered, the respondent's language, audit rows, history rows, log lines and messages that
could tie the response or the invitation token to a person or a time."""

from __future__ import annotations

import logging

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palermo.core.models import AccessLog
from palermo.questionnaires import confidential
from palermo.questionnaires.models import Invitation, Submission
from tests.questionnaires.test_confidential import STAFF_ANSWERS, publish


@pytest.fixture
def staff_survey(db):
    return publish("staff_survey")


def _invitation_writes(queries) -> list[str]:
    table = Invitation._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]


def test_answering_rewrites_every_invitation_of_the_form(cast, staff_survey):
    members = [cast.amina, cast.fatima, cast.emre]
    issued = confidential.invite(cast.emre, staff_survey.form, [m.user for m in members])
    other = publish("awareness_survey")
    confidential.invite(cast.emre, other.form, [cast.amina.user])
    with CaptureQueriesContext(connection) as queries:
        confidential.respond(issued[2].token, STAFF_ANSWERS)  # the last one invited
    [update] = _invitation_writes(queries.captured_queries)
    # one statement over the form's invitations, not a WHERE naming the respondent's row
    assert '"invitee_id" =' not in update.split("WHERE", 1)[1]
    assert list(Invitation.objects.filter(responded=True).values_list(
        "invitee__username", flat=True)) == ["emre"]
    assert Invitation.objects.filter(form=other.form, responded=False).count() == 1

    if connection.vendor == "postgresql":
        # All three rows were written by the same transaction and stay in the order they
        # were invited: neither xmin nor the physical order points at emre's.
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT xmin::text, id FROM "{Invitation._meta.db_table}" '
                           "WHERE form_id = %s ORDER BY ctid", [staff_survey.form_id])
            rows = cursor.fetchall()
        assert len({xmin for xmin, _id in rows}) == 1
        assert [pk for _xmin, pk in rows] == sorted(pk for _xmin, pk in rows)


def test_a_signed_in_confidential_response_leaves_no_trace(cast, staff_survey, browser,
                                                          caplog):
    confidential.invite(cast.emre, staff_survey.form, [cast.amina.user])
    amina = browser("amina")
    url = reverse("web:form_respond", args=[staff_survey.pk])
    logs_before = AccessLog.objects.count()
    with caplog.at_level(logging.DEBUG), CaptureQueriesContext(connection) as queries:
        done = amina.post(url, {**STAFF_ANSWERS, "lang": "Russian (ru)",
                                "_action": "submit"})
    assert done.status_code == 302
    stored = Submission.objects.get()
    assert stored.author_id is None and stored.updated_at is None
    assert stored.language == ""  # a rare language would single a respondent out
    assert AccessLog.objects.count() == logs_before
    assert _invitation_writes(queries.captured_queries)  # the invitation was marked
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "historical" in t and "submission" in t]
    texts = [str(m) for m in get_messages(done.wsgi_request)]
    assert texts and not any(str(stored.pk) in t for t in texts)
    assert "amina" not in caplog.text and "coordinator" not in caplog.text


def test_the_invitation_token_never_reaches_a_logged_url(cast, staff_survey, caplog):
    token = confidential.invite(cast.emre, staff_survey.form, [cast.amina.user])[0].token
    respondent = Client()
    with caplog.at_level(logging.DEBUG):
        opened = respondent.get(reverse("web:invitation_respond", args=[token]))
        assert opened.status_code == 302  # not logged by Django: no status >= 400
        bad = respondent.post(opened["Location"], {"b10_strengths": "x" * 300,
                                                   "_action": "submit"})
        assert bad.status_code == 422  # logged as a warning, with the URL …
        done = respondent.post(opened["Location"], {**STAFF_ANSWERS, "_action": "submit"})
        assert "Thank you" in done.content.decode()
        again = respondent.get(opened["Location"])
        assert again.status_code == 410
    assert token not in opened["Location"]
    assert [r for r in caplog.records if r.name == "django.request"]  # the 422 and 410
    assert token not in caplog.text  # … which does not hold the token
    assert "palermo_invitation" not in respondent.session  # dropped once answered


def test_an_odk_import_of_a_confidential_survey_keeps_no_instance_or_submitter(
        cast, staff_survey):
    from palermo.questionnaires import odk_import

    header = ["SubmissionDate", *STAFF_ANSWERS, "meta-instanceID", "KEY", "SubmitterID",
              "SubmitterName"]
    line = ["2025-04-02T09:15:42.123Z", *STAFF_ANSWERS.values(), "uuid:secret-1",
            "uuid:secret-1", "17", "Enumerator Grace"]
    data = "\n".join(",".join(row) for row in (header, line)).encode()
    report = odk_import.import_submissions(cast.emre, staff_survey.form, data, fmt="odk")
    assert report.imported == 1, report.lines()
    [row] = [r for r in _raw(Submission)]
    assert row["external_id"] == "" and row["author_id"] is None
    assert row["updated_at"] is None and str(row["submitted_on"]) == "2025-04-02"
    assert not any("secret-1" in str(v) or "Grace" in str(v) for v in row.values())


def _raw(model) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
