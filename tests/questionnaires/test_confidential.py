"""Confidential surveys: invitations with hashed tokens, anonymous responses that nothing
links to a person or an invitation, the response rate, and who may manage invitations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from palermo.questionnaires import confidential, services
from palermo.questionnaires.loader import load_xlsform
from palermo.questionnaires.models import Invitation, Submission

INSTRUMENTS = Path(__file__).resolve().parents[2] / "palermo" / "questionnaires" / "instruments"
DAY = dt.date(2025, 3, 14)
STAFF_ANSWERS = {"a2_position": "coordinator", "b9_coordinates": "yes", "f1_age": "35_44",
                 "f3_region": "west_africa"}


def publish(form_id: str):
    """Publish a shipped instrument as a shared form; returns the version."""
    path = INSTRUMENTS / f"{form_id}.xlsx"
    data = path.read_bytes()
    version = services.store_version(load_xlsform(data, path.name), data, path.name,
                                     organisation=None)
    return services.publish_from_command_line(version)


@pytest.fixture
def staff_survey(db):
    return publish("staff_survey")


def _users(*memberships):
    return [m.user for m in memberships]


def test_invitations_store_only_a_digest_of_each_token(cast, staff_survey):
    issued = confidential.invite(cast.emre, staff_survey.form, _users(cast.amina, cast.fatima),
                                 today=DAY)
    assert len(issued) == 2
    for item in issued:
        stored = Invitation.objects.get(pk=item.invitation.pk)
        assert stored.token_digest == confidential.digest(item.token) != item.token
        assert len(stored.token_digest) == 64 and stored.sent_on == DAY
    again = confidential.invite(cast.emre, staff_survey.form, _users(cast.amina), today=DAY)
    assert again == []  # already invited: no second token


def test_only_supervisors_and_me_officers_invite_members_of_their_organisation(
        cast, staff_survey):
    for who in ("amina", "boris", "chen", "dana"):
        with pytest.raises(PermissionDenied):
            confidential.invite(cast.membership(who), staff_survey.form, _users(cast.amina))
    with pytest.raises(ValidationError, match="boris"):
        confidential.invite(cast.fatima, staff_survey.form, _users(cast.amina, cast.boris))
    assert not Invitation.objects.exists()  # nothing half-written


def test_a_response_through_a_token_links_to_nobody(cast, staff_survey):
    issued = confidential.invite(cast.emre, staff_survey.form,
                                 _users(cast.amina, cast.fatima, cast.emre), today=DAY)
    token = issued[0].token
    response = confidential.respond(token, STAFF_ANSWERS, today=DAY + dt.timedelta(days=3))
    assert Invitation.objects.filter(responded=True).count() == 1
    assert response.answers["b9_coordinates"] == "yes"

    secrets_ = {token, confidential.digest(token)}
    user_ids = {m.user_id for m in (cast.amina, cast.fatima, cast.emre)}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Submission._meta.db_table}")
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    assert len(rows) == 1
    row = rows[0]
    assert row["author_id"] is None and row["external_id"] == "" and row["updated_at"] is None
    assert str(row["started_on"]) == str(row["submitted_on"]) == "2025-03-17"
    assert not any(isinstance(v, str) and any(s in v for s in secrets_) for v in row.values())
    assert not [c for c in columns if "invit" in c or "token" in c or "ip" == c]
    for column, value in row.items():  # no time finer than the day
        assert not isinstance(value, dt.datetime), column
        assert not (isinstance(value, str) and len(value) > 10 and value[:4] == "2025"
                    and value[10:11] in ("T", " ")), column

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Invitation._meta.db_table}")
        columns = [c[0] for c in cursor.description]
        invitation_rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    assert set(columns) == {"id", "form_id", "organisation_id", "invitee_id", "token_digest",
                            "sent_on", "responded"}
    assert {r["invitee_id"] for r in invitation_rows} == user_ids
    assert all(str(r["sent_on"]) == "2025-03-14" for r in invitation_rows)

    # neither model names the other, and neither keeps a history table
    for model, other in ((Submission, Invitation), (Invitation, Submission)):
        assert not [f for f in model._meta.get_fields()
                    if getattr(f, "related_model", None) is other]
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "historical" in t and ("submission" in t or "invitation"
                                                           in t)]


def test_a_token_answers_once_and_bad_answers_are_refused(cast, staff_survey):
    token = confidential.invite(cast.emre, staff_survey.form, _users(cast.amina))[0].token
    with pytest.raises(services.AnswersRefused) as refused:
        confidential.respond(token, {"b10_strengths": "x" * 300})
    assert "b10_strengths" in refused.value.problems
    assert not Invitation.objects.filter(responded=True).exists()
    assert not Submission.objects.exists()
    confidential.respond(token, STAFF_ANSWERS)
    with pytest.raises(confidential.InvitationRefused):
        confidential.respond(token, STAFF_ANSWERS)
    with pytest.raises(confidential.InvitationRefused):
        confidential.respond("not-a-token", STAFF_ANSWERS)
    assert Submission.objects.count() == 1


def test_response_rate_counts_invited_and_responded(cast, staff_survey):
    issued = confidential.invite(cast.emre, staff_survey.form,
                                 _users(cast.amina, cast.fatima, cast.emre))
    assert confidential.response_rate(cast.emre, staff_survey.form).rate == 0
    confidential.respond(issued[1].token, STAFF_ANSWERS)
    rate = confidential.response_rate(cast.fatima, staff_survey.form)
    assert (rate.invited, rate.responded) == (3, 1)
    assert rate.rate == pytest.approx(1 / 3)
    with pytest.raises(PermissionDenied):
        confidential.response_rate(cast.amina, staff_survey.form)


def test_a_signed_in_member_answering_marks_their_invitation(cast, staff_survey):
    confidential.invite(cast.emre, staff_survey.form, _users(cast.amina, cast.fatima))
    draft = services.start(cast.amina, staff_survey, source="web")
    done = services.submit(cast.amina, draft, STAFF_ANSWERS, today=DAY)
    assert done.author_id is None and done.updated_at is None
    assert list(Invitation.objects.filter(responded=True).values_list(
        "invitee__username", flat=True)) == ["amina"]
