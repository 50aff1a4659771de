"""Demo questionnaires: the shipped instruments published, a few case interviews, the
confidential staff survey with invitations and anonymous responses, and survey and test
responses — all synthetic, made through the questionnaire and case modules' own functions.

Part of ``palermo demo`` (:mod:`palermo.demo`). Every step skips what already exists, so
running it again adds nothing. Free-text answers say :data:`DATA_MARK`; answers are stored
encrypted like every response.

Loading an XLSForm file takes a moment (pyxform builds the XForm of each form), so
:func:`start_loading` reads the files in worker threads while the demo creates its cases;
the threads touch no database.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from palermo.cases import interviews
from palermo.cases.models import Case, CaseInterview
from palermo.core.models import Membership
from palermo.questionnaires import bindings, confidential, odk_import, services
from palermo.questionnaires.loader import FormRejected, LoadedForm, load_xlsform
from palermo.questionnaires.models import (
    Form,
    FormVersion,
    Invitation,
    Submission,
    SubmissionSource,
)

INSTRUMENTS = Path(__file__).parent / "questionnaires" / "instruments"
DATA_MARK = "Synthetic demo data"
log = logging.getLogger("palermo.demo")


@dataclass
class Loaded:
    """An instrument file read in a worker thread: the file and the checked form, or why
    it could not be read."""

    path: Path
    data: bytes
    form: LoadedForm | None
    problem: str = ""


def _load(path: Path) -> Loaded:
    data = path.read_bytes()
    try:
        return Loaded(path, data, load_xlsform(data, path.name))
    except (FormRejected, OSError) as exc:  # OSError: an instrument file could not be read
        return Loaded(path, data, None, str(exc))


def start_loading(pool: Executor) -> list[Future]:
    """Start reading every shipped instrument not yet published, in *pool*'s threads."""
    bindings.targets()  # discover the binding targets once, before the threads read them
    published = set(Form.objects.filter(versions__status="published")
                    .values_list("name", flat=True))
    return [pool.submit(_load, path) for path in sorted(INSTRUMENTS.glob("*.xlsx"))
            if path.stem not in published]


def publish_instruments(admin: Membership, loading: list[Future]) -> dict[str, FormVersion]:
    """Store and publish the loaded instruments as shared forms (as ``palermo form load
    --publish`` does). Returns every published form version by form id."""
    for future in loading:
        loaded = future.result()
        if loaded.form is None:
            log.warning("Demo: %s not loaded: %s", loaded.path.name, loaded.problem)
            continue
        existing = Form.objects.filter(name=loaded.form.form_id).first()
        if existing is not None and existing.published() is not None:
            continue
        version = services.store_version(loaded.form, loaded.data, loaded.path.name,
                                         organisation=None, user=admin.user)
        services.publish(admin, version)
    return {form.name: form.published() for form in Form.objects.filter(
        organisation=None, versions__status="published").distinct()}


# ------------------------------------------------------------------ case interviews
def _submit_interview(member: Membership, case: Case, version: FormVersion, answers: dict,
                      day: dt.date) -> Submission:
    draft = interviews.start_interview(member, case, version, source=SubmissionSource.WEB)
    return interviews.submit_response(member, draft, answers, today=day)


def _screening_answers(rng: random.Random, case: Case) -> dict:
    yes_no = ("yes", "yes", "no", "unknown")
    answers = {"consent": "yes", "age": str(rng.randint(19, 40)),
               "interviewer_notes": DATA_MARK}
    for name in ("recruitment", "transportation", "transfer", "harbouring", "receipt",
                 "threat", "force", "coercion", "abduction", "fraud", "deception",
                 "abuse_of_power", "abuse_of_vulnerability", "payments", "slavery",
                 "servitude", "organ_removal", "forced_begging", "forced_marriage",
                 "criminal_activities"):
        answers[name] = rng.choice(yes_no) if name in (
            "recruitment", "transportation", "harbouring", "threat", "coercion",
            "deception", "abuse_of_vulnerability") else "no"
    answers["recruitment"] = "yes"
    answers["deception"] = "yes"
    sexual = "SexualExploitation" in (case.exploitation_types or [])
    answers["sexual_exploitation"] = "yes" if sexual else "no"
    answers["forced_labour"] = "no" if sexual else "yes"
    answers["immediate_danger"] = "no"
    return answers


def _followup_answers(rng: random.Random) -> dict:
    return {"reached": "yes",
            "living_situation": rng.choice(["own_home", "family", "family", "shelter"]),
            "income": rng.choice(["employed", "self_employed", "training", "no_income"]),
            "health": rng.choice(["good", "good", "fair"]),
            "safety": "safe", "retrafficked": "no", "notes": DATA_MARK}


def _assistance_answers(case: Case) -> dict:
    return {"exploitation_types": " ".join(case.exploitation_types or ["Unknown"]),
            "knew_risks": "yes", "awareness_sources": "social_media friends",
            "recruitment_methods": "ThroughOnlineSocialNetworks",
            "services_needed": "shelter medical legal_aid",
            "services": [{"service_type": "shelter", "service_provider": "own"},
                         {"service_type": "legal_aid", "service_provider": "partner_ngo"}]}


def add_interviews(member: Membership, versions: dict[str, FormVersion],
                   rng: random.Random) -> int:
    """Interviews about the caseworker's cases: screenings waiting for the supervisor,
    follow-ups recorded on the case, an assistance interview and one unfinished draft.
    Returns how many were made."""
    needed = ("screening_interview", "followup_interview", "assistance_interview")
    if any(versions.get(name) is None for name in needed) or CaseInterview.objects.filter(
            case__organisation=member.organisation).exists():
        return 0
    today = timezone.localdate()
    cases = Case.objects.filter(organisation=member.organisation,
                                opened_on__lte=today).order_by("pk")
    active = list(cases.filter(status="Active")[:4])
    following = list(cases.filter(status="FollowUp")[:2])
    for case in active[:3]:
        _submit_interview(member, case, versions["screening_interview"],
                          _screening_answers(rng, case), today)
    for case in following:
        _submit_interview(member, case, versions["followup_interview"],
                          _followup_answers(rng), today)
    made = len(active[:3]) + len(following)
    if len(active) > 3:
        _submit_interview(member, active[3], versions["assistance_interview"],
                          _assistance_answers(active[3]), today)
        # An interview begun and saved for later: it shows as a draft on the case.
        draft = interviews.start_interview(member, active[0],
                                           versions["followup_interview"],
                                           source=SubmissionSource.WEB)
        interviews.save_draft(member, draft, {"reached": "yes"})
        made += 2
    return made


# ---------------------------------------------------------------- staff survey
SCALE = ["never", "rarely", "sometimes", "often", "always"]
ADEQUACY = ["somewhat_adequate", "adequate", "adequate", "very_adequate", "totally_adequate"]
# Who answered, fixed so that some groups reach the survey's threshold (5) and others do
# not: by age, 25–34 and 35–44 are shown and the rest pooled; by sex, both are shown.
STAFF_AGES = ["25_34"] * 10 + ["35_44"] * 8 + ["under_25"] * 3 + ["45_54"] * 2 + ["55_plus"]
STAFF_SEXES = ["female"] * 14 + ["male"] * 10
STAFF_REGIONS = (["west_africa"] * 19 + ["east_africa"] * 2 + ["western_europe"] * 2
                 + ["north_africa"])


def _staff_answers(rng: random.Random, age: str, sex: str, region: str) -> dict:
    direct = rng.random() < 0.6
    answers = {
        "a1_title": DATA_MARK,
        "a2_position": rng.choice(["victim_support", "victim_support", "coordinator",
                                   "middle", "operations", "trainer"]),
        "a3_responsibilities": " ".join(sorted(rng.sample(
            ["outreach", "intake", "services", "case_management", "referral", "training"],
            2))),
        "a4_organisation": "local_ngo",
        "a5_employed_years": str(round(rng.uniform(0.5, 12), 1)),
        "a6_ct_years": str(round(rng.uniform(0.5, 8), 1)),
        "a8_direct": "yes" if direct else "no",
        "a11_phenomenon": rng.choice(["yes", "yes", "yes", "unsure"]),
        "a12_countering": rng.choice(["yes", "yes", "no", "unsure"]),
        "b9_coordinates": rng.choice(["yes", "yes", "no", "dk"]),
        "b13_impact": rng.choice(["yes", "yes", "dk"]),
        "c1_required_definition": rng.choice(["yes", "no", "dk"]),
        "c3_definition": "palermo",
        "c4_fit": rng.choice(["very_well", "well", "well", "adequate", "less_than_adequate"]),
        "d1_criminal_offence": "yes",
        "d2_matches_palermo": rng.choice(["yes", "yes", "women_children", "unclear"]),
        "e1_feedback": rng.choice(["used", "used", "not_always", "no"]),
        "e3_evaluation": rng.choice(["yes", "no", "dk"]),
        "f1_age": age, "f2_sex": sex, "f3_region": region,
        "f4_english_first": rng.choice(["yes", "no", "no"]),
        "f5_languages": rng.choice(["english", "english national", "english french"]),
    }
    if direct:
        answers["a8a_caseload"] = str(rng.randint(3, 25))
    for item in "abcde":
        answers[f"a10_{item}"] = rng.choice(ADEQUACY)
        answers[f"b1_{item}"] = rng.choice(SCALE[1:])
    return answers


def _kobo_export(records: list[dict], day: dt.date, tag: str) -> bytes:
    """A KoboToolbox JSON export of *records*, as the M&E officer downloads it."""
    rows = [{**answers, "_uuid": f"{tag}-{number:04d}",
             "_submission_time": f"{day - dt.timedelta(days=number % 9):%Y-%m-%d}T10:00:00"}
            for number, answers in enumerate(records, start=1)]
    return json.dumps(rows).encode()


def add_staff_survey(me_officer: Membership, supervisor: Membership, caseworker: Membership,
                     version: FormVersion | None, rng: random.Random) -> int:
    """The confidential staff survey at the M&E officer's organisation: the officer invites
    the organisation's members; the caseworker answers through the invitation link, the
    supervisor while signed in, the officer not yet; the field staff's answers, collected
    with KoboCollect, are imported. Returns the number of anonymous responses added."""
    if version is None or Invitation.objects.filter(form=version.form).exists():
        return 0
    today = timezone.localdate()
    people = list(zip(STAFF_AGES, STAFF_SEXES, STAFF_REGIONS, strict=True))
    rng.shuffle(people)
    answers = [_staff_answers(rng, *who) for who in people]
    members = [caseworker.user, supervisor.user, me_officer.user]
    issued = {i.invitation.invitee_id: i.token for i in confidential.invite(
        me_officer, version.form, members, today=today - dt.timedelta(days=30))}
    confidential.respond(issued[caseworker.user_id], answers[0],
                         today=today - dt.timedelta(days=27))
    services.submit(supervisor, services.start(supervisor, version, source=SubmissionSource.WEB),
                    answers[1], today=today - dt.timedelta(days=20))
    report = odk_import.import_submissions(
        me_officer, version, _kobo_export(answers[2:], today - dt.timedelta(days=14),
                                          "staff"), fmt=odk_import.KOBO_JSON)
    _check(report, "staff survey")
    return 2 + report.imported


def _check(report: odk_import.ImportReport, what: str) -> None:
    if report.problems:  # the demo's own answers must pass the form's rules
        raise ValueError(f"Demo {what} rejected: " + "; ".join(map(str, report.problems)))


# ------------------------------------------------------- surveys and tests
def _awareness(rng: random.Random, round_: str) -> dict:
    later = round_ == "followup"
    heard = rng.random() < (0.8 if later else 0.5)
    answers = {
        "round": round_, "age_band": rng.choice(["15_19", "20_24", "20_24", "25_34",
                                                 "35_49", "50_plus"]),
        "sex": rng.choice(["female", "female", "male"]),
        "plans_to_migrate": rng.choice(["yes", "no"]),
        "heard_of_trafficking": "yes" if heard else rng.choice(["no", "unsure"]),
        "knows_safe_migration": "yes" if rng.random() < (0.6 if later else 0.3) else "no",
        "knows_hotline": "yes" if rng.random() < (0.55 if later else 0.15) else "no",
    }
    if heard:
        answers["known_risks"] = " ".join(sorted(rng.sample(
            ["documents_taken", "debt", "unpaid", "locked_in", "forced_sex", "violence"],
            rng.randint(1, 4 if later else 2))))
        answers["sources"] = " ".join(sorted(rng.sample(
            ["campaign", "media", "social_media", "family", "friends", "ngo"], 2)))
    if later:
        saw = rng.random() < 0.6
        answers["saw_campaign"] = "yes" if saw else "no"
        if saw:
            answers["campaign_channel"] = rng.choice(["radio", "poster radio", "social_media"])
            answers["campaign_useful"] = rng.choice(["very", "very", "somewhat", "not"])
    return answers


def _knowledge(rng: random.Random, round_: str) -> dict:
    right = 0.8 if round_ == "post" else 0.45  # the chance of a right answer

    def pick(good: str, bad: list[str]) -> str:
        return good if rng.random() < right else rng.choice(bad)

    return {"test_round": round_,
            "profession": rng.choice(["police", "border", "social", "health", "ngo"]),
            "q1_elements": pick("amp", ["border_money", "force_only"]),
            "q2_child": pick("act_purpose", ["all", "means"]),
            "q3_consent": pick("true", ["false"]),
            "q4_border": pick("false", ["true"]),
            "q5_first": pick("safety", ["statement", "documents"])}


def _satisfaction(rng: random.Random) -> dict:
    received = sorted(rng.sample(["shelter", "medical", "psychosocial", "legal_aid"], 2))
    answers = {"respondent_type": "assisted", "services_received": " ".join(received),
               "overall": rng.choice(["5", "5", "4", "4", "3", "2"]),
               "treated_with_respect": rng.choice(["yes", "yes", "yes", "unsure"]),
               "recommend": rng.choice(["yes", "yes", "no"]), "improve": DATA_MARK}
    for service in received:
        answers[f"rating_{service}"] = rng.choice(["5", "4", "4", "3"])
    return answers


def _entered(member: Membership, version: FormVersion, answers: list[dict],
             day: dt.date) -> int:
    """Responses typed in on the web form by *member* (paper forms entered afterwards)."""
    for given in answers:
        services.submit(member, services.start(member, version, source=SubmissionSource.WEB),
                        given, today=day)
    return len(answers)


def add_surveys(me_officer: Membership, caseworker: Membership,
                versions: dict[str, FormVersion], rng: random.Random) -> dict[str, int]:
    """The awareness survey's baseline and follow-up rounds (imported from KoboToolbox),
    a pre/post training knowledge test and satisfaction feedback (entered on the web).
    Returns the responses added per form id."""
    today = timezone.localdate()
    added: dict[str, int] = {}

    def untouched(name: str) -> FormVersion | None:
        version = versions.get(name)
        if version is None or Submission.objects.filter(version__form=version.form).exists():
            return None
        return version

    if version := untouched("awareness_survey"):
        rounds = [("baseline", 240, 32), ("followup", 60, 30)]
        added["awareness_survey"] = 0
        for round_, days_ago, count in rounds:
            report = odk_import.import_submissions(
                me_officer, version, _kobo_export(
                    [_awareness(rng, round_) for _ in range(count)],
                    today - dt.timedelta(days=days_ago), f"awareness-{round_}"),
                fmt=odk_import.KOBO_JSON)
            _check(report, "awareness survey")
            added["awareness_survey"] += report.imported
    if version := untouched("knowledge_test"):
        added["knowledge_test"] = (
            _entered(me_officer, version, [_knowledge(rng, "pre") for _ in range(14)],
                     today - dt.timedelta(days=45))
            + _entered(me_officer, version, [_knowledge(rng, "post") for _ in range(13)],
                       today - dt.timedelta(days=40)))
    if version := untouched("satisfaction_feedback"):
        added["satisfaction_feedback"] = _entered(
            caseworker, version, [_satisfaction(rng) for _ in range(12)],
            today - dt.timedelta(days=10))
    return added
