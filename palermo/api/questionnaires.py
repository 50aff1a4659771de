"""API endpoints of the questionnaires module: thin — parse, call the domain, serialise.

The same rules as the pages: answers are checked by ``questionnaires.engine``; a response
about a case goes through ``cases.interviews`` (the case's access rules, write-through).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from ninja import Field, Router, Schema, Status

from palermo.api.common import REFUSED, visible_case
from palermo.api.schemas import Error, RecordId
from palermo.cases import interviews
from palermo.core import access
from palermo.core.access import Action
from palermo.questionnaires import services
from palermo.questionnaires.models import (
    Form,
    FormVersion,
    Submission,
    SubmissionSource,
    VersionStatus,
)

router = Router(tags=["questionnaires"])


class FormOut(Schema):
    """A form's published (or chosen) version, without its definition."""
    name: str
    title: str
    kind: str
    number: int
    version_label: str
    status: str
    confidential: bool
    threshold: int


class DefinitionOut(FormOut):
    """A form version with its parsed definition."""
    definition: dict[str, Any]


class AnswersIn(Schema):
    """A response to submit."""
    answers: dict[str, Any] = Field(..., description="question name → answer; repeats as "
                                    "lists of objects; '__declined__' on sensitive questions")
    case: RecordId | None = Field(None, description="the case an interview is about")
    language: str = ""


class SubmissionOut(Schema):
    """A response as the API returns it."""
    id: int
    form: str
    version: int
    status: str
    source: str
    case: int | None = None
    started_on: dt.date
    submitted_on: dt.date | None
    answers: dict[str, Any]


class AnswerProblems(Schema):
    """Refused answers: question key -> messages."""
    detail: str
    fields: dict[str, list[str]]


def _form_out(version: FormVersion) -> dict:
    return {"name": version.form.name, "title": version.form.title,
            "kind": version.form.kind, "number": version.number,
            "version_label": version.version_label, "status": version.status,
            "confidential": version.confidential, "threshold": version.threshold}


def _submission_out(submission: Submission) -> dict:
    case = interviews.case_of(submission) if submission.about_case else None
    return {"id": submission.pk, "form": submission.version.form.name,
            "version": submission.version.number, "status": submission.status,
            "source": submission.source, "case": case.pk if case else None,
            "started_on": submission.started_on, "submitted_on": submission.submitted_on,
            "answers": submission.answers}


def _form(request, name: str) -> Form:
    access.require(request.membership, Action.VIEW, Form)
    form = services.visible_forms(request.membership).filter(name=name).first()
    if form is None:
        raise Http404
    return form


@router.get("", response={200: list[FormOut], 403: Error})
def list_forms(request):
    """Published forms the acting member may use (shared and their organisation's)."""
    access.require(request.membership, Action.VIEW, Form)
    found = []
    for form in services.visible_forms(request.membership).order_by("name"):
        version = form.published()
        if version is not None:
            found.append(_form_out(version))
    return found


@router.get("/{name}", response={200: DefinitionOut, **REFUSED})
def get_form(request, name: str, version: RecordId | None = None):
    """A form's definition (pyxform's JSON form, with ``palermo_field`` and ``sensitive``):
    the published version, or version *number* (drafts and retired versions only for those
    who manage the form)."""
    form = _form(request, name)
    if version is None:
        chosen = form.published()
    else:
        chosen = form.versions.filter(number=version).first()
        if (chosen is not None and chosen.status != VersionStatus.PUBLISHED
                and not services.may_change_form(request.membership, form)):
            chosen = None
    if chosen is None:
        raise Http404
    return {**_form_out(chosen), "definition": chosen.definition}


@router.post("/{name}/submissions", response={201: SubmissionOut, 422: AnswerProblems,
                                               **REFUSED})
def submit(request, name: str, payload: AnswersIn):
    """Submit a response with the published version; with ``case``, an interview about
    that case (its bound answers are written to the case)."""
    access.require(request.membership, Action.CREATE, Submission)
    form = _form(request, name)
    version = form.published()
    if version is None:
        raise Http404
    membership = request.membership
    try:
        with transaction.atomic():  # a refused response leaves no draft behind
            if payload.case is not None:
                case = visible_case(request, payload.case)
                response = interviews.start_interview(membership, case, version,
                                                      language=payload.language,
                                                      source=SubmissionSource.API)
            else:
                response = services.start(membership, version, language=payload.language,
                                          source=SubmissionSource.API)
            done = interviews.submit_response(membership, response, payload.answers)
    except ValidationError as exc:
        fields = getattr(exc, "problems", None) or (
            exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages})
        return Status(422, {"detail": "invalid", "fields": fields})
    if version.confidential:  # nothing to read back: the response is anonymous
        return Status(201, {"id": 0, "form": form.name, "version": version.number,
                            "status": done.status, "source": done.source,
                            "started_on": done.started_on, "submitted_on": done.submitted_on,
                            "answers": {}})
    return Status(201, _submission_out(done))


@router.get("/{name}/submissions", response={200: list[SubmissionOut], **REFUSED})
def list_submissions(request, name: str, status: str = ""):
    """Responses to this form the acting member may open (their own; their organisation's
    for supervisors and M&E officers; interviews of cases they may see)."""
    membership = request.membership
    if not services.may_list_responses(membership):
        raise PermissionDenied
    form = _form(request, name)
    found = interviews.visible_responses(membership).filter(version__form=form).select_related(
        "version__form").order_by("-pk")
    if status:
        found = found.filter(status=status)
    return [_submission_out(s) for s in found[:500]]


@router.get("/{name}/submissions/{pk}", response={200: SubmissionOut, **REFUSED})
def get_submission(request, name: str, pk: RecordId):
    """One response (403 for roles that neither see nor make responses, else 404)."""
    submission = interviews.get_response(request.membership, pk)
    if submission.version.form.name != name:
        raise Http404
    return _submission_out(submission)
