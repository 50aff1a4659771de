"""Follow-up / outcome interview after return or closure (000 Rec. 16 and 26: outcomes, not
only outputs; CTM area 3 includes re-trafficking). Answers bind to the typed fields of a
follow-up (palermo/cases/models/followup.py) with the same codes."""

from tools.instruments.dsl import flat, group, note, q

FORM = {
    "form_id": "followup_interview",
    "form_title": "Follow-up interview",
    "version": "2025.1",
    "palermo_kind": "interview",
    "description": "Outcome interview 3, 6 or 12 months after return or closure: living "
                   "situation, income and employment, health, safety, re-trafficking.",
    "sources": "000 Rec. 16 and 26 (outcome and follow-up information), L240 (CTM area 3, "
               "re-trafficking); palermo/cases/models/followup.py (codes).",
}

REFUSALS = [("Unknown", "Unknown")]

SURVEY = flat(
    group("contact", "Contact", [
        q("select_one reached", "reached", "Could the person be reached?", required=True),
        note("not_reached", "Record the attempt and close the interview.",
             relevant="${reached} != 'yes'"),
    ]),
    group("outcomes", "How the person is doing", [
        q("select_one living", "living_situation", "Where does the person live now?",
          required=True, palermo_field="followup.living_situation"),
        q("select_one income", "income", "Main source of income",
          palermo_field="followup.income"),
        q("decimal", "monthly_income", "Approximate monthly income (local currency)",
          relevant="${income} = 'employed' or ${income} = 'self_employed'",
          constraint=". >= 0", constraint_message="Enter an amount of zero or more.",
          sensitive=True),
        q("select_one health", "health", "How would the person describe their health?",
          palermo_field="followup.health"),
        q("select_one yn", "needs_care", "Does the person need medical or psychological care "
                                         "they are not getting?", relevant="${health} = 'poor'"),
        q("select_one safety", "safety", "Does the person feel safe?",
          palermo_field="followup.safety", sensitive=True),
        q("text", "threat_details", "What happened?", relevant="${safety} = 'threatened'",
          appearance="multiline", sensitive=True),
        q("select_one yn", "retrafficked", "Has the person been trafficked again since the "
                                           "last contact?",
          palermo_field="followup.retrafficked", sensitive=True),
        note("retrafficked_note", "Open a new screening with the person's consent.",
             relevant="${retrafficked} = 'yes'"),
        q("text", "notes", "Notes", appearance="multiline", palermo_field="followup.notes"),
    ], relevant="${reached} = 'yes'"),
)

CHOICES = {
    "reached": [("yes", "Yes"), ("unreachable", "Could not be reached"),
                ("declined", "Declined the follow-up")],
    "living": [("own_home", "Own or rented home"), ("family", "With family"),
               ("shelter", "Shelter or supported housing"),
               ("unstable", "Unstable or homeless"), ("migrated_again", "Migrated again"),
               *REFUSALS],
    "income": [("employed", "Employed"), ("self_employed", "Self-employed / own business"),
               ("training", "In education or training"), ("no_income", "No income"),
               ("support", "Living on support or grants"), *REFUSALS],
    "health": [("good", "Good"), ("fair", "Fair"), ("poor", "Poor"), *REFUSALS],
    "safety": [("safe", "Feels safe"), ("at_risk", "At risk"),
               ("threatened", "Threatened or harassed by traffickers"), *REFUSALS],
    "yn": [("yes", "Yes"), ("no", "No"), *REFUSALS],
}
