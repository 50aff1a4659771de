"""Readable definitions of the XLSForm instruments shipped with Palermo.

Each module of this package defines one instrument as plain Python data: ``FORM`` (the
settings sheet and a description for ATTRIBUTION.md), ``SURVEY`` (rows of the survey sheet)
and ``CHOICES`` (list name → choices). ``tools/build_instruments.py`` writes them to
``palermo/questionnaires/instruments/<form_id>.xlsx``.

Rows are written with the small helpers in :mod:`tools.instruments.dsl`; the column names are
those of the XLSForm standard (xlsform.org) plus Palermo's ``palermo_field`` (binds an answer
to a typed field) and ``sensitive`` (offers "declined to answer").
"""

MODULES = [
    # the screening interview first: the browser test fills it
    "screening_interview",
    "assistance_interview",
    "followup_interview",
    "satisfaction_feedback",
    "awareness_survey",
    "knowledge_test",
    "staff_survey",
    "document_review",
]
