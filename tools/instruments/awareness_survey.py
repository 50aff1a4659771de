"""Awareness survey, baseline and follow-up: what a target group knows of the risks of
trafficking and safe migration, and where they heard it (000 Rec. 9–12: measure the effect
of information campaigns with a baseline and a follow-up; Rec. 12: ask which sources reached
whom). One form for both rounds so results compare rounds (group by ``round``)."""

from tools.instruments.dsl import flat, group, q

FORM = {
    "form_id": "awareness_survey",
    "form_title": "Awareness of trafficking risks (baseline and follow-up)",
    "version": "2025.1",
    "palermo_kind": "survey",
    "description": "Knowledge of the risks of trafficking and of safe migration in a target "
                   "group, before (baseline) and after (follow-up) a campaign; sources of "
                   "information; exposure to the campaign.",
    "sources": "000 Rec. 9–12 (baseline and follow-up of awareness campaigns, sources of "
               "knowledge); Annex B II.N.3 L286 (pre- and post-tests of information "
               "campaigns); awareness sources as in palermo/cases/models/case.py.",
}

SURVEY = flat(
    group("respondent", "About you", [
        q("select_one round", "round", "Survey round", required=True),
        q("select_one age_band", "age_band", "Your age", required=True),
        q("select_one sex", "sex", "You are"),
        q("select_one yes_no", "plans_to_migrate",
          "Are you planning to go abroad for work in the next 12 months?"),
    ]),
    group("knowledge", "What you know", [
        q("select_one yes_no_unsure", "heard_of_trafficking",
          "Have you heard of human trafficking?", required=True),
        q("select_multiple risk", "known_risks", "Which of these can happen to people who "
                                                 "migrate for work through unknown brokers?",
          relevant="${heard_of_trafficking} = 'yes'"),
        q("select_multiple source", "sources", "Where did you hear about these risks?",
          relevant="${heard_of_trafficking} = 'yes'"),
        q("select_one yes_no_unsure", "knows_safe_migration",
          "Do you know how to check whether a job offer abroad is genuine?"),
        q("select_one yes_no_unsure", "knows_hotline",
          "Do you know a number to call for help if you are deceived or exploited?"),
    ]),
    group("campaign", "The campaign", [
        q("select_one yes_no_unsure", "saw_campaign",
          "Have you seen or heard the campaign materials?"),
        q("select_multiple channel", "campaign_channel", "Where?",
          relevant="${saw_campaign} = 'yes'"),
        q("select_one useful", "campaign_useful", "How useful was it to you?",
          relevant="${saw_campaign} = 'yes'"),
    ], relevant="${round} = 'followup'"),
)

CHOICES = {
    "round": [("baseline", "Baseline (before the campaign)"),
              ("followup", "Follow-up (after the campaign)")],
    "age_band": [("15_19", "15–19"), ("20_24", "20–24"), ("25_34", "25–34"),
                 ("35_49", "35–49"), ("50_plus", "50 or older")],
    "sex": [("female", "Female"), ("male", "Male"), ("other", "Other / prefer not to say")],
    "yes_no": [("yes", "Yes"), ("no", "No")],
    "yes_no_unsure": [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
    "risk": [("documents_taken", "Passport or documents taken away"),
             ("debt", "Debts that can never be paid off"),
             ("unpaid", "Not being paid"), ("locked_in", "Not being allowed to leave"),
             ("forced_sex", "Being forced into prostitution"),
             ("violence", "Violence or threats"), ("none", "None of these")],
    "source": [("campaign", "Information campaign"), ("school", "School"),
               ("media", "Radio, TV or newspaper"), ("social_media", "Social media"),
               ("family", "Family"), ("friends", "Friends or neighbours"),
               ("ngo", "NGO or community worker"), ("religious", "Religious leader"),
               ("returnee", "A returned migrant"), ("other", "Other")],
    "channel": [("poster", "Poster or leaflet"), ("radio", "Radio"), ("tv", "Television"),
                ("social_media", "Social media"), ("event", "Community event"),
                ("school", "School session")],
    "useful": [("very", "Very useful"), ("somewhat", "Somewhat useful"),
               ("not", "Not useful")],
}
