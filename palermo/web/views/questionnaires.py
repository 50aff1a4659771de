"""Filling in forms: the list of forms, the form itself with live skip logic (htmx round
trips to the one server engine), drafts, review, submission, and corrected answers.

The page never evaluates an expression: every change posts the answers, the server runs
:func:`engine.evaluate_form` and sends back the questions block.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.cases import interviews
from palermo.core import access
from palermo.core.access import Action
from palermo.questionnaires import confidential, engine, services
from palermo.questionnaires.models import (
    Form,
    Submission,
    SubmissionSource,
    SubmissionStatus,
    VersionStatus,
)
from palermo.web.views.questionnaires_render import (
    Renderer,
    change_repeats,
    summary,
    to_fields,
)


@login_required
def form_list(request):
    """Published forms this member may fill in, and their own drafts."""
    access.require(request.membership, Action.VIEW, Form)
    forms = [(form, form.published()) for form in
             services.visible_forms(request.membership).order_by("title")]
    return render(request, "web/questionnaires/list.html", {
        "forms": [(f, v) for f, v in forms if v is not None],
        "may_respond": access.can(request.membership, Action.CREATE, Submission),
        "may_manage": access.can(request.membership, Action.CREATE, Form),
    })


@login_required
@require_POST
def response_start(request, pk: int):
    """Start a response with a published version (a confidential one is filled at once,
    never kept as a draft)."""
    access.require(request.membership, Action.CREATE, Submission)
    version = services.get_version(request.membership, pk)
    if version.status != VersionStatus.PUBLISHED:
        raise PermissionDenied
    if version.confidential:
        return redirect("web:form_respond", pk=version.pk)
    response = services.start(request.membership, version,
                              language=request.POST.get("lang", ""), source=SubmissionSource.WEB)
    return redirect("web:response_fill", pk=response.pk)


def _answers(request, definition: dict) -> dict:
    answers = engine.from_fields(definition, request.POST.getlist)
    action = request.POST.get("_action", "")
    if action.startswith(("add:", "remove:")):
        answers = change_repeats(answers, action)
    return answers


def _seen(request) -> dt.datetime | None:
    """When the draft on the page was last saved (the hidden ``_seen`` field), if given."""
    try:
        return dt.datetime.fromisoformat(request.POST.get("_seen", ""))
    except ValueError:
        return None


def _language(request, definition: dict, default: str = "") -> tuple[str, list[str]]:
    choices = engine.languages(definition)
    wanted = request.POST.get("lang") or request.GET.get("lang") or default
    return (wanted if wanted in choices else (choices[0] if choices else "")), choices


def fill(request, *, version, submission: Submission | None, mode: str, token: str = ""):
    """The form page for *mode* ``response`` (a saved draft), ``anonymous`` (a confidential
    response, carried by the page until submitted), ``invitation`` (the same, answered
    through the invitation *token*) or ``preview`` (nothing saved)."""
    definition = version.definition
    language, languages = _language(request, definition,
                                    submission.language if submission else "")
    action = request.POST.get("_action", "") if request.method == "POST" else ""
    if request.method == "POST":
        answers = _answers(request, definition)
    else:
        answers = dict(submission.answers) if submission else engine.initial_answers(
            definition)
    full_check = action in ("review", "submit")
    state = engine.evaluate_form(definition, answers, partial=not full_check)
    context = {"version": version, "submission": submission, "mode": mode,
               "language": language, "languages": languages,
               "self_url": request.path,
               # the draft as the page first showed it, kept through re-renders
               "seen": request.POST.get("_seen") or (
                   submission.updated_at.isoformat() if submission and submission.updated_at
                   else "")}

    if action == "save" and mode == "response":
        try:
            interviews.save_draft(request.membership, submission, answers,
                                  seen=_seen(request))
        except ValidationError as exc:  # submitted or saved elsewhere meanwhile
            context.update(items=Renderer(definition, answers, state, language).items(),
                           error_count=1, form_errors=exc.messages)
            return render(request, "web/questionnaires/fill.html", context, status=409)
        messages.success(request, _("Draft saved. You can come back to it from “My "
                                    "responses”."))
        return redirect("web:response_fill", pk=submission.pk)
    if action in ("review", "submit") and not state.errors:
        if action == "submit":
            return _submit(request, version, submission, mode, answers, context, token)
        return render(request, "web/questionnaires/review.html", {
            **context, "rows": summary(definition, state.values, language),
            "fields": to_fields(definition, answers)})

    items = Renderer(definition, answers, state, language,
                     show_errors=request.method == "POST").items()
    context.update(items=items, error_count=len(state.errors) if full_check else 0)
    if request.htmx and not full_check:
        return render(request, "web/questionnaires/_questions.html", context)
    return render(request, "web/questionnaires/fill.html", context,
                  status=422 if full_check and state.errors else 200)


def _submit(request, version, submission, mode, answers, context, token=""):
    if mode == "preview":
        messages.success(request, _("Preview: these answers are valid. Nothing was saved."))
        return redirect("web:form_preview", pk=version.pk)
    try:
        if mode == "invitation":
            confidential.respond(token, answers)
            request.session.pop(INVITATION_TOKEN, None)
            return render(request, "web/questionnaires/invitations_closed.html",
                          {"thanks": True})
        if submission is None:
            submission = services.start(request.membership, version,
                                        language=context["language"], source=SubmissionSource.WEB)
        done = interviews.submit_response(request.membership, submission, answers,
                                          seen=_seen(request))
    except confidential.InvitationRefused as exc:
        return invitation_closed(request, exc)
    except ValidationError as exc:
        state = engine.evaluate_form(version.definition, answers)
        problems = getattr(exc, "problems", None) or {"__all__": exc.messages}
        state.errors = problems
        context.update(items=Renderer(version.definition, answers, state,
                                      context["language"]).items(),
                       error_count=len(problems), form_errors=problems.get("__all__", []))
        return render(request, "web/questionnaires/fill.html", context, status=422)
    messages.success(request, _("Thank you: the response was submitted."))
    if done.pk and not version.confidential:
        return redirect("web:response_detail", pk=done.pk)
    return redirect("web:form_list")


# The session key holding an invitation token while its survey is answered: the token is
# in the link's URL once, then never in a URL that a log would keep with a time.
INVITATION_TOKEN = "palermo_invitation"


def invitation_closed(request, refused: ValidationError):
    """The page of an invitation that cannot be used (unknown, used, survey closed)."""
    return render(request, "web/questionnaires/invitations_closed.html",
                  {"reason": " ".join(refused.messages)}, status=410)


@login_required
def response_fill(request, pk: int):
    """Fill in (or resume) a draft response."""
    submission = interviews.get_response(request.membership, pk)
    if submission.status != SubmissionStatus.DRAFT:
        return redirect("web:response_detail", pk=pk)
    if not interviews.may_fill(request.membership, submission):
        raise PermissionDenied
    return fill(request, version=submission.version, submission=submission, mode="response")


@login_required
def form_respond(request, pk: int):
    """Answer a confidential form: nothing is stored until the response is submitted."""
    access.require(request.membership, Action.CREATE, Submission)
    version = services.get_version(request.membership, pk)
    if version.status != VersionStatus.PUBLISHED or not version.confidential:
        raise PermissionDenied
    return fill(request, version=version, submission=None, mode="anonymous")


@login_required
def response_list(request):
    """My drafts and submissions; supervisors and M&E officers also see their
    organisation's (never confidential responses, never a case's interviews here)."""
    membership = request.membership
    if not services.may_list_responses(membership):
        raise PermissionDenied
    visible = services.visible_submissions(membership).select_related(
        "version__form", "author").order_by("-started_on", "-pk")
    mine = visible.filter(author=membership.user)
    return render(request, "web/questionnaires/responses.html", {
        "drafts": mine.filter(status=SubmissionStatus.DRAFT),
        "submitted": mine.filter(status=SubmissionStatus.SUBMITTED),
        "others": visible.exclude(author=membership.user)[:200],
    })


@login_required
def response_detail(request, pk: int):
    """A submitted response: its answers and the history of corrections."""
    submission = interviews.get_response(request.membership, pk)
    language, _languages = _language(request, submission.version.definition,
                                     submission.language)
    return render(request, "web/questionnaires/detail.html", {
        "submission": submission, "case": interviews.case_of(submission),
        "rows": summary(submission.version.definition, submission.answers, language),
        "may_change": submission.status == SubmissionStatus.SUBMITTED
        and interviews.may_change(request.membership, submission),
        "changes": submission.changes.select_related("changed_by"),
    })


@login_required
def response_change(request, pk: int):
    """Correct one answer of a submitted response, with the reason; history is kept."""
    submission = interviews.get_response(request.membership, pk)
    if not interviews.may_change(request.membership, submission):
        raise PermissionDenied
    key = request.GET.get("q") or request.POST.get("q", "")
    definition = submission.version.definition
    question = next((q for q in engine.questions(definition)
                     if q.name == key.rsplit(".", 1)[-1] and q.takes_answer), None)
    if question is None:
        raise PermissionDenied
    errors: list[str] = []
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        value = _posted_value(request, question, key)
        try:
            interviews.change_answer(request.membership, submission, key, value, reason)
        except ValidationError as exc:
            problems = getattr(exc, "problems", None)
            errors = (problems.get(key) or [m for v in problems.values() for m in v]
                      if problems else exc.messages)
        else:
            messages.success(request, _("Answer corrected; the change is in the history."))
            return redirect(reverse("web:response_detail", args=[pk]) + "#history")
    current = services.answer_at(submission.answers, key)
    state = engine.evaluate_form(definition, submission.answers)
    state.errors = {key: errors} if errors else {}
    item = next(i for i in _flatten(Renderer(definition, submission.answers, state,
                                             submission.language).items()) if i.key == key)
    if request.method == "POST":
        item.value = _posted_value(request, question, key)
    return render(request, "web/questionnaires/change.html", {
        "submission": submission, "item": item, "current": current, "reason": reason,
        "reason_missing": request.method == "POST" and not reason.strip()})


def _posted_value(request, question, key):
    if question.sensitive and request.POST.get(f"{key}.declined"):
        return engine.DECLINED
    given = [v for v in request.POST.getlist(key) if v != ""]
    if question.type == "select_multiple":
        return given
    return given[-1] if given else None


def _flatten(items):
    for item in items:
        yield item
        yield from _flatten(item.children)
        for _index, rows in item.instances:
            yield from _flatten(rows)
