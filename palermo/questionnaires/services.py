"""Workflows on forms and responses: upload, publish, retire; start, save, submit, correct.

Every function takes the acting membership and asks the access policy first. Answers are
checked by :mod:`engine` — the same rules as the pages, the API and the imports.

Responses about a case (``Submission.about_case``) are identity records: their access
follows the case, which this module cannot see. ``palermo.cases.interviews`` checks the
case and then calls these functions with ``case_access_checked=True``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.core.models import Membership, Organisation
from palermo.questionnaires import confidential, engine
from palermo.questionnaires.engine import AnswersRefused
from palermo.questionnaires.loader import FormProblem, FormRejected, LoadedForm, load_xlsform
from palermo.questionnaires.models import (
    AnswerChange,
    Form,
    FormVersion,
    Submission,
    SubmissionStatus,
    VersionStatus,
)


# ------------------------------------------------------------------- forms
def may_change_form(membership: Membership | None, form: Form) -> bool:
    """Shared instruments (no organisation) are changed only by those whose reach is all
    organisations (administrators); an organisation's forms by its M&E officers too."""
    return access.can_strict(membership, Action.CHANGE, form)


def may_share_forms(membership: Membership | None) -> bool:
    """May this member upload an instrument shared with every organisation?"""
    return access.scope(membership, Action.CREATE, "form") is Scope.ALL


def visible_forms(membership: Membership | None) -> models.QuerySet[Form]:
    """Forms this member may use: shared instruments and their own organisation's."""
    return access.own_or_unowned(membership, Form.objects.all())


def managed_forms(membership: Membership | None) -> list[Form]:
    """Forms whose versions this member may upload, publish and retire."""
    return [f for f in visible_forms(membership).order_by("title") if may_change_form(
        membership, f)]


def get_version(membership: Membership | None, pk: int) -> FormVersion:
    """A form version this member may see (403 for a role without forms, else 404)."""
    version = access.get_visible(membership, FormVersion.objects.select_related("form"),
                                 pk=pk)
    if version.form not in visible_forms(membership):
        from django.http import Http404
        raise Http404
    return version


def store_version(loaded: LoadedForm, data: bytes, filename: str, *,
                  organisation: Organisation | None, user=None) -> FormVersion:
    """Save a checked form as the next version of its form (a new form the first time).
    No access check: :func:`upload` checks; the ``palermo form load`` command is run by
    the server's administrator."""
    with transaction.atomic():
        form = Form.objects.select_for_update().filter(name=loaded.form_id).first()
        if form is None:
            form = Form(name=loaded.form_id, organisation=organisation)
        elif form.organisation_id != (organisation.pk if organisation else None):
            raise FormRejected([FormProblem(
                "settings", 2, "form_id",
                _("The form id '%(id)s' is already used by another organisation's form or a "
                  "shared instrument: choose another form_id.") % {"id": loaded.form_id})])
        form.title = loaded.title[:200]
        form.kind = loaded.kind
        form.save()
        number = (form.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        return FormVersion.objects.create(
            form=form, number=number, version_label=loaded.version_label[:100],
            definition=loaded.definition, source=data, source_name=filename[:200],
            confidential=loaded.confidential, threshold=loaded.threshold, uploaded_by=user)


def upload(membership: Membership, data: bytes, filename: str, *,
           shared: bool = False) -> FormVersion:
    """Check an XLSForm file and save it as a new draft version. Raises
    :class:`FormRejected` (nothing saved) or ``PermissionDenied``. ``shared``: an instrument
    for every organisation (administrators only)."""
    access.require(membership, Action.CREATE, Form)
    if shared and not may_share_forms(membership):
        raise PermissionDenied
    loaded = load_xlsform(data, filename)
    existing = Form.objects.filter(name=loaded.form_id).first()
    if existing is not None and not may_change_form(membership, existing):
        raise FormRejected([FormProblem(
            "settings", 2, "form_id",
            _("The form id '%(id)s' is already used by a form you may not change: choose "
              "another form_id.") % {"id": loaded.form_id})])
    organisation = existing.organisation if existing else (
        None if shared else membership.organisation)
    return store_version(loaded, data, filename, organisation=organisation,
                         user=membership.user)


def publish(membership: Membership, version: FormVersion) -> FormVersion:
    """Make *version* the one new responses use; the version published before retires."""
    if not may_change_form(membership, version.form):
        raise PermissionDenied
    return publish_from_command_line(version)


@transaction.atomic
def publish_from_command_line(version: FormVersion) -> FormVersion:
    """:func:`publish` without an access check: for ``palermo form load --publish``, run
    by the server's administrator."""
    version.form.versions.filter(status=VersionStatus.PUBLISHED).exclude(
        pk=version.pk).update(status=VersionStatus.RETIRED)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def retire(membership: Membership, version: FormVersion) -> FormVersion:
    """No new responses with *version*; those made with it keep it."""
    if not may_change_form(membership, version.form):
        raise PermissionDenied
    version.status = VersionStatus.RETIRED
    version.save(update_fields=["status"])
    return version


# --------------------------------------------------------------- responses
def may_list_responses(membership: Membership | None) -> bool:
    """Does this member's role see or make responses at all (else 403)?"""
    return access.reaches(membership, "submission", Action.VIEW, Action.CREATE)


def visible_submissions(membership: Membership | None) -> models.QuerySet[Submission]:
    """Responses this member may open one by one: their organisation's (supervisors, M&E
    officers) and their own. Never a confidential response, never one about a case (the
    case decides those)."""
    return access.visible_or_authored(membership, Submission.objects.all()).filter(
        about_case=False, version__confidential=False)


def may_fill(membership: Membership | None, submission: Submission) -> bool:
    """May this member go on filling in this (draft) response not about a case? Its
    author, and those who may change their organisation's responses."""
    return access.can_or_authored(membership, Action.CHANGE, submission)


def get_submission(membership: Membership | None, pk: int) -> Submission:
    """A response this member may open: 403 for a role that neither sees nor makes
    responses, 404 when it does not exist or is not theirs to see."""
    if not may_list_responses(membership):
        raise PermissionDenied
    try:
        return visible_submissions(membership).select_related("version__form").get(pk=pk)
    except Submission.DoesNotExist as exc:
        from django.http import Http404
        raise Http404 from exc


def _may_fill(membership: Membership, submission: Submission, checked: bool) -> None:
    if submission.about_case and not checked:
        raise PermissionDenied  # through palermo.cases.interviews, which asks the case
    if submission.pk is None or checked:
        return
    if not may_fill(membership, submission):
        raise PermissionDenied


def start(membership: Membership, version: FormVersion, *, source: str,
          language: str = "") -> Submission:
    """A new draft response with the version's defaults. A confidential response is not
    saved until it is submitted (it has no author to come back to it). *source*: the
    channel it comes through (:class:`SubmissionSource`), which each channel names."""
    access.require(membership, Action.CREATE, Submission)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This form version is not published."))
    today = timezone.localdate()
    submission = Submission(
        version=version, organisation=membership.organisation, source=source,
        author=None if version.confidential else membership.user, language=language[:40],
        answers=engine.initial_answers(version.definition, today=today), started_on=today,
        updated_at=None if version.confidential else timezone.now())
    if not version.confidential:
        submission.save()
    return submission


class DraftChanged(ValidationError):
    """The draft was saved or submitted elsewhere (another window, another member) since
    the page that sends these answers was opened."""


def _lock_draft(submission: Submission, seen: dt.datetime | None) -> None:
    """Lock the stored row of *submission* (call inside a transaction) and check that it is
    still the draft the caller opened: a save arriving after a submission in another
    window must not overwrite the checked answers, and two windows must not silently
    overwrite each other."""
    if submission.pk is None:
        return
    stored = Submission.objects.select_for_update().only("status", "updated_at").get(
        pk=submission.pk)
    if stored.status != SubmissionStatus.DRAFT:
        raise DraftChanged(_("This response was already submitted."))
    if seen is not None and stored.updated_at is not None and stored.updated_at != seen:
        raise DraftChanged(_("This draft was saved in another window or by someone else "
                             "after you opened it. Open it again to see those answers."))


@transaction.atomic
def save_draft(membership: Membership, submission: Submission, answers: dict[str, Any], *,
               case_access_checked: bool = False,
               seen: dt.datetime | None = None) -> Submission:
    """Keep unfinished answers (only the form's questions; nothing is refused). *seen*: the
    draft's ``updated_at`` when the page was opened (:class:`DraftChanged` if it moved)."""
    if submission.version.confidential:
        raise ValidationError(_("Confidential responses are not saved as drafts."))
    if submission.status != SubmissionStatus.DRAFT:
        raise ValidationError(_("This response was already submitted."))
    _may_fill(membership, submission, case_access_checked)
    _lock_draft(submission, seen)
    known = engine.answer_names(submission.version.definition)
    submission.answers = {k: v for k, v in answers.items() if k in known}
    submission.updated_at = timezone.now()
    submission.save(update_fields=["answers", "updated_at"])
    return submission


@transaction.atomic
def submit(membership: Membership, submission: Submission, answers: dict[str, Any], *,
           today: dt.date | None = None, case_access_checked: bool = False,
           seen: dt.datetime | None = None) -> Submission:
    """Check *answers* with the form's rules and submit. Raises :class:`AnswersRefused`
    with every problem; answers to questions not asked are dropped. A response is submitted
    once, even when two windows submit it at the same moment (:class:`DraftChanged`)."""
    if submission.status != SubmissionStatus.DRAFT:
        raise ValidationError(_("This response was already submitted."))
    if submission.pk is None:
        access.require(membership, Action.CREATE, Submission)
    _may_fill(membership, submission, case_access_checked)
    _lock_draft(submission, seen)
    day = today or timezone.localdate()
    state = engine.evaluate_form(submission.version.definition, answers, today=day)
    if state.errors:
        raise AnswersRefused(state.errors)
    submission.answers = state.values
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_on = day
    if submission.version.confidential:
        _make_anonymous(membership, submission)
    else:
        submission.updated_at = timezone.now()
    submission.save()
    return submission


def _make_anonymous(membership: Membership, submission: Submission) -> None:
    """Confidential: no author, no time finer than the day; the invitation (if any) is
    marked answered by the confidential module, never linked to the response."""
    submission.author = None
    submission.updated_at = None
    submission.external_id = ""
    submission.language = ""  # a rare language could single a respondent out
    submission.organisation = membership.organisation
    confidential.on_submit(membership, submission)


def _set(answers: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """A copy of *answers* with the answer at *key* (``name`` or ``repeat.i.name``)."""
    import copy

    changed = copy.deepcopy(answers)
    parts = key.split(".")
    target = changed
    while len(parts) > 1:
        name, index = parts[0], parts[1]
        rows = target.get(name)
        if not isinstance(rows, list) or not index.isdigit() or int(index) >= len(rows):
            raise ValidationError({key: _("No such question in this response.")})
        target, parts = rows[int(index)], parts[2:]
    if value in (None, "", []):
        target.pop(parts[0], None)
    else:
        target[parts[0]] = value
    return changed


def answer_at(answers: dict[str, Any], key: str) -> Any:
    """The answer at *key* (``name`` or ``repeat.i.name``), or None."""
    parts, target = key.split("."), answers
    while len(parts) > 1:
        rows = target.get(parts[0]) or []
        target = rows[int(parts[1])] if parts[1].isdigit() and int(parts[1]) < len(rows) else {}
        parts = parts[2:]
    return target.get(parts[0])


@transaction.atomic
def change_answer(membership: Membership, submission: Submission, question: str, value: Any,
                  reason: str, *, case_access_checked: bool = False) -> AnswerChange:
    """Correct one answer of a submitted response; the change (who, when, old → new, why)
    is kept. The whole response is checked again with the form's rules."""
    if submission.about_case and not case_access_checked:
        raise PermissionDenied
    if not case_access_checked and not access.can(membership, Action.CHANGE, submission):
        raise PermissionDenied
    if submission.version.confidential:
        raise PermissionDenied  # anonymous responses are not corrected one by one
    if submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted response has answers to correct."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the answer changes.")})
    # Two corrections at once: each must start from the answers the other saved, or the
    # second would silently undo the first while its AnswerChange row says otherwise.
    submission.answers = Submission.objects.select_for_update().only("answers").get(
        pk=submission.pk).answers
    old = answer_at(submission.answers, question)
    answers = _set(submission.answers, question, value)
    state = engine.evaluate_form(submission.version.definition, answers,
                                 today=submission.submitted_on)
    if state.errors:
        raise AnswersRefused(state.errors)
    new = answer_at(state.values, question)
    submission.answers = state.values
    submission.updated_at = timezone.now()
    submission.save(update_fields=["answers", "updated_at"])
    return AnswerChange.objects.create(submission=submission, question=question,
                                       old_value=old, new_value=new, reason=reason,
                                       changed_by=membership.user)
