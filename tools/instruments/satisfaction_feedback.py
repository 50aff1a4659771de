"""Satisfaction feedback: the person's own view of the assistance (000 Rec. 16, 26: "staff and
participant satisfaction" is one of the evaluation data of Annex B II.N.4). A survey, so its
results are shown only as counts with small groups hidden; the scale has the codes of
palermo/cases/models/followup.py SATISFACTION."""

from tools.instruments.dsl import flat, group, q

FORM = {
    "form_id": "satisfaction_feedback",
    "form_title": "Satisfaction with the assistance",
    "version": "2025.1",
    "palermo_kind": "survey",
    "description": "Anonymous feedback of assisted persons (or trainees) on each kind of "
                   "service, with an overall rating and comments.",
    "sources": "000 Rec. 16 and 26; Annex B II.N.4 (staff and participant satisfaction) "
               "L288; palermo/cases/models/followup.py (scale codes).",
}

SCALE = [("5", "Very satisfied"), ("4", "Satisfied"), ("3", "Neither"),
         ("2", "Dissatisfied"), ("1", "Very dissatisfied")]


def rating(name: str, label: str):
    return q("select_one scale", f"rating_{name}", f"How satisfied were you with {label}?",
             relevant=f"selected(${{services_received}}, '{name}')")


# (code, choice label, as said in the rating question)
SERVICES = [("shelter", "Shelter", "the shelter"), ("medical", "Medical care", "medical care"),
            ("psychosocial", "Counselling", "counselling and psycho-social support"),
            ("legal_aid", "Legal aid", "legal aid"),
            ("return", "Return journey", "the return journey"),
            ("reintegration", "Reintegration support",
             "reintegration support (training, grant, job)")]

SURVEY = flat(
    group("received", "What you received", [
        q("select_one respondent", "respondent_type", "You are", required=True),
        q("select_multiple service", "services_received", "Which help did you receive?",
          required=True),
    ]),
    group("ratings", "Your view", [rating(n, said) for n, _, said in SERVICES]),
    group("overall_view", "Overall", [
        q("select_one scale", "overall", "Overall, how satisfied are you with the help you "
                                         "received?", required=True),
        q("select_one yes_no_unsure", "treated_with_respect",
          "Were you treated with respect?"),
        q("select_one yes_no_unsure", "recommend", "Would you recommend this help to someone "
                                                   "in your situation?"),
        q("text", "improve", "What should we do better?", appearance="multiline"),
    ]),
)

CHOICES = {
    "respondent": [("assisted", "A person we assisted"), ("trainee", "A trainee"),
                   ("participant", "A programme participant")],
    "service": [*((n, label) for n, label, _ in SERVICES), ("other", "Other help")],
    "scale": SCALE,
    "yes_no_unsure": [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
}
