"""Synthetic demo data: organisations, one user per role, persons and their cases, the
shipped questionnaires with interviews and survey responses (:mod:`palermo.demo_forms`), and
one organisation's core-indicator aggregates.

Everything here is invented and marked as such. Passwords are random, printed once by
``palermo demo`` and never stored in plaintext. Roles are granted and confirmed as in a real
install: two people for every role that opens identities (:func:`_grant_roles`).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import transaction

from palermo import demo_forms
from palermo.cases import referrals
from palermo.cases.assistance import add_service, record_consent
from palermo.cases.casework import open_case, update_case
from palermo.cases.models import Case
from palermo.cases.services import register_person
from palermo.core import access, grants
from palermo.core.models import AccessLog, Membership, Organisation, Role, User
from palermo.exchange import indicators
from palermo.exchange.models import CoreIndicatorSubmission
from palermo.learning import catalogue, lessons
from palermo.learning.models import Lesson, Publication
from palermo.programmes import demo as programmes_demo
from palermo.questionnaires.models import Form, Invitation, Submission

MARK = "Synthetic demo record — not a real person"

ORGANISATIONS = [
    # key, name, short name, HTCDS org_Type, country, parent key, referral mechanism
    ("hq", "Palermo Headquarters (demo)", "HQ", "InternationalOrganisation", None, None, False),
    ("ngo_a", "Safe Harbour Nigeria (demo)", "Safe Harbour", "NGO", "NGA", "hq", False),
    ("ngo_b", "Horizon Kyrgyzstan (demo)", "Horizon", "NGO", "KGZ", "hq", False),
    ("ngo_c", "Nordlys Support Norway (demo)", "Nordlys", "NGO", "NOR", "hq", False),
    ("mission", "Migration Mission Nigeria (demo)", "Mission NGA", "InternationalOrganisation",
     "NGA", "hq", True),
    ("donor", "Ministry of Foreign Affairs, Development Section (demo)", "MFA Donor",
     "DonorAgency", "NOR", None, False),
]

USERS = [
    # username, first, last, [(organisation key, role)]
    ("amina", "Amina", "Caseworker", [("ngo_a", Role.CASEWORKER), ("mission", Role.CASEWORKER)]),
    ("fatima", "Fatima", "Supervisor", [("ngo_a", Role.SUPERVISOR)]),
    ("boris", "Boris", "Caseworker", [("ngo_b", Role.CASEWORKER)]),
    ("ingrid", "Ingrid", "Caseworker", [("ngo_c", Role.CASEWORKER)]),
    # Emre also reports the Mission's aggregate counts (it keeps no case records here) and
    # keeps the MFA's portfolio (its funding list, imported by the demo).
    ("emre", "Emre", "M&E Officer", [("ngo_a", Role.ME_OFFICER),
                                     ("mission", Role.ME_OFFICER),
                                     ("donor", Role.ME_OFFICER)]),
    ("chen", "Chen", "Analyst", [("hq", Role.ANALYST)]),
    ("dana", "Dana", "Donor", [("donor", Role.DONOR)]),
    ("root", "Root", "Administrator", [("hq", Role.ADMIN)]),
    # A second administrator: confirms the grants root makes where no supervisor can.
    ("ada", "Ada", "Administrator", [("hq", Role.ADMIN)]),
]

# Invented names per country; combined at random, so no combination is a real person's record.
NAMES = {
    "NGA": (["Adaeze", "Blessing", "Chiamaka", "Ifeoma", "Ngozi", "Tobi", "Kelechi"],
            ["Okonkwo-Demo", "Adeyemi-Demo", "Nwosu-Demo", "Eze-Demo", "Balogun-Demo"]),
    "KGZ": (["Aigerim", "Nurlan", "Cholpon", "Aibek", "Gulnara", "Bakyt"],
            ["Asanova-Demo", "Tokoev-Demo", "Jumabaeva-Demo", "Sadykov-Demo"]),
    "NOR": (["Oksana", "Daria", "Tatiana", "Precious", "Joy", "Mercy"],
            ["Ivanova-Demo", "Osagie-Demo", "Kowalska-Demo", "Eghosa-Demo"]),
}
NAME_SETS = {"NGA": "NGA", "KGZ": "KGZ", "UZB": "KGZ", "TJK": "KGZ"}  # others: "NOR"


CASEWORKERS = {"ngo_a": "amina", "ngo_b": "boris", "ngo_c": "ingrid"}

# Languages (ISO 639-3) by citizenship: the first always, the others now and then.
LANGUAGES = {
    "NGA": ("eng", "pcm", "yor", "ibo", "bin", "hau"), "KGZ": ("kir", "rus"),
    "UZB": ("uzb", "rus"), "TJK": ("tgk", "rus"), "ROU": ("ron", "eng"),
    "UKR": ("ukr", "rus", "eng"), "LTU": ("lit", "rus"), "VNM": ("vie",), "NOR": ("nor", "eng"),
}
# A second citizenship some persons hold (about one in twenty).
SECOND_CITIZENSHIP = {"NGA": ("GHA", "GBR"), "KGZ": ("RUS", "KAZ"), "UZB": ("RUS",),
                      "TJK": ("RUS",), "UKR": ("POL",), "ROU": ("MDA",)}


def _languages(rng: random.Random, citizenship: str) -> list[str]:
    first, *others = LANGUAGES.get(citizenship, ("eng",))
    return [first, *(code for code in others if rng.random() < 0.4)]


def _citizenships(rng: random.Random, citizenship: str) -> list[str]:
    extra = SECOND_CITIZENSHIP.get(citizenship)
    return [citizenship, rng.choice(extra)] if extra and rng.random() < 0.05 else [citizenship]


@dataclass(frozen=True)
class Profile:
    """Who an NGO assists: citizenships, where people were exploited (the own country means
    in-country trafficking), and the forms of exploitation, with weights."""

    citizenships: tuple[str, ...]
    destinations: tuple[str, ...]
    exploitation: tuple[tuple[str, int], ...]


PROFILES = {
    "ngo_a": Profile(("NGA",), ("ITA", "ESP", "LBY", "MLI", "NGA", "NGA", "RUS", "MYS"),
                     (("SexualExploitation", 55), ("ForcedLabour", 30), ("Servitude", 8),
                      ("ForcedBegging", 7))),
    "ngo_b": Profile(("KGZ", "UZB", "TJK"), ("RUS", "KAZ", "TUR", "KGZ", "ARE", "KOR"),
                     (("ForcedLabour", 55), ("SexualExploitation", 35),
                      ("ForcedMarriage", 10))),
    "ngo_c": Profile(("NGA", "ROU", "UKR", "LTU", "VNM", "NOR"), ("NOR",),
                     (("SexualExploitation", 45), ("ForcedLabour", 45), ("Other", 10))),
}
MEANS = ["DebtBondage", "FalsePromises", "WithholdsDocuments", "PhysicalThreats",
         "PsychologicalAbuse", "TakesEarnings", "ExcessiveWorkingHours", "PhysicalAbuse"]
INDUSTRIES = ["A_AgricultureForestryAndFishing", "C_Manufacturing", "F_Construction",
              "I_AccommodationAndFoodServiceActivities", "T_ActivitiesOfHouseholdsAsEmployers"]
STATUSES = ["Active"] * 3 + ["FollowUp"] * 3 + ["Closed"] * 3 + ["ClosedReferred"]
# Every level the CTM table prints, most people with primary or secondary schooling.
EDUCATION = ["PrimaryEducation"] * 4 + ["LowerSecondaryEducation"] * 4 + [
    "UpperSecondaryEducation"] * 4 + ["PostSecondaryNonTertiaryEducation",
                                      "BachelorsOrEquivalentLevel", "EarlyChildhoodEducation",
                                      "Unknown", "Unknown", "DeclinedToAnswer"]


def _pick_weighted(rng: random.Random, options) -> str:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights=weights)[0]


def _person_with_cases(rng: random.Random, membership: Membership, profile: Profile) -> None:
    """A synthetic person (about 75% women, 15% children) and one case, sometimes two."""
    citizenship = rng.choice(profile.citizenships)
    given, family = NAMES[NAME_SETS.get(citizenship, "NOR")]
    opened = dt.date(rng.randint(2022, 2026), rng.randint(1, 12), rng.randint(1, 28))
    age = rng.randint(12, 17) if rng.random() < 0.15 else rng.randint(18, 45)
    birth = opened.replace(year=opened.year - age) - dt.timedelta(days=rng.randint(1, 300))
    person = register_person(
        membership, given_name=rng.choice(given), family_name=rng.choice(family),
        birth_date=birth, gender="Feminine" if rng.random() < 0.75 else "Masculine",
        citizenships=_citizenships(rng, citizenship),
        languages=_languages(rng, citizenship),
        education=rng.choice(EDUCATION),
        phone=f"+000 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        identity_number=f"DEMO-{rng.randint(100000, 999999)}", address=MARK)
    for episode in range(2 if rng.random() < 0.05 else 1):
        _case(rng, membership, person, profile, citizenship,
              opened + dt.timedelta(days=400 * episode))


def _data_source(opened: dt.date) -> str:
    """How a demo case entered Palermo, from its opening date (so the random draws, and the
    rest of the demo, stay as they were): cases before July 2022 were migrated from the
    spreadsheet kept before Palermo (the case template), some later ones came from another
    case system as an HTCDS file, the rest were entered by hand."""
    if opened < dt.date(2022, 7, 1):
        return "template_import"
    return "htcds_import" if opened.day % 9 == 0 else "casework"


def _case(rng, membership, person, profile, citizenship, opened) -> None:
    opened = min(opened, dt.date(2026, 11, 1))
    destination = rng.choice(profile.destinations)
    kinds = [_pick_weighted(rng, profile.exploitation)]
    if rng.random() < 0.15:
        kinds = sorted({*kinds, _pick_weighted(rng, profile.exploitation)})
    status = rng.choice(STATUSES)
    case = open_case(
        membership, person, opened_on=opened, data_source=_data_source(opened),
        identified_on=opened - dt.timedelta(days=rng.randint(0, 20)),
        client_category=rng.choice(["victim"] * 6 + ["possible_victim"] * 3
                                   + ["other_migrant"]),
        identifying_agency=rng.choice(["police", "ngo", "border", "hotline", "self_referral",
                                       "labour_inspection", "consulate"]),
        trafficking_status=rng.choice(["ActualVictimOfTrafficking", "PossibleVictimOfTrafficking",
                                       "Unknown"]),
        trafficking_type="in_country" if destination == citizenship else "transnational",
        origin_country_id=citizenship, exploitation_countries=[destination],
        exploitation_types=kinds,
        means_of_control=(["DeclinedToAnswer"] if rng.random() < 0.1
                          else sorted(rng.sample(MEANS, rng.randint(1, 3)))),
        forced_labour_industries=([rng.choice(INDUSTRIES)] if "ForcedLabour" in kinds else []),
        recruiter_relationship=rng.choice(["Familial", "Acquainted", "Unaquainted", "Unknown",
                                           "DeclinedToAnswer"]),
        exploitation_months=rng.randint(1, 36))
    if rng.random() < 0.6:
        add_service(membership, case, type=rng.choice(["shelter", "medical", "psychosocial",
                                                       "legal_aid", "vocational"]),
                    started_on=case.opened_on, status="ongoing")
    if status != "Active":
        # Leaving active assistance schedules the 3/6/12-month follow-ups; older cases have
        # some overdue, which the overdue list shows.
        end = min(case.opened_on + dt.timedelta(days=rng.randint(60, 240)), dt.date(2026, 11, 1))
        update_case(membership, case, version=case.version, status=status, closed_on=end,
                    closure_reason="Assistance completed (demo)" if status.startswith("Closed")
                    else "")


def _referrals(rng: random.Random, orgs: dict[str, Organisation]) -> None:
    """Safe Harbour refers some cases to the Migration Mission (the national referral
    mechanism), with consent; the Mission has accepted most of them."""
    sender = Membership.objects.get(user__username="amina", organisation=orgs["ngo_a"])
    receiver = Membership.objects.get(user__username="amina", organisation=orgs["mission"])
    for case in Case.objects.filter(organisation=orgs["ngo_a"], status="Active")[:12]:
        record_consent(sender, case, kind="data_processing", decision="given")
        record_consent(sender, case, kind="sharing", organisation=orgs["mission"],
                       decision="given")
        referral = referrals.send(sender, case, orgs["mission"],
                                  reason="AdditionalServicesRequired",
                                  requested_services=["legal_aid", "documents"])
        if rng.random() < 0.75:
            referrals.accept(receiver, referral)


def _grant_roles(orgs: dict[str, Organisation]) -> None:
    """Every demo role, through the two-person path a real install takes: root is the first
    administrator (the command line's), ada the second (root confirms her); root grants every
    other role; a supervisor of the organisation confirms a caseworker there, ada the
    supervisors and the caseworkers of organisations without one."""
    users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in USERS])}
    grant = [(users[name], orgs[key], role) for name, _f, _l, roles in USERS
             for key, role in roles]
    cli = AccessLog.Channel.CLI
    root, ada = (grants.grant_membership(None, users[name], orgs["hq"], Role.ADMIN,
                                         channel=cli) for name in ("root", "ada"))
    ada = grants.confirm(root, ada, channel=cli)
    # Supervisors first, so that they can confirm their caseworkers.
    for user, org, role in sorted(grant, key=lambda g: g[2] != Role.SUPERVISOR):
        if role != Role.ADMIN:
            membership = grants.grant_membership(root, user, org, role, channel=cli)
            if access.awaits_confirmation(membership):
                confirmers = [*Membership.objects.filter(organisation=org,
                                                         role=Role.SUPERVISOR), ada]
                confirmer = next(c for c in confirmers if access.may_confirm(c, membership))
                grants.confirm(confirmer, membership, channel=cli)


@dataclass
class DemoLogin:
    username: str
    password: str
    memberships: str


def _password() -> str:
    return secrets.token_urlsafe(12)


# Core indicators the Mission sends: persons it assisted before it used Palermo's case
# records, per year, sex, age band and form of exploitation (the CTDC age bands).
INDICATOR_YEARS = ("2022", "2023", "2024", "2025")
INDICATOR_CELLS = [  # sex, age band, exploitation type, usual number of persons a year
    ("female", "9--17", "SexualExploitation", 4), ("female", "18--20", "SexualExploitation", 14),
    ("female", "21--23", "SexualExploitation", 18), ("female", "24--26", "SexualExploitation", 9),
    ("female", "27--29", "ForcedLabour", 6), ("female", "30--38", "Servitude", 3),
    ("male", "18--20", "ForcedLabour", 7), ("male", "21--23", "ForcedLabour", 11),
    ("male", "9--17", "ForcedBegging", 2), ("unknown", "unknown", "Unknown", 1),
]


def add_core_indicators(membership: Membership, rng: random.Random) -> int:
    """The organisation's yearly aggregates, sent as the API would send them (once).
    Returns the number of count rows stored."""
    if CoreIndicatorSubmission.objects.filter(organisation=membership.organisation).exists():
        return 0
    rows = [{"period": year, "sex": sex, "age_band": band, "exploitation_type": kind,
             "citizenship": "NGA", "persons": max(1, usual + rng.randint(-usual // 3,
                                                                        usual // 3))}
            for year in INDICATOR_YEARS for sex, band, kind, usual in INDICATOR_CELLS]
    result = indicators.submit_records(membership, rows, source="api",
                                       note=f"{demo_forms.DATA_MARK}: 2022–2025 aggregates")
    if result.problems:  # the demo's own rows must pass the validator
        raise ValueError("Demo core indicators rejected: "
                         + "; ".join(map(str, result.problems)))
    return result.rows


# Lessons NGO A's M&E officer records in the demo: findings of the Norad evaluation of IOM's
# counter-trafficking work (2010; seed 000, sections 2.5-2.6), restated as lessons.
# (title, polarity, themes, description, evidence, year)
NORAD_2010 = "Norad evaluation of IOM's counter-trafficking work (2010)"
DEMO_LESSONS = [
    ("Test researchers on the definitions before fieldwork", "negative",
     ["research", "data quality"],
     "Local researchers hired to find trafficking in migration stories could not tell it "
     "from smuggling or prostitution; the raw data were unreliable and the study could not "
     "be published. Train and test field researchers on the definitions and pilot the "
     "instrument before collecting data.", f"{NORAD_2010}, section 2.6 (SACTAP research).",
     2010),
    ("Link the return of victims to the assisted voluntary return programme", "positive",
     ["return and reintegration", "efficiency"],
     "Using the logistics, transport and travel documents of the existing return programme "
     "gave economies of scale.", f"{NORAD_2010}, efficiency findings (Norway).", 2010),
    ("Community drama groups carry prevention on after the project", "positive",
     ["prevention", "sustainability"],
     "Drama groups trained on trafficking prevention kept working without technical support "
     "and found other funding for their running costs.",
     f"{NORAD_2010}, sustainability findings (Bangladesh, South Africa).", 2010),
    ("Vocational training needs follow-up with the persons trained", "negative",
     ["reintegration", "livelihoods", "monitoring"],
     "Training limited to hairdressing and sewing, without feedback from participants or "
     "medium-term monitoring, gives no evidence that the skills lead to work.",
     f"{NORAD_2010}, institutional learning (Nigeria).", 2010),
    ("One-year projects are too short for victim support and its evaluation", "negative",
     ["sustainability", "evaluation"],
     "Short project cycles constrained sustainability and donors were reluctant to fund "
     "evaluations of one-year projects. Plan support and its evaluation over several years.",
     f"{NORAD_2010}, sustainability and evaluation findings.", 2010),
    ("Referral mechanisms let each agency work in its core competency", "positive",
     ["referral", "efficiency"],
     "Supporting referral mechanisms made efficient use of resources.",
     f"{NORAD_2010}, efficiency findings.", 2010),
]


def add_learning(orgs: dict[str, Organisation]) -> None:
    """The resource library (seed 004's catalogue, kept by headquarters) and NGO A's lessons
    learned. Skips whatever exists already."""
    if not Publication.objects.exists():
        catalogue.import_seed(_member("root", orgs["hq"]))
    emre = _member("emre", orgs["ngo_a"])
    if not Lesson.objects.filter(organisation=orgs["ngo_a"]).exists():
        for title, polarity, themes, description, evidence, year in DEMO_LESSONS:
            lessons.save_lesson(emre, {"title": title, "polarity": polarity,
                                       "themes": themes, "description": description,
                                       "evidence": evidence, "year": year})


def _member(username: str, org: Organisation) -> Membership:
    return Membership.objects.get(user__username=username, organisation=org)


def add_modules(orgs: dict[str, Organisation], rng: random.Random,
                loading: list | None = None) -> None:
    """Questionnaires, interviews, survey responses and core indicators on top of the
    organisations, users and cases. Skips whatever exists already."""
    if loading is None:
        with ThreadPoolExecutor(max_workers=2) as pool:
            loading = demo_forms.start_loading(pool)
    versions = demo_forms.publish_instruments(_member("root", orgs["hq"]), loading)
    amina, fatima, emre = (_member(name, orgs["ngo_a"]) for name in ("amina", "fatima",
                                                                      "emre"))
    demo_forms.add_interviews(amina, versions, rng)
    demo_forms.add_staff_survey(emre, fatima, amina, versions.get("staff_survey"), rng)
    demo_forms.add_surveys(emre, amina, versions, rng)
    add_core_indicators(_member("emre", orgs["mission"]), rng)
    if "donor" in orgs:  # the donor's portfolio: seed 002's funding list, imported
        programmes_demo.add_seed_portfolio(_member("emre", orgs["donor"]))
    add_learning(orgs)


@transaction.atomic
def build(persons_per_ngo: int = 100, seed: int = 2000) -> list[DemoLogin]:
    """Create the demo organisations, users (with fresh random passwords), persons and
    their cases, then the questionnaires, responses and core indicators."""
    # The instrument files are read in two threads while the cases are made (see
    # demo_forms): most of that time is spent waiting for ODK Validate.
    with ThreadPoolExecutor(max_workers=2) as pool:
        loading = demo_forms.start_loading(pool)
        orgs: dict[str, Organisation] = {}
        for key, name, short, kind, country, parent, nrm in ORGANISATIONS:
            orgs[key] = Organisation.objects.create(
                name=name, short_name=short, type=kind, country_id=country,
                parent=orgs.get(parent) if parent else None, is_referral_mechanism=nrm)
        logins = []
        for username, first, last, roles in USERS:
            password = _password()
            User.objects.create_user(username=username, password=password,
                                     first_name=first, last_name=last,
                                     email=f"{username}@demo.invalid")
            logins.append(DemoLogin(username, password, "; ".join(
                f"{Role(role).label} at {orgs[k]}" for k, role in roles)))
        _grant_roles(orgs)
        rng = random.Random(seed)
        for org_key, username in CASEWORKERS.items():
            membership = _member(username, orgs[org_key])
            for _ in range(persons_per_ngo):
                _person_with_cases(rng, membership, PROFILES[org_key])
        _referrals(rng, orgs)
        add_modules(orgs, rng, loading)
    return logins


def summary() -> list[str]:
    """What the demo install holds beyond persons and cases, and where to see it (printed
    by ``palermo demo``, also when it keeps an existing install)."""
    published = Form.objects.filter(versions__status="published").distinct().count()
    staff = Form.objects.filter(name="staff_survey").first()
    responses = Submission.objects.filter(status="submitted")
    lines = [f"Forms: {published} published; "
             f"{responses.filter(about_case=True).count()} case interviews, "
             f"{responses.filter(about_case=False).count()} survey and test responses "
             "(Forms, Survey results)."]
    if staff is not None:
        invited = Invitation.objects.filter(form=staff)
        lines.append(f"Confidential staff survey: {invited.count()} invited, "
                     f"{invited.filter(responded=True).count()} responded through Palermo, "
                     f"{responses.filter(version__form=staff, author=None).count()} anonymous "
                     "responses (results: fatima, emre, chen).")
    counts = CoreIndicatorSubmission.objects.select_related("organisation")
    for submission in counts:
        lines.append(f"Core indicators: {submission.counts.count()} counts from "
                     f"{submission.organisation} (/exchange/core-indicators/, emre acting for it).")
    lines += programmes_demo.summary()
    lines.append(f"Learning: {Publication.objects.count()} publications in the library, "
                 f"{Lesson.objects.count()} lessons learned (/learning/library/; emre "
                 "records lessons, everyone reads them).")
    lines.append("Statistics: /reports/ (fatima: her organisation's real counts; chen and "
                 "dana: all organisations, small counts hidden).")
    return lines
