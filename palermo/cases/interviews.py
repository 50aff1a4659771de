"""Interviews: questionnaire responses about a case, and the write-through of their answers.

A question bound with ``palermo_field`` writes its answer to the case through the case
module's own functions (:func:`casework.update_case`, :func:`services.update_person`,
:func:`screening.record`), so the history, the fact row and the access policy apply exactly
as when a caseworker edits the case by hand. The targets are registered here (see
:mod:`palermo.questionnaires.bindings`) and listed in docs/questionnaires.md:

* ``case.<field>`` — the case fields of :data:`CASE_TARGETS`;
* ``person.<field>`` — the person's details of :data:`PERSON_TARGETS`;
* ``followup.<field>`` — the outcome fields of :data:`FOLLOWUP_TARGETS`, recorded on the
  case's next scheduled follow-up (or an ad-hoc one made that day), which is then done;
* ``screening.<indicator>`` (an indicator of :data:`eligibility.INDICATORS`, answered yes /
  no / unknown / declined), ``screening.age`` and ``screening.decision``: together they
  record a screening decision beside ``screening_recommendation``, for a supervisor to
  approve. Without ``screening.decision`` the decision is the recommendation.

IOM's HTCDS XLSForm has no ``palermo_field`` column: its field names are bound by
:data:`HTCDS_BINDINGS`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.cases import casework, followups, screening, services
from palermo.cases.answers import DECLINED as DECLINED_CHOICE
from palermo.cases.answers import MultiChoiceField
from palermo.cases.eligibility import (
    INDICATORS,
    Answer,
    ScreeningFacts,
    screening_recommendation,
)
from palermo.cases.models import Case, CaseInterview, FollowUp
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Country, Membership
from palermo.questionnaires import bindings, engine
from palermo.questionnaires import services as forms
from palermo.questionnaires.models import FormVersion, Submission, SubmissionStatus

TEXT = {"text", "calculate"}
ONE = {"select_one", "text", "calculate"}
MANY = {"select_multiple"}
NUMBER = {"integer", "calculate"}
DATE = {"date", "calculate"}

CASE_TARGETS: dict[str, set[str]] = {
    "identified_on": DATE, "identification_country": ONE, "identification_place": TEXT,
    "identifying_agency": ONE, "trafficking_status": ONE, "status_decided_by": ONE,
    "trafficking_type": ONE, "origin_country": ONE, "transit_countries": MANY,
    "exploitation_countries": MANY, "exploitation_types": MANY, "means_of_control": MANY,
    "forced_labour_industries": MANY, "sexual_exploitation_types": MANY,
    "recruitment_methods": MANY, "recruiter_relationship": ONE,
    "age_at_exploitation": NUMBER, "exploitation_months": NUMBER, "knew_risks": ONE,
    "awareness_sources": MANY,
}
PERSON_TARGETS: dict[str, set[str]] = {
    "given_name": TEXT, "middle_name": TEXT, "family_name": TEXT, "aliases": TEXT,
    "birth_date": DATE, "phone": TEXT, "email": TEXT, "address": TEXT,
    "identity_number": TEXT, "gender": ONE, "citizenship": ONE, "education": ONE,
    "marital_status": ONE, "children": NUMBER,
}
FOLLOWUP_TARGETS: dict[str, set[str]] = {
    "living_situation": ONE, "income": ONE, "health": ONE, "safety": ONE,
    "retrafficked": ONE, "notes": TEXT,
}
COUNTRY_FIELDS = {"identification_country", "origin_country", "citizenship"}
COUNTRY_LISTS = {"transit_countries", "exploitation_countries"}
# IOM's HTCDS Core XLSForm: question name → target (the form has no palermo_field column).
HTCDS_BINDINGS = {
    "prs_First_Name": "person.given_name", "prs_Second_Name": "person.family_name",
    "prs_Birthdate": "person.birth_date", "prs_Gender": "person.gender",
    "prs_Citizenship": "person.citizenship", "prs_Email": "person.email",
    "prs_MobilePhone": "person.phone",
    "vic_MethodOfRecruitment": "case.recruitment_methods",
    "vic_TraffickingStatus": "case.trafficking_status",
    "vic_TraffickingStatusDecisionMakingOrg": "case.status_decided_by",
    "vic_Methods_of_Control": "case.means_of_control",
    "vic_TypeOfExploitation": "case.exploitation_types",
    "vic_ForcedLabourIndustry": "case.forced_labour_industries",
    "vic_TypeOfSexExploitation": "case.sexual_exploitation_types",
}


def _register() -> None:
    for name, types in CASE_TARGETS.items():
        bindings.register(f"case.{name}", f"Case: {name.replace('_', ' ')}", types)
    for name, types in PERSON_TARGETS.items():
        bindings.register(f"person.{name}", f"Person: {name.replace('_', ' ')}", types)
    for name, types in FOLLOWUP_TARGETS.items():
        bindings.register(f"followup.{name}", f"Follow-up: {name.replace('_', ' ')}", types)
    for element, indicators in INDICATORS.items():
        for key, words in indicators.items():
            bindings.register(f"screening.{key}", f"Screening, {element}: {words}", ONE)
    bindings.register("screening.age", "Screening: age at the time of the events", NUMBER)
    bindings.register("screening.decision", "Screening: the caseworker's decision", ONE)
    for question, target in HTCDS_BINDINGS.items():
        bindings.register_default(question, target)


_register()


# ------------------------------------------------------------------ access
def visible_interviews(membership: Membership | None, case: Case) -> models.QuerySet:
    """The interviews of a case this member may see (newest first)."""
    return access.visible(membership, CaseInterview.objects.filter(case=case)).select_related(
        "submission__version__form").order_by("-submission__started_on", "-pk")


def visible_responses(membership: Membership | None) -> models.QuerySet[Submission]:
    """Every response this member may open: the questionnaire rules for responses not
    about a case, the case's rules for interviews."""
    interviews = access.visible(membership, CaseInterview.objects.all())
    return Submission.objects.filter(
        models.Q(pk__in=forms.visible_submissions(membership).values("pk"))
        | models.Q(about_case=True, pk__in=interviews.values("submission_id")))


def get_response(membership: Membership | None, pk: int) -> Submission:
    """A response this member may open (403 when their role opens none, else 404)."""
    found = Submission.objects.select_related("version__form").filter(pk=pk).first()
    if found is None or not found.about_case:
        return forms.get_submission(membership, pk)
    # An interview is an identity record: 403 for roles that never see one, 404 for
    # another organisation's case (get_visible).
    access.get_visible(membership, CaseInterview.objects.all(), submission_id=pk)
    return found


def case_of(submission: Submission) -> Case | None:
    """The case a response is about, or None."""
    link = CaseInterview.objects.select_related("case").filter(submission=submission).first()
    return link.case if link else None


def may_fill(membership: Membership | None, submission: Submission) -> bool:
    """May this member go on filling in this draft? An interview: whoever may change the
    case; any other response: as :func:`questionnaires.services.may_fill` says."""
    case = case_of(submission) if submission.about_case else None
    if case is not None:
        return access.can(membership, Action.CHANGE, case)
    return forms.may_fill(membership, submission)


def may_change(membership: Membership | None, submission: Submission) -> bool:
    """May this member correct the answers of this (submitted) response?"""
    case = case_of(submission) if submission.about_case else None
    if case is not None:
        return access.can(membership, Action.CHANGE, case)
    return access.can(membership, Action.CHANGE, submission) and \
        not submission.version.confidential


def _checked_case(membership: Membership, submission: Submission) -> Case | None:
    case = case_of(submission) if submission.about_case else None
    if case is not None:
        access.require(membership, Action.CHANGE, case)
    return case


# ------------------------------------------------------------------- flows
@transaction.atomic
def start_interview(membership: Membership, case: Case, version: FormVersion, *,
                    source: str, language: str = "") -> Submission:
    """A draft response about *case*, linked to it from the start; *source*: the channel
    (web, api) it comes through."""
    access.require(membership, Action.CHANGE, case)
    if version.confidential:
        raise ValidationError(_("A confidential form cannot be an interview about a case."))
    submission = forms.start(membership, version, language=language, source=source)
    submission.about_case = True
    submission.save(update_fields=["about_case"])
    CaseInterview.objects.create(case=case, submission=submission)
    return submission


@transaction.atomic
def record_interview(membership: Membership, case: Case,
                     submission: Submission) -> CaseInterview:
    """Link *submission* to *case*; a submitted one's bound answers are written through."""
    access.require(membership, Action.CHANGE, case)
    if submission.version.confidential:
        raise ValidationError(_("A confidential response cannot be linked to a case."))
    link = CaseInterview.objects.filter(submission=submission).first()
    if link is not None and link.case_id != case.pk:
        raise ValidationError(_("This response is already about another case."))
    if link is None:
        if not submission.about_case:
            forms.get_submission(membership, submission.pk)  # theirs to link
        link = CaseInterview.objects.create(case=case, submission=submission)
        submission.about_case = True
        submission.save(update_fields=["about_case"])
    if submission.status == SubmissionStatus.SUBMITTED:
        write_through(membership, link)
    return link


def save_draft(membership: Membership, submission: Submission,
               answers: dict[str, Any], *, seen: dt.datetime | None = None) -> Submission:
    """Keep unfinished answers of any response (an interview if the case allows)."""
    case = _checked_case(membership, submission)
    return forms.save_draft(membership, submission, answers,
                            case_access_checked=case is not None, seen=seen)


@transaction.atomic
def submit_response(membership: Membership, submission: Submission,
                    answers: dict[str, Any], *, today: dt.date | None = None,
                    seen: dt.datetime | None = None) -> Submission:
    """Submit any response; an interview's bound answers are written to its case in the
    same transaction (a refusal by the case leaves nothing submitted)."""
    case = _checked_case(membership, submission)
    submitted = forms.submit(membership, submission, answers, today=today,
                             case_access_checked=case is not None, seen=seen)
    if case is not None:
        write_through(membership, CaseInterview.objects.get(submission=submitted))
    return submitted


@transaction.atomic
def change_answer(membership: Membership, submission: Submission, question: str,
                  value: Any, reason: str):
    """Correct one submitted answer (history kept); an interview's bound answer is written
    to the case again."""
    case = _checked_case(membership, submission)
    change = forms.change_answer(membership, submission, question, value, reason,
                                 case_access_checked=case is not None)
    if case is not None:
        write_through(membership, CaseInterview.objects.get(submission=submission),
                      only={question})
    return change


# ------------------------------------------------------------ write-through
def _country(value: Any) -> str | None:
    code = str(value or "").strip().upper()
    found = Country.objects.filter(models.Q(code=code) | models.Q(alpha2=code)).first()
    if found is None:
        raise ValidationError(_("'%(code)s' is not an ISO 3166 country code.") % {
            "code": engine.choice_names_only([value])[0]})
    return found.code


def _field_value(model, name: str, value: Any) -> tuple[str, Any] | None:
    """(model attribute, value) for an answer; None when nothing should be written."""
    field = model._meta.get_field(name)
    if value == engine.DECLINED:
        if isinstance(field, MultiChoiceField):
            return name, [DECLINED_CHOICE]
        if field.choices and DECLINED_CHOICE in {c for c, _label in field.choices}:
            return name, DECLINED_CHOICE
        return None  # a declined name or number is simply not written
    if name in COUNTRY_FIELDS:
        return f"{name}_id", _country(value) if value not in (None, "") else None
    if name in COUNTRY_LISTS:
        return name, [_country(v) for v in (value or [])]
    if isinstance(field, models.DateField) and isinstance(value, str):
        return name, dt.date.fromisoformat(value[:10])
    if isinstance(field, models.PositiveSmallIntegerField | models.IntegerField):
        return name, int(float(value)) if value not in (None, "") else None
    if isinstance(field, MultiChoiceField) or isinstance(field, models.JSONField):
        return name, list(value) if isinstance(value, list) else str(value).split()
    return name, "" if value is None else str(value)


def bound_answers(submission: Submission) -> list[tuple[str, str, Any]]:
    """(question name, target, answer) for every answered top-level bound question."""
    every = engine.questions(submission.version.definition)
    repeats = {q.name for q in every if q.type == "repeat"}
    return [(q.name, q.palermo_field, submission.answers[q.name]) for q in every
            if q.palermo_field and not repeats & set(q.path) and q.name in submission.answers]


def write_through(membership: Membership, interview: CaseInterview, *,
                  only: set[str] | None = None) -> None:
    """Write the bound answers of *interview* to its case, person and screening. A value
    the case refuses is reported against the question that gave it."""
    submission, case = interview.submission, interview.case
    reason = _("Interview %(form)s, response %(pk)s") % {
        "form": submission.version.form.title, "pk": submission.pk}
    parts: dict[str, dict[str, Any]] = {"case": {}, "person": {}, "screening": {},
                                        "followup": {}}
    models_of = {"case": Case, "person": type(case.person), "followup": FollowUp}
    origin: dict[str, str] = {}
    try:
        for question, target, value in bound_answers(submission):
            if only is not None and question not in only:
                continue
            part, name = target.split(".", 1)
            if part == "screening":
                parts[part][name] = value
            else:
                pair = _field_value(models_of[part], name, value)
                if pair is not None:
                    parts[part][pair[0]] = pair[1]
            origin[name] = origin[name + "_id"] = question
    except ValidationError as exc:
        raise forms.AnswersRefused({question: exc.messages}) from exc
    try:
        if parts["case"]:
            casework.update_case(membership, case, version=Case.objects.get(
                pk=case.pk).version, reason=reason, **parts["case"])
        if parts["person"]:
            services.update_person(membership, case.person, reason=reason, **parts["person"])
        if parts["screening"]:
            _record_screening(membership, case, parts["screening"])
        if parts["followup"]:
            _record_follow_up(membership, case, parts["followup"])
    except ValidationError as exc:
        problems = {origin.get(field, field): messages for field, messages in (
            exc.message_dict.items() if hasattr(exc, "error_dict") else
            [("__all__", exc.messages)])}
        raise forms.AnswersRefused(problems) from exc
    interview.written_through = timezone.now()
    interview.save(update_fields=["written_through"])


def _record_follow_up(membership: Membership, case: Case, fields: dict[str, Any]) -> None:
    due = case.follow_ups.filter(status=FollowUp.Status.SCHEDULED).order_by("due_on").first()
    if due is None:
        due = followups.add_follow_up(membership, case, timezone.localdate())
    followups.record_follow_up(membership, due, status=FollowUp.Status.DONE, **fields)


def _record_screening(membership: Membership, case: Case, given: dict[str, Any]) -> None:
    answers = {}
    for key, value in given.items():
        if key in ("age", "decision"):
            continue
        value = str(value).lower()
        answers[key] = Answer.DECLINED.value if value == engine.DECLINED else value
    age_given = given.get("age")
    age_declined = age_given == engine.DECLINED
    age = None if age_declined or age_given in (None, "") else int(float(age_given))
    decision = given.get("decision")
    if not decision or decision == engine.DECLINED:
        facts = ScreeningFacts({k: Answer(v) for k, v in answers.items()
                                if v in Answer._value2member_map_}, age, age_declined)
        decision = screening_recommendation(facts).outcome.value
    screening.record(membership, case, answers=answers, decision=decision, age=age,
                     age_declined=age_declined,
                     differing_reason=_("Decided in the screening interview."))
