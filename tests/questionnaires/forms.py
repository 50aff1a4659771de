"""XLSForm workbooks built in memory for the questionnaire tests."""

from __future__ import annotations

import io

from openpyxl import Workbook


def xlsform(survey: list[list], choices: list[list] | None = None,
            settings: list[list] | None = None) -> bytes:
    """An .xlsx file with the given sheets; each sheet's first row is its header."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


SURVEY_HEADER = ["type", "name", "label::English (en)", "label::French (fr)", "hint",
                 "required", "relevant", "constraint", "constraint_message", "sensitive",
                 "palermo_field", "calculation", "choice_filter"]


def row(type_, name, en="", fr="", hint="", required="", relevant="", constraint="",
        constraint_message="", sensitive="", palermo_field="", calculation="",
        choice_filter=""):
    return [type_, name, en, fr, hint, required, relevant, constraint, constraint_message,
            sensitive, palermo_field, calculation, choice_filter]


# A small interview with branching, a group, a repeat, a sensitive question and bindings.
BRANCHING = xlsform(
    [SURVEY_HEADER,
     row("integer", "age", "Age when it happened", "Âge", "In years", "yes",
         constraint=". >= 0 and . <= 110", constraint_message="Enter an age in years",
         palermo_field="case.age_at_exploitation"),
     row("select_one yes_no", "recruited", "Were you recruited?", "Recruté ?",
         required="yes", palermo_field="screening.recruitment"),
     row("begin group", "recruitment", "Recruitment", "Recrutement",
         relevant="${recruited} = 'yes'"),
     row("select_multiple means or_other", "means", "How were you controlled?",
         "Comment ?", required="yes", palermo_field="case.means_of_control"),
     row("text", "recruiter", "Who recruited you?", "Qui ?", sensitive="yes"),
     row("end group", ""),
     row("begin repeat", "children", "Children", "Enfants"),
     row("text", "child_name", "Name", "Nom", required="yes"),
     row("end repeat", ""),
     row("calculate", "adult", calculation="if(${age} >= 18, 'adult', 'child')"),
     row("note", "summary", "You were ${adult} then.", "Vous étiez ${adult}."),
     ],
    [["list_name", "name", "label::English (en)", "label::French (fr)"],
     ["yes_no", "yes", "Yes", "Oui"], ["yes_no", "no", "No", "Non"],
     ["means", "DebtBondage", "Debt", "Dette"],
     ["means", "WithholdsDocuments", "Documents kept", "Documents"]],
    [["form_id", "title", "version"], ["branching", "Branching interview", "1"]],
)
