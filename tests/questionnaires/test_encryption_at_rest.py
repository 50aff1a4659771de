"""Answers are encrypted at rest: the raw rows of responses and of corrected answers hold
no answer, old or new, and no reason in plaintext."""

from __future__ import annotations

from django.db import connection

from palermo.questionnaires import services
from palermo.questionnaires.models import AnswerChange, Submission
from tests.questionnaires.forms import xlsform

FORM = xlsform([["type", "name", "label"], ["text", "name", "Your name"],
                ["text", "phone", "Phone"]], None,
               [["form_id", "palermo_kind"], ["contact_sheet", "survey"]])


def raw_rows(model) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_raw_rows_hold_no_answer_in_plaintext(cast):
    version = services.publish(cast.emre, services.upload(cast.emre, FORM, "c.xlsx"))
    response = services.submit(cast.amina, services.start(cast.amina, version, source="web"),
                               {"name": "Adaeze Okafor", "phone": "+2348031234567"})
    services.change_answer(cast.fatima, response, "name", "Adaeze N. Okafor",
                           "Second name given at the follow-up visit")
    secrets_ = ("Adaeze", "Okafor", "2348031234567", "follow-up visit")
    rows = raw_rows(Submission) + raw_rows(AnswerChange)
    assert len(rows) == 2
    for row in rows:
        for column, value in row.items():
            text = value.decode(errors="ignore") if isinstance(value, bytes) else str(value)
            assert not any(s in text for s in secrets_), column
    # … and the application reads them back
    assert Submission.objects.get().answers["name"] == "Adaeze N. Okafor"
    change = AnswerChange.objects.get()
    assert (change.old_value, change.new_value) == ("Adaeze Okafor", "Adaeze N. Okafor")
