"""Staff survey (Annex C of 000, L298–348): IOM and partner-organisation staff on their
counter-trafficking work, IOM's role, the definitions used, the trafficking situation,
institutional learning and personal characteristics — sections A–F, with the printed skip
instructions as ``relevant`` expressions. Confidential: responses carry no user, no IP and
only the day; results are aggregates with no group under 5 shown. A Russian label column is
ready for translators (the original was fielded in English and Russian)."""

from tools.instruments.dsl import flat, group, note, numbered, q

FORM = {
    "form_id": "staff_survey",
    "form_title": "Staff survey on counter-trafficking work",
    "version": "2025.1",
    "palermo_kind": "survey",
    "palermo_confidential": True,
    "palermo_threshold": 5,
    "languages": ["ru"],
    "description": "Annex C staff survey, sections A–F (current work, IOM and "
                   "counter-trafficking, framing the agenda, counter-trafficking situation, "
                   "institutional learning, personal characteristics). Confidential.",
    "sources": "000 Annex C L298–348.",
}

LIMIT = {"constraint": "string-length(.) <= 250",
         "constraint_message": "250 characters at most."}


def comment(name: str, label: str, **columns):
    return q("text", name, label, appearance="multiline", **LIMIT, **columns)


def specify(about: str):
    """The "Other (please specify)" text, asked when *about* has the choice "other"."""
    return comment(f"{about}_other", "Other: please specify",
                   relevant=f"selected(${{{about}}}, 'other')")


def matrix(prefix: str, title: str, list_name: str, items: list[str], *,
           multiple: bool = False, **columns):
    """A printed grid: one question per row, all with the same scale, on one screen."""
    kind = "select_multiple" if multiple else "select_one"
    return group(prefix, title, [
        q(f"{kind} {list_name}", f"{prefix}_{code}", f"{code}. {label}")
        for code, label in numbered(items)], appearance="field-list", **columns)


def any_of(names: list[str], values: tuple[str, ...]) -> str:
    return " or ".join(f"${{{n}}} = '{v}'" for n in names for v in values)


A7_ITEMS = [
    "Informational campaigns targeted to groups vulnerable to trafficking (prevention focused)",
    "Informational campaigns targeted to victims, consumers of victim services, potential "
    "whistle blowers (assistance focused)",
    "Other prevention programmes (skills building, migration resource centres, alternatives "
    "to migration)",
    "Research on human trafficking", "Identification of victims of human trafficking",
    "Case management for victims of human trafficking",
    "Direct services to victims (counselling, medical, legal advice, skills building)",
    "Legal advice, representation and other legal services to victims",
    "Return and reintegration programmes or projects",
    "Training of professional staff (lawyers, judges, border guards, police)",
    "Technical assistance to counter-trafficking programmes/projects",
    "Technical cooperation or network building among local partners",
    "Regional/cross-border cooperation or network building among international partners",
    "Evaluation of counter-trafficking programmes or projects",
]
A10_ITEMS = [
    "How to develop and manage programmes that align with local and/or regional needs",
    "How to design/plan/implement/manage informational campaigns",
    "How to design/plan/implement/manage other prevention programmes",
    "How to conduct research on human trafficking", "How to define victims of trafficking",
    "How to identify victims of trafficking", "How to conduct case management for victims",
    "How to provide other direct services to victims", "How to investigate the crime",
    "How to provide training to technical staff", "How to provide technical assistance",
    "How to build networks among local staff/organisations",
    "How to build networks among cross-border/regional staff/organisations",
    "How to evaluate counter-trafficking programmes and/or projects",
]
A13_ITEMS = [
    "Web-based definitions of and updates on trafficking in your country or region",
    "Web-based information on designing and implementing effective projects",
    "Face-to-face training from IOM or other international staff",
    "Additional oversight and input from on-site staff",
    "Peer-to-peer exchanges with other staff", "Information/training on evaluation",
    "Information from other institutions or organisations",
    "Information on adapting counter-trafficking models to your region or country", "Other",
]
B1_ITEMS = [
    "Raising awareness about trafficking risks", "Raising awareness about how to migrate safely",
    "Raising awareness to address the demand for goods and services provided by victims",
    "Supporting other prevention activities (training, life skills, alternatives to "
    "migration, microcredit)", "Supporting development of laws and legal processes",
    "Training for the criminal justice sector", "Training for social service providers",
    "Victim identification", "Victim support (counselling, medical, shelter, basic needs)",
    "Vocational training for victims", "Legal services for victims",
    "Victim return and reintegration", "Development of national policies and plans",
    "Research",
]
B2_ITEMS = [
    "Helping to set global or regional policy", "Helping to set national policy",
    "Advice on victim identification", "Advice on victim rescue and recovery",
    "Advice on victim return and reintegration", "Designing programmes and projects",
    "Planning programmes with international and/or regional actors",
    "Planning programmes with national actors", "Coordinating regional programmes",
    "Coordinating national programmes", "Funding programmes and projects",
    "Technical cooperation and capacity building for national and/or international partners",
    "Training and technical assistance for programmes and projects",
    "Research on trafficking and how best to combat it", "Evaluating programmes and projects",
    "Regional or cross-border projects",
]
B3_ITEMS = [
    "Interviewing local experts and staff about local needs and challenges",
    "Input from people who have experienced trafficking or other exploitation",
    "Collecting or reviewing national and/or regional information (including statistics)",
    "Analysing the local economic environment and labour market",
    "Assessing existing local efforts to combat trafficking",
    "Drawing on lessons learned from other initiatives",
]
B4_ITEMS = [
    "Governmental entities, ministries and/or departments",
    "International governmental organisations (UN, OSCE, ASEAN, OAS, OECD …)",
    "International or regional non-governmental organisations",
    "Local non-governmental organisations", "Universities and research institutes", "Other",
]
B5_ITEMS = [
    "Regional approach or strategic plan", "National approach or strategic plan",
    "Policy on how to define human trafficking", "Policy on victim identification",
    "Policy on victim rescue and recovery", "Policy on victim return and reintegration",
    "Policies on coordination with regional and/or national actors",
    "Funding policies", "Policy on programme and project evaluation",
]
B6_ITEMS = [
    "Informational campaigns (prevention focused)", "Informational campaigns (assistance "
    "focused)", "Other prevention programmes", "Programmes designed to rescue victims",
    "Programmes to help victims recover", "Return and reintegration programmes",
    "Research projects, including evaluations", "Technical cooperation and network building",
    "Capacity-building and training for professional staff",
    "Technical assistance programmes and projects",
]
B7_ITEMS = [
    "Overall policy and strategy", "Programme/project management", "Victim identification",
    "Victim assistance", "Return and reintegration", "Role of the judiciary (legal system)",
    "Law enforcement sector", "Programme/project evaluation",
    "Regional and cross-border cooperation",
]
B8_ITEMS = [
    "Overall policy and strategy", "Programme/project management", "Victim identification",
    "Victim assistance", "Return and reintegration", "Role of the media",
    "Law enforcement and security sector role", "Programme/project evaluation",
    "Regional and cross-border cooperation", "Raising awareness of human trafficking",
    "Promoting safe migration", "Providing alternatives to migration",
]
B5_NAMES = [f"b5_{c}" for c, _ in numbered(B5_ITEMS)]
B6_NAMES = [f"b6_{c}" for c, _ in numbered(B6_ITEMS)]
BAD = ("inappropriate", "highly_inappropriate")

SURVEY = flat(
    note("instructions", "Your participation is confidential: your answers cannot be traced "
                         "to you and are reported in aggregate only. You may skip any "
                         "question. If you do not know, choose \"Don't know\"."),
    group("section_a", "Section A: Current counter-trafficking work", [
        q("text", "a1_title", "A1. What is your current, official title?"),
        q("select_one position", "a2_position",
          "A2. How would you describe your level or position?"),
        specify("a2_position"),
        q("select_multiple responsibility", "a3_responsibilities",
          "A3. Your primary job responsibilities related to countering trafficking"),
        specify("a3_responsibilities"),
        q("select_one organisation_type", "a4_organisation",
          "A4. What type of organisation or institution do you work for?"),
        q("decimal", "a5_employed_years", "A5. How long have you been employed by your "
                                          "current organisation? (years)",
          constraint=". >= 0 and . <= 60", constraint_message="Enter years (0–60)."),
        q("decimal", "a6_ct_years", "A6. How long have you been working on "
                                    "counter-trafficking issues? (years)",
          constraint=". >= 0 and . <= 60", constraint_message="Enter years (0–60)."),
        matrix("a7", "A7. Types of counter-trafficking work you or your organisation are "
                     "involved in", "involvement", A7_ITEMS, multiple=True),
        q("select_one yes_no", "a8_direct", "A8. Do you work or have you worked with victims "
                                            "of trafficking directly?"),
        q("integer", "a8a_caseload", "A8a. Average caseload size per month (cases)",
          relevant="${a8_direct} = 'yes'", constraint=". >= 0",
          constraint_message="Enter a number of cases."),
        q("select_one affiliation", "a9_affiliation",
          "A9. What is your affiliation with IOM?"),
        specify("a9_affiliation"),
        matrix("a10", "A10. Have you received adequate training in the following areas?",
               "adequacy", A10_ITEMS),
        q("select_one yes_no_unsure", "a11_phenomenon",
          "A11. Do you have enough information about the phenomenon of human trafficking?"),
        q("select_one yes_no_unsure", "a12_countering",
          "A12. Do you have enough information about counter-trafficking to design and build "
          "effective projects?"),
        group("a13", "A13. Rank from 1 (most important) to 9 (least) the sources of "
                     "information that would help you", [
            q("integer", f"a13_{c}", f"{c}. {label}", constraint=". >= 1 and . <= 9",
              constraint_message="A rank from 1 to 9.")
            for c, label in numbered(A13_ITEMS)], appearance="field-list"),
    ]),
    group("section_b", "Section B: IOM and counter-trafficking", [
        matrix("b1", "B1. In which areas of counter-trafficking should IOM be involved?",
               "frequency", B1_ITEMS),
        matrix("b2", "B2. What do you regard as IOM's role in countering human trafficking?",
               "frequency", B2_ITEMS),
        matrix("b3", "B3. What kinds of needs assessment does IOM conduct?", "frequency",
               B3_ITEMS),
        matrix("b4", "B4. With whom does your organisation consult, coordinate and/or involve "
                     "in its counter-trafficking efforts?", "frequency", B4_ITEMS),
        matrix("b5", "B5. How would you assess IOM's policies and/or strategic plans?",
               "appropriateness", B5_ITEMS),
        comment("b5a_explain", "B5a. You chose Inappropriate or Highly inappropriate: please "
                               "explain.", relevant=any_of(B5_NAMES, BAD)),
        matrix("b6", "B6. How well do the programmes and projects IOM supports respond to "
                     "actual needs?", "appropriateness", B6_ITEMS),
        comment("b6a_explain", "B6a. You chose Inappropriate or Highly inappropriate: please "
                               "explain.", relevant=any_of(B6_NAMES, BAD)),
        matrix("b7", "B7. To what extent is IOM building the capacity of governmental actors?",
               "frequency", B7_ITEMS),
        matrix("b8", "B8. Is IOM helping to build the capacity of local NGOs/civil society?",
               "frequency", B8_ITEMS),
        q("select_one yes_no_dk", "b9_coordinates", "B9. Has IOM sought to coordinate its "
                                                    "activities with national and/or regional "
                                                    "strategies and programmes?"),
        comment("b10_strengths", "B10. IOM's strengths in countering trafficking in your "
                                 "area of focus"),
        comment("b11_weaknesses", "B11. IOM's weaknesses in countering trafficking in your "
                                  "area of focus"),
        comment("b12_improve", "B12. What would you like IOM to do differently, change or "
                               "improve?"),
        q("select_one yes_no_dk", "b13_impact", "B13. Is IOM having an impact on the human "
                                                "trafficking situation in your area of focus?"),
        comment("b13a_comment", "B13a. Please comment on your response",
                relevant="${b13_impact} != ''"),
    ]),
    group("section_c", "Section C: Framing the counter-trafficking agenda", [
        q("select_one yes_no_dk", "c1_required_definition",
          "C1. Are you required by your government, a donor, IOM or another partner to use a "
          "specific definition of human trafficking or victim of trafficking?"),
        q("select_multiple requirer", "c2_who_requires",
          "C2. Who requires that you use this definition?",
          relevant="${c1_required_definition} = 'yes'"),
        specify("c2_who_requires"),
        q("select_one definition", "c3_definition",
          "C3. How does your organisation define human trafficking and/or victim of "
          "trafficking?"),
        comment("c3_other", "C3. Other definition: please specify",
                relevant="${c3_definition} = 'other'"),
        q("select_one fit", "c4_fit", "C4. How well does the definition you use fit the cases "
                                      "you see?"),
        comment("c4a_comment", "C4a. Please comment on the definition and your answer to C4"),
        q("select_one perspective", "c5_human_rights",
          "C5. Does IOM apply human rights perspectives to its counter-trafficking efforts?"),
        comment("c5a_comment", "C5a. Please comment on your answer to C5"),
        q("select_one perspective", "c6_child_rights",
          "C6. Does IOM apply child rights perspectives to its counter-trafficking efforts?"),
        comment("c6a_comment", "C6a. Please comment on your answer to C6"),
        q("select_one perspective", "c7_gender",
          "C7. Does IOM apply gender perspectives to its counter-trafficking efforts?"),
        comment("c7a_comment", "C7a. Please comment on your answer to C7"),
    ]),
    group("section_d", "Section D: Counter-trafficking in your area of focus", [
        q("select_one yes_no_dk", "d1_criminal_offence",
          "D1. Is trafficking in persons a criminal offence in your area of focus?"),
        q("select_one criminal_definition", "d2_matches_palermo",
          "D2. Does the criminal definition match the Palermo Protocol definition?",
          relevant="${d1_criminal_offence} = 'yes'"),
        q("select_one women_cases", "d3_women", "D3. Are there identified cases of adult "
                                                "women victims of trafficking?"),
        q("select_one services", "d4_women_services", "D4. Are services available to identify "
                                                      "female victims?",
          relevant="${d3_women} != '' and ${d3_women} != 'no' and ${d3_women} != 'dk'"),
        q("select_one men_cases", "d5_men", "D5. Are there identified cases of adult male "
                                            "victims of trafficking?"),
        q("select_one services", "d6_men_services", "D6. Are services available to male "
                                                    "victims?",
          relevant="${d5_men} != '' and ${d5_men} != 'no' and ${d5_men} != 'dk'"),
        q("select_one child_cases", "d7_children", "D7. Are there identified cases of child "
                                                   "victims of trafficking?"),
        q("select_one services", "d8_child_programmes", "D8. Are distinct programmes "
                                                        "available to child victims?",
          relevant="${d7_children} != '' and ${d7_children} != 'no' and "
                   "${d7_children} != 'dk'"),
        q("select_one alternatives", "d9_alternatives",
          "D9. For victims from another country, do the laws allow alternatives to "
          "repatriation?"),
        q("select_one yes_no_dk", "d10_involuntary", "D10. Have you encountered cases of "
                                                     "involuntary repatriation?"),
        comment("d10a_comment", "D10a. Please comment, including partners, policies and "
                                "reasons", relevant="${d10_involuntary} = 'yes'"),
        q("select_one shelters", "d11_shelters", "D11. Are there closed shelters in your area "
                                                 "of focus, or open shelters only?"),
    ]),
    group("section_e", "Section E: Institutional learning", [
        q("select_one feedback", "e1_feedback", "E1. Do you ask for or collect feedback from "
                                                "programme participants?"),
        comment("e2_feedback_use", "E2. How do you use this feedback, or why are you not able "
                                   "to use it?",
                relevant="${e1_feedback} = 'used' or ${e1_feedback} = 'not_always'"),
        q("select_one yes_no_dk", "e3_evaluation", "E3. Have you been involved with evaluation "
                                                   "of IOM's counter-trafficking projects?"),
        group("evaluation", "The evaluation", [
            q("select_one evaluation_type", "e4_evaluation_type",
              "E4. Did the evaluation include:"),
            specify("e4_evaluation_type"),
            q("select_one independent", "e5_independent",
              "E5. Do you consider the evaluation you were involved in to be independent?"),
            comment("e6_why_not", "E6. If you did not consider the evaluation independent, "
                                  "why not?",
                    relevant="${e5_independent} = 'no' or ${e5_independent} = 'partly'"),
            q("select_one yes_no_dk", "e7_results", "E7. Did you receive the results of the "
                                                    "evaluation?"),
            comment("e8_use", "E8. How did you use these results? Did you change your work "
                              "based on them?", relevant="${e7_results} = 'yes'"),
        ], relevant="${e3_evaluation} = 'yes'"),
    ]),
    group("section_f", "Section F: Personal characteristics", [
        q("select_one age_band", "f1_age", "F1. What is your age?"),
        q("select_one sex", "f2_sex", "F2. Are you:"),
        q("select_one region", "f3_region", "F3. In or with what region of the world do you "
                                            "work?"),
        q("select_one yes_no", "f4_english_first", "F4. Is English your first language?"),
        q("select_multiple work_language", "f5_languages",
          "F5. What language do you speak in your work?"),
        comment("f5a_interpreter", "F5a. Your native language and the language for which you "
                                   "need an interpreter",
                relevant="selected(${f5_languages}, 'interpreter')"),
        comment("f5b_national", "F5b. Your native language",
                relevant="selected(${f5_languages}, 'national')"),
    ]),
    note("thanks", "Thank you for your participation!"),
)

OTHER = ("other", "Other")
FREQUENCY = [("never", "Never"), ("rarely", "Rarely"), ("sometimes", "Sometimes"),
             ("often", "Often"), ("always", "Always"), ("na", "Not applicable"),
             ("dk", "Don't know")]
SUPPORT = [("yes_iom", "Yes, and they are supported by IOM"),
           ("yes_others", "Yes, but supported by agencies or donors other than IOM"),
           ("no_plans", "No, but there are concrete plans and funding to create services"),
           ("no", "No, and there are no specific plans"), ("dk", "Don't know")]

CHOICES = {
    "yes_no": [("yes", "Yes"), ("no", "No")],
    "yes_no_dk": [("yes", "Yes"), ("no", "No"), ("dk", "Don't know")],
    "yes_no_unsure": [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
    "position": [
        ("senior", "Senior management"), ("middle", "Middle-lower management"),
        ("admin", "Administrative"), ("coordinator", "Programme/project coordinator or manager"),
        ("adviser", "Technical adviser"), ("operations", "Operations staff"),
        ("victim_support", "Victim support staff"), ("trainer", "Trainer or educator"),
        ("ta", "Technical assistance staff"), OTHER],
    "responsibility": [
        ("management", "Programme or project management"),
        ("outreach", "Participant or client outreach"),
        ("campaign", "Information campaign staff"), ("recruitment", "Participant recruitment"),
        ("intake", "Client intake and programme eligibility"),
        ("services", "Service determination and advisement"),
        ("case_management", "Case management"), ("referral", "Referral services"),
        ("research", "Research"), ("training", "Training"),
        ("technical_assistance", "Technical assistance"),
        ("network", "Network building"), ("evaluation", "Programme or project evaluation"), OTHER],
    "organisation_type": [
        ("national_gov", "National governmental department, ministry or agency"),
        ("local_gov", "Local governmental department, ministry or agency"),
        ("igo", "International governmental organisation"),
        ("ingo", "International non-governmental organisation"),
        ("regional_gov", "Regional governmental organisation"),
        ("regional_ngo", "Regional non-governmental organisation"),
        ("local_ngo", "Local non-governmental organisation"),
        ("intl_foundation", "International philanthropy or foundation"),
        ("local_foundation", "Local philanthropy or foundation"),
        ("academic", "Academic or research institution")],
    "involvement": [("planning", "Planning"), ("implementation", "Implementation"),
                    ("evaluation", "Evaluation"), ("not_involved", "Not involved"),
                    ("not_sure", "Not sure"), ("na", "N/A")],
    "affiliation": [
        ("iom_hq", "IOM headquarters staff"), ("iom_regional", "IOM regional staff"),
        ("iom_ct", "IOM counter-trafficking programme staff"),
        ("iom_country", "IOM country staff"),
        ("gov_current", "Governmental agency staff currently supported by IOM"),
        ("local_ngo_current", "Local NGO staff currently supported by IOM"),
        ("intl_ngo_current", "International NGO staff currently supported by IOM"),
        ("gov_past", "Governmental agency staff previously supported by IOM"),
        ("local_ngo_past", "Local NGO staff previously supported by IOM"),
        ("intl_ngo_past", "International NGO staff previously supported by IOM"),
        ("gov_none", "Governmental agency staff not supported by IOM"),
        ("local_ngo_none", "Local NGO staff not supported by IOM"),
        ("intl_ngo_none", "International NGO staff not supported by IOM"),
        ("un", "United Nations staff"), OTHER],
    "adequacy": [("totally_inadequate", "Totally inadequate"),
                 ("somewhat_adequate", "Somewhat adequate"), ("adequate", "Adequate"),
                 ("very_adequate", "Very adequate"), ("totally_adequate", "Totally adequate"),
                 ("na", "N/A")],
    "frequency": FREQUENCY,
    "appropriateness": [("highly_inappropriate", "Highly inappropriate"),
                        ("inappropriate", "Inappropriate"),
                        ("neither", "Neither appropriate nor inappropriate"),
                        ("appropriate", "Appropriate"),
                        ("highly_appropriate", "Highly appropriate"),
                        ("na", "Not applicable"), ("dk", "Don't know")],
    "requirer": [("government", "Your national government"), ("iom", "IOM"),
                 ("un", "UN agency"), ("osce", "OSCE"), ("usaid", "USAID"),
                 ("other_partner", "Other partner"), ("other_donor", "Other donor"), OTHER],
    "definition": [("palermo", "UN Palermo Protocol"), ("other", "Other")],
    "fit": [("very_well", "Very well"),
            ("well", "Well, but occasionally too limited"),
            ("adequate", "Adequate, but often too limited"),
            ("less_than_adequate", "Less than adequate: too many cases fall outside"),
            ("not_well", "Not well: the majority of victims fall outside")],
    "perspective": [("never", "Never"), ("rarely", "Rarely"), ("sometimes", "Sometimes"),
                    ("often", "Often"), ("always", "Always"), ("na", "N/A"),
                    ("dk", "Don't know")],
    "criminal_definition": [
        ("yes", "Yes"), ("women_children", "No, applies to women and children only"),
        ("no_child", "No, there is no definition of child trafficking"),
        ("no_crime", "No, there is no specific definition of trafficking as a crime"),
        ("unclear", "No, it is in the criminal code but the definition is unclear"),
        ("other", "No, other"), ("dk", "Don't know")],
    "women_cases": [("large_majority", "Yes, and women are the large majority of victims"),
                    ("majority", "Yes, and women are the majority of victims"),
                    ("even", "Yes, about as many men as women"),
                    ("few", "Yes, but not many female victims"), ("no", "No"),
                    ("dk", "Don't know")],
    "men_cases": [("majority", "Yes, and they are the majority of victims"),
                  ("even", "Yes, about as many men as women"),
                  ("few", "Yes, but not many male victims"), ("no", "No"),
                  ("dk", "Don't know")],
    "child_cases": [("majority", "Yes, and they are the majority of victims"),
                    ("even", "Yes, about as many child as adult victims"),
                    ("few", "Yes, but not many child victims"), ("no", "No"),
                    ("dk", "Don't know")],
    "services": SUPPORT,
    "alternatives": [
        ("yes_free", "Yes, with no requirements"),
        ("yes_willing", "Yes, if willing and able to cooperate with the investigation"),
        ("yes_required", "Yes, but cooperation with the investigation is required"),
        ("no", "No"), ("dk", "Don't know")],
    "shelters": [("closed_only", "Only closed shelters"), ("open_only", "Only open shelters"),
                 ("both", "Both open and closed shelters"),
                 ("open_many_required", "No closed shelters, but many victims are required "
                                        "to stay until repatriated"),
                 ("open_few_required", "No closed shelters, but a few victims are required "
                                       "to stay until repatriated"),
                 ("dk", "Don't know")],
    "feedback": [("used", "Yes, and we use it to change our projects"),
                 ("not_always", "Yes, but we are not always able to use it"),
                 ("no", "No, we do not collect feedback"), ("dk", "Don't know")],
    "evaluation_type": [("process", "Process or implementation evaluation"),
                        ("outcomes", "Outcomes evaluation"), ("impact", "Impact evaluation"),
                        ("combination", "Implementation and outcomes evaluation"),
                        ("dk", "Don't know"), OTHER],
    "independent": [("yes", "Yes"), ("no", "No"), ("partly", "Partly"),
                    ("dk", "Don't know")],
    "age_band": [("under_25", "Under 25"), ("25_34", "25–34"), ("35_44", "35–44"),
                 ("45_54", "45–54"), ("55_plus", "55 or older")],
    "sex": [("male", "Male"), ("female", "Female")],
    "region": [("latin_america", "Latin America"), ("western_europe", "Western Europe"),
               ("eastern_europe", "Eastern Europe"),
               ("southeastern_europe", "Southeastern Europe"),
               ("central_asia", "Central Asia"), ("south_asia", "South Asia"),
               ("southeast_asia", "Southeast Asia"), ("east_asia", "East Asia"),
               ("north_africa", "North Africa"), ("east_africa", "East Africa"),
               ("west_africa", "West Africa"), ("sub_saharan_africa", "Sub-Saharan Africa"),
               ("global", "Global")],
    "work_language": [("english", "English"), ("french", "French"), ("russian", "Russian"),
                      ("spanish", "Spanish"), ("interpreter", "Work with an interpreter"),
                      ("national", "National language")],
}
