"""Assistance interview: the CTM's four data areas, with the HTCDS core fields.

000 L240: the CTM holds (1) demographics of trafficked persons, (2) the trafficking process,
(3) patterns of exploitation (types, length, means) including re-trafficking, and (4) the
response and assistance provided (referrals, medical or mental-health care, law
enforcement); its assistance interview form "tracks the direct assistance provided and
documents the trafficking experience". Field names and codes follow HTCDS 2.0 (core fields:
prs_Gender, prs_Citizenship, vic_MethodOfRecruitment, vic_MethodsOfControl,
vic_TypeOfExploitation, vic_ForcedLabourIndustry, vic_TypeOfSexExploitation,
vic_Vulnerabilities …) as stored by Palermo's typed fields (palermo/cases/models).
"""

from tools.instruments.dsl import countries, flat, group, htcds, note, q, repeat

FORM = {
    "form_id": "assistance_interview",
    "form_title": "Assistance interview",
    "version": "2025.1",
    "palermo_kind": "interview",
    "description": "The CTM's four data areas — demographics, trafficking process, pattern of "
                   "exploitation (incl. re-trafficking), assistance and response — with the "
                   "HTCDS core fields, written through to the person and the case.",
    "sources": "000 L240 (CTM data areas, assistance interview form); HTCDS 2.0 field "
               "standards (core fields and picklists).",
}

WITH_REFUSALS = [("Unknown", "Unknown")]
YES_NO_HTCDS = [("yes", "Yes"), ("no", "No"), ("Unknown", "Unknown")]

SURVEY = flat(
    group("demographics", "1. The person", [
        q("select_one gender", "gender", "Gender", palermo_field="person.gender"),
        q("select_one country", "citizenship", "Citizenship", appearance="autocomplete",
          palermo_field="person.citizenship"),
        q("select_one education", "education", "Highest level of education completed",
          palermo_field="person.education"),
        q("select_one marital", "marital_status", "Marital status",
          palermo_field="person.marital_status"),
        q("integer", "children", "Number of children", constraint=". >= 0 and . <= 30",
          constraint_message="Enter a number of children.", palermo_field="person.children"),
        q("select_multiple vulnerability", "vulnerabilities",
          "Circumstances that made the person vulnerable", sensitive=True),
        q("text", "vulnerability_details", "Details of the vulnerabilities",
          relevant="count-selected(${vulnerabilities}) > 0", appearance="multiline",
          sensitive=True),
    ]),
    group("process", "2. The trafficking process", [
        q("select_one trafficking_type", "trafficking_type", "Type of trafficking",
          palermo_field="case.trafficking_type"),
        q("select_one country", "origin_country", "Country of origin",
          appearance="autocomplete", palermo_field="case.origin_country"),
        q("select_multiple country", "transit_countries", "Countries of transit",
          appearance="autocomplete", relevant="${trafficking_type} = 'transnational'",
          palermo_field="case.transit_countries"),
        q("select_multiple country", "exploitation_countries", "Countries of exploitation",
          appearance="autocomplete", palermo_field="case.exploitation_countries"),
        q("select_multiple recruitment_method", "recruitment_methods",
          "How was the person recruited?", palermo_field="case.recruitment_methods",
          sensitive=True),
        q("select_one relationship", "recruiter_relationship",
          "Relationship to the recruiter or trafficker",
          palermo_field="case.recruiter_relationship", sensitive=True),
        q("integer", "age_at_exploitation", "Age when trafficked",
          constraint=". >= 0 and . <= 110", constraint_message="Enter an age in years.",
          palermo_field="case.age_at_exploitation"),
        q("select_one yn_htcds", "knew_risks",
          "Before leaving, did the person know of the risks of migration and trafficking?",
          palermo_field="case.knew_risks"),
        q("select_multiple awareness_source", "awareness_sources",
          "Where had they heard of the risks?", relevant="${knew_risks} = 'yes'",
          palermo_field="case.awareness_sources"),
    ]),
    group("exploitation", "3. The pattern of exploitation", [
        q("select_multiple exploitation_type", "exploitation_types", "Types of exploitation",
          required=True, palermo_field="case.exploitation_types", sensitive=True),
        q("select_multiple industry", "forced_labour_industries", "Forced labour: industry",
          relevant="selected(${exploitation_types}, 'ForcedLabour')",
          palermo_field="case.forced_labour_industries"),
        q("select_multiple sex_type", "sexual_exploitation_types",
          "Sexual exploitation: type",
          relevant="selected(${exploitation_types}, 'SexualExploitation')",
          palermo_field="case.sexual_exploitation_types", sensitive=True),
        q("select_multiple control", "means_of_control", "Means of control used",
          palermo_field="case.means_of_control", sensitive=True),
        q("integer", "exploitation_months", "Duration of the exploitation (months)",
          constraint=". >= 0 and . <= 600", constraint_message="Enter a number of months.",
          palermo_field="case.exploitation_months"),
        q("select_one yn_htcds", "trafficked_before",
          "Had the person been trafficked before this episode?", sensitive=True),
        q("integer", "times_trafficked_before", "How many times before?",
          relevant="${trafficked_before} = 'yes'", constraint=". >= 1",
          constraint_message="At least once, since the answer above was yes."),
    ]),
    group("assistance", "4. Assistance and response", [
        q("select_one identifying_agency", "identifying_agency", "Who identified the person?",
          palermo_field="case.identifying_agency"),
        q("date", "identified_on", "Date of identification",
          constraint=". <= today()", constraint_message="The date is in the future.",
          palermo_field="case.identified_on"),
        q("select_one trafficking_status", "trafficking_status", "Trafficking status",
          palermo_field="case.trafficking_status"),
        q("select_multiple service", "services_needed", "Assistance the person needs"),
        repeat("services", "Assistance provided", [
            q("select_one service", "service_type", "Service", required=True),
            q("select_one provider", "service_provider", "Provided by"),
            q("date", "service_date", "Date started",
              constraint=". <= today()", constraint_message="The date is in the future."),
        ]),
        q("select_one yn_htcds", "law_enforcement_contact",
          "Has the person been in contact with law enforcement about the case?"),
        q("select_one yn_htcds", "testified", "Has the person testified or been asked to?",
          relevant="${law_enforcement_contact} = 'yes'", sensitive=True),
        note("end_note", "Thank the person and explain the next steps of the assistance."),
    ]),
)

CHOICES = {
    "gender": htcds("prs_Gender"),
    "education": htcds("prs_HighestLevelOfEducation"),
    "marital": htcds("prs_MaritalStatus"),
    "vulnerability": htcds("vic_Vulnerabilities"),
    "trafficking_type": [("in_country", "In country"), ("transnational", "Transnational"),
                         *WITH_REFUSALS],
    "country": countries(),
    "recruitment_method": htcds("vic_MethodOfRecruitment"),
    "relationship": htcds("vic_RelationshipToTrafficker"),
    "yn_htcds": YES_NO_HTCDS,
    "awareness_source": [
        ("campaign", "Information campaign"), ("school", "School"),
        ("media", "Radio, TV or newspaper"), ("social_media", "Social media"),
        ("family", "Family"), ("friends", "Friends or neighbours"),
        ("ngo", "NGO or community worker"), ("religious", "Religious leader"),
        ("returnee", "A returned migrant"), ("other", "Other")],
    "exploitation_type": htcds("vic_TypeOfExploitation"),
    "industry": htcds("vic_ForcedLabourIndustry"),
    "sex_type": htcds("vic_TypeOfSexExploitation"),
    "control": htcds("vic_MethodsOfControl"),
    "identifying_agency": [
        ("police", "Police"), ("ngo", "NGO"), ("border", "Border guards"),
        ("labour_inspection", "Labour inspection"), ("consulate", "Consulate or embassy"),
        ("hotline", "Hotline"), ("self_referral", "Self-referral"), ("other", "Other"),
        *WITH_REFUSALS],
    "trafficking_status": htcds("vic_TraffickingStatus"),
    "service": [
        ("shelter", "Shelter"), ("medical", "Medical care"), ("dental", "Dental care"),
        ("mental_health", "Mental health care"), ("psychosocial", "Psycho-social support"),
        ("legal_aid", "Legal aid"), ("documents", "Identity and travel documents"),
        ("education", "Education"), ("vocational", "Vocational training"),
        ("job_placement", "Job placement"), ("micro_grant", "Micro-grant / income generation"),
        ("family_tracing", "Family tracing"), ("cash_grant", "Cash grant"),
        ("travel", "Travel"), ("reception", "Reception"), ("housing", "Housing")],
    "provider": [("own", "Our organisation"), ("partner_ngo", "Partner NGO"),
                 ("government", "Government service"), ("iom", "IOM"), ("other", "Other")],
}
