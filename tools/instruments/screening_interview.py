"""Screening interview: does the person's account show the three elements of trafficking?

Follows the CTM screening interview form (000 L240: "collects data used to assess whether an
individual is a victim of trafficking and eligible for assistance") and the Palermo Protocol,
art. 3: an act, by a means, for the purpose of exploitation; for a child (under 18) act and
purpose suffice. Each indicator question is bound to ``screening.<indicator>``, the names of
``palermo/cases/eligibility.py`` INDICATORS, so the answers feed ``screening_recommendation``.
"""

from tools.instruments.dsl import YES_NO, YES_NO_UNKNOWN, flat, group, htcds, note, q

FORM = {
    "form_id": "screening_interview",
    "form_title": "Screening interview",
    "version": "2025.1",
    "palermo_kind": "interview",
    "description": "Screens a person against the Palermo definition (act, means, purpose); "
                   "its answers feed the screening recommendation of the case.",
    "sources": "000 L240 (CTM screening interview form); Palermo Protocol art. 3; "
               "palermo/cases/eligibility.py (indicator names); HTCDS 2.0 picklists "
               "(recruitment method, forced labour industry, sexual exploitation type).",
}

ADULT = "${age} = '' or ${age} >= 18"


def indicator(name: str, label: str, hint: str = "", **columns):
    """One yes / no / don't know indicator bound to the screening."""
    return q("select_one yn", name, label, hint=hint, required=True, sensitive=True,
             palermo_field=f"screening.{name}", **columns)


def details(name: str, label: str, about: str, **columns):
    """Free-text details asked only when the indicator *about* is yes."""
    return q("text", name, label, relevant=f"${{{about}}} = 'yes'", sensitive=True,
             appearance="multiline", **columns)


SURVEY = flat(
    group("start", "Before we start", [
        note("intro", "Explain who you are, why you ask these questions, that every question "
                      "may be left unanswered, and how the answers are kept confidential."),
        q("select_one yes_no", "consent", "Does the person agree to the screening interview?",
          required=True),
        note("no_consent", "Stop here. Offer information and a referral without screening.",
             relevant="${consent} = 'no'"),
    ]),
    group("about", "About the person", [
        q("integer", "age", "How old was the person when the events began?",
          hint="Years. Leave empty if unknown.", sensitive=True, palermo_field="screening.age",
          constraint=". >= 0 and . <= 110", constraint_message="Enter an age in years (0–110)."),
        note("child_note", "The person was under 18: act and purpose suffice, the means "
                           "questions are skipped.",
             relevant="${age} != '' and ${age} < 18"),
    ], relevant="${consent} = 'yes'"),
    group("act", "The act: how the person came into the situation", [
        indicator("recruitment", "Was the person recruited — offered a job, travel, study or "
                                 "marriage — by someone who later controlled them?"),
        q("select_multiple recruitment_method", "recruitment_method", "How were they recruited?",
          relevant="${recruitment} = 'yes'", palermo_field="case.recruitment_methods"),
        indicator("transportation", "Was the person moved or taken somewhere by the people "
                                    "who controlled them (within the country or abroad)?"),
        q("select_one transport_scope", "transport_scope", "Where were they taken?",
          relevant="${transportation} = 'yes'"),
        indicator("transfer", "Was the person handed over or sold from one person or group "
                              "to another?"),
        indicator("harbouring", "Was the person kept or hidden in a place they could not "
                                "leave freely?"),
        indicator("receipt", "Was the person received at a destination by people who then "
                             "controlled them?"),
        details("act_details", "Describe the recruitment, journey and arrival in the "
                               "person's words", "recruitment"),
    ], relevant="${consent} = 'yes'"),
    group("means", "The means: how the person was controlled", [
        indicator("threat", "Was the person, or their family, threatened?"),
        indicator("force", "Was force or violence used against the person?"),
        details("force_details", "What happened? (Note injuries that need care.)", "force"),
        indicator("coercion", "Was the person made to do things through pressure they could "
                              "not resist (e.g. debts, confiscated documents)?"),
        q("select_multiple control", "control", "Which forms of control were used?",
          relevant="${coercion} = 'yes' or ${threat} = 'yes' or ${force} = 'yes'",
          palermo_field="case.means_of_control", sensitive=True),
        indicator("abduction", "Was the person abducted or kidnapped?"),
        indicator("fraud", "Was the person lied to about the work, pay or conditions?"),
        indicator("deception", "Was the person deceived in another way (false documents, "
                               "false promises of marriage or travel)?"),
        indicator("abuse_of_power", "Did someone with power over the person (employer, "
                                    "official, relative) abuse it?"),
        indicator("abuse_of_vulnerability", "Did someone take advantage of the person's "
                                            "situation (poverty, irregular status, illness, "
                                            "addiction, age)?"),
        indicator("payments", "Was money or another benefit given to someone who had control "
                              "over the person (e.g. a parent or guardian)?"),
    ], relevant=f"${{consent}} = 'yes' and ({ADULT})"),
    group("purpose", "The purpose: exploitation", [
        indicator("sexual_exploitation", "Was the person made to provide sexual services or "
                                         "take part in pornography?"),
        q("select_multiple sex_type", "sexual_exploitation_type",
          "What kind of sexual exploitation?", relevant="${sexual_exploitation} = 'yes'",
          palermo_field="case.sexual_exploitation_types", sensitive=True),
        indicator("forced_labour", "Was the person made to work against their will or for "
                                   "pay they were never given?"),
        q("select_multiple industry", "forced_labour_industry", "In which industry?",
          relevant="${forced_labour} = 'yes'", palermo_field="case.forced_labour_industries"),
        indicator("slavery", "Was the person treated as someone's property (bought, sold, "
                             "unable to leave)?"),
        indicator("servitude", "Was the person made to live and work for someone with no "
                               "way out (e.g. domestic servitude)?"),
        indicator("organ_removal", "Was an organ removed, or was the person pressed to "
                                   "give one?"),
        indicator("forced_begging", "Was the person made to beg?"),
        indicator("forced_marriage", "Was the person married, or promised in marriage, "
                                     "against their will?"),
        indicator("criminal_activities", "Was the person made to commit crimes (e.g. theft, "
                                         "drug trafficking)?"),
        q("integer", "exploitation_months", "For how many months did the exploitation last?",
          constraint=". >= 0 and . <= 600", constraint_message="Enter a number of months.",
          palermo_field="case.exploitation_months"),
    ], relevant="${consent} = 'yes'"),
    group("close", "Closing", [
        q("select_one yn", "immediate_danger", "Is the person in immediate danger now?",
          required=True, relevant="${consent} = 'yes'"),
        note("danger_note", "Follow the safety protocol before continuing.",
             relevant="${immediate_danger} = 'yes'"),
        q("text", "interviewer_notes", "Interviewer's observations", appearance="multiline"),
    ]),
)

CHOICES = {
    "yn": YES_NO_UNKNOWN,
    "yes_no": YES_NO,
    "recruitment_method": htcds("vic_MethodOfRecruitment"),
    "control": htcds("vic_MethodsOfControl"),
    "sex_type": htcds("vic_TypeOfSexExploitation"),
    "industry": htcds("vic_ForcedLabourIndustry"),
    "transport_scope": [("in_country", "Within the country"),
                        ("abroad", "To another country"), ("unknown", "Don't know")],
}
