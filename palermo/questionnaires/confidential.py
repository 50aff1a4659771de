"""Confidential surveys: invitations, anonymous responses and the response rate.

A confidential form (``palermo_confidential: yes`` in its settings sheet) is answered
without leaving a trace that leads back to the respondent (000 Annex C: "your responses
cannot be traced to you in any way … reported in aggregate only"):

* an :class:`~palermo.questionnaires.models.Invitation` holds the invitee, the day it was
  sent, a SHA-256 digest of the invitee's token and whether they responded — nothing else;
* the :class:`~palermo.questionnaires.models.Submission` holds the answers, the organisation
  and the day — no author, no token, no IP address, no external id, no time of day;
* no column of either table names the other, neither model keeps a history table, and the
  invitation is marked in the same transaction without recording when;
* marking one invitation answered rewrites *every* invitation of the form in one statement
  (:func:`mark_answered`): on PostgreSQL an updated row moves to the end of the table and
  takes the writing transaction's id (``xmin``), so updating only the respondent's row would
  let anyone reading the raw tables (or a ``pg_dump``) line the invitations up, in the order
  they were answered, against the responses in the order they were stored;
* results are shown only as aggregates with no group under the version's threshold
  (:mod:`palermo.questionnaires.results`).

The response rate (responded / invited) is still known, per form and organisation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.questionnaires import engine
from palermo.questionnaires.models import (
    Form,
    FormVersion,
    Invitation,
    Submission,
    SubmissionSource,
    SubmissionStatus,
)


class InvitationRefused(ValidationError):
    """The token is unknown, already used, or its survey takes no responses."""


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation just created, with its token — shown once, never stored."""

    invitation: Invitation
    token: str


@dataclass(frozen=True)
class ResponseRate:
    """How many were invited to a survey and how many of them responded."""
    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        """Responded / invited, or None before anyone was invited."""
        return self.responded / self.invited if self.invited else None


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256 digest (hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage(membership: Membership | None) -> bool:
    """May this member invite respondents and follow the response rate? (Those who may
    change their organisation's responses: supervisors and M&E officers.)"""
    return access.can(membership, Action.CHANGE, Invitation)


def invite(membership: Membership, form: Form, users: Iterable, *,
           today: dt.date | None = None) -> list[IssuedInvitation]:
    """Invite *users* (members of the acting member's organisation) to answer *form*. Users
    already invited to it are skipped. Returns the new invitations with their tokens, to be
    sent to each invitee; only the tokens' digests are kept."""
    if not may_manage(membership):
        raise PermissionDenied
    if not access.own_or_unowned(membership, Form.objects.filter(pk=form.pk)).exists():
        raise PermissionDenied  # another organisation's form
    users = list(users)
    members = set(Membership.objects.filter(
        organisation_id=membership.organisation_id, active=True,
        user__in=users).values_list("user_id", flat=True))
    strangers = [u for u in users if u.pk not in members]
    if strangers:
        raise ValidationError({"users": _("Not members of your organisation: %(names)s.") % {
            "names": ", ".join(sorted(u.get_username() for u in strangers))}})
    already = set(Invitation.objects.filter(form=form, invitee__in=users)
                  .values_list("invitee_id", flat=True))
    day = today or timezone.localdate()
    issued: list[IssuedInvitation] = []
    with transaction.atomic():
        for user in users:
            if user.pk in already:
                continue
            token = secrets.token_urlsafe(32)
            invitation = Invitation.objects.create(
                form=form, organisation_id=membership.organisation_id, invitee=user,
                token_digest=digest(token), sent_on=day)
            issued.append(IssuedInvitation(invitation, token))
            already.add(user.pk)
    return issued


def invitation_for(token: str) -> Invitation:
    """The open invitation a token opens. Raises :class:`InvitationRefused`."""
    invitation = (Invitation.objects.select_related("form")
                  .filter(token_digest=digest(token or "")).first())
    if invitation is None:
        raise InvitationRefused(_("This invitation link is not valid."))
    if invitation.responded:
        raise InvitationRefused(_("This invitation was already used to respond."))
    if published_version(invitation.form) is None:
        raise InvitationRefused(_("This survey is closed."))
    return invitation


def published_version(form: Form) -> FormVersion | None:
    """The version of *form* that invitations open, if any."""
    return form.published()


def respond(token: str, answers: dict[str, Any], *,
            today: dt.date | None = None) -> Submission:
    """Answer a survey through an invitation token. The answers are checked by the form's
    rules (:class:`~palermo.questionnaires.engine.AnswersRefused` lists every problem);
    then, in one transaction, the invitation is marked answered and an anonymous response
    is stored. The two rows share nothing but the form."""
    day = today or timezone.localdate()
    with transaction.atomic():
        invitation = invitation_for(token)
        # Lock the invitation so one token gives one response, even when sent twice at once.
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.responded:
            raise InvitationRefused(_("This invitation was already used to respond."))
        version = published_version(invitation.form)
        state = engine.evaluate_form(version.definition, answers, today=day)
        if state.errors:
            raise engine.AnswersRefused(state.errors)
        mark_answered(invitation.form_id, Q(pk=invitation.pk))
        return store_anonymous(version, invitation.organisation_id, state.values, day)


def store_anonymous(version: FormVersion, organisation_id: int | None,
                    values: dict[str, Any], day: dt.date,
                    source: str = SubmissionSource.WEB) -> Submission:
    """Save a checked anonymous response: answers, organisation and the day only."""
    return Submission.objects.create(
        version=version, organisation_id=organisation_id, author=None,
        status=SubmissionStatus.SUBMITTED, source=source, answers=values,
        external_id="", started_on=day, submitted_on=day, updated_at=None)


def on_submit(membership: Membership, submission: Submission) -> None:
    """Called when a signed-in member submits a confidential response (``services.submit``,
    which depends on this module; this module does not depend on it):
    their invitation to this form, if any, is marked answered — without any link."""
    mark_answered(submission.version.form_id, Q(invitee=membership.user))


def mark_answered(form_id: int, which: Q) -> int:
    """Mark the invitation(s) of form *form_id* matching *which* as answered, rewriting all
    the form's invitations in the same statement so that no trace in the table (row order,
    transaction id) singles out the one that changed. Returns how many rows were written."""
    return Invitation.objects.filter(form_id=form_id).update(
        responded=Case(When(which, then=Value(True)), default=F("responded")))


def response_rate(membership: Membership, form: Form) -> ResponseRate:
    """Invited and responded, for the member's organisation (all organisations for those
    whose reach is all)."""
    if not may_manage(membership):
        raise PermissionDenied
    invitations = access.visible(membership, Invitation.objects.filter(form=form),
                                 Action.CHANGE)
    return ResponseRate(invited=invitations.count(),
                        responded=invitations.filter(responded=True).count())


def invitations(membership: Membership, form: Form):
    """The invitations of *form* this member manages (invitee and whether they answered)."""
    if not may_manage(membership):
        raise PermissionDenied
    return access.visible(membership, Invitation.objects.filter(form=form),
                          Action.CHANGE).select_related("invitee").order_by(
        "invitee__username")
