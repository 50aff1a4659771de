"""Workflows on cases: open, edit (with conflict detection), notes, events, closure.

Every function takes the acting membership, asks the access policy, validates, saves with
the author in the history, and rewrites the case's fact row — all in one transaction.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from palermo.cases import facts, followups
from palermo.cases.models import Case, CaseNote, Person, TraffickingEvent
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership, Organisation


class EditConflict(Exception):
    """Someone else saved the case after this editor loaded it. Nothing was written."""

    def __init__(self, current: Case):
        super().__init__(f"Case {current.number} was changed by someone else meanwhile "
                         f"(now version {current.version}).")
        self.current = current


def case_prefix(organisation: Organisation) -> str:
    """Up to six letters of the organisation's short name (or name): ``SAFEHA``."""
    letters = re.sub(r"[^A-Za-z0-9]", "", organisation.short_name or organisation.name)
    return (letters[:6] or f"ORG{organisation.pk}").upper()


def next_case_number(organisation: Organisation, year: int) -> str:
    """The next free number of the organisation in *year*: ``SAFEHA-2026-00042``."""
    prefix = f"{case_prefix(organisation)}-{year}-"
    taken = (Case.objects.filter(organisation=organisation, number__startswith=prefix)
             .order_by("-number").values_list("number", flat=True).first())
    sequence = int(taken.rsplit("-", 1)[1]) + 1 if taken else 1
    return f"{prefix}{sequence:05d}"


def open_case(membership: Membership, person: Person, **fields) -> Case:
    """Open a case for *person* in the acting organisation, numbered automatically."""
    access.require(membership, Action.CREATE, Case)
    # Own persons, or a person shared with this organisation by an accepted referral.
    access.require(membership, Action.VIEW, person)
    for attempt in range(5):
        try:
            with transaction.atomic():
                case = Case(organisation=membership.organisation, person=person, **fields)
                case.assigned_to = case.assigned_to or membership.user
                case.number = next_case_number(membership.organisation, case.opened_on.year)
                case._history_user = membership.user
                case.full_clean()
                case.save()
                facts.project(case)
                return case
        except IntegrityError:
            if attempt == 4:  # another caseworker took the same number five times running
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def update_case(membership: Membership, case: Case, *, version: int, reason: str = "",
                **fields) -> Case:
    """Change a case the editor loaded at *version*. Raises :class:`EditConflict` if it was
    saved by someone else since; nothing is overwritten silently."""
    access.require(membership, Action.CHANGE, case)
    current = Case.objects.select_for_update().get(pk=case.pk)
    if current.version != version:
        raise EditConflict(current)
    was_open = current.status == "Active"
    for name, value in fields.items():
        setattr(current, name, value)
    if current.is_closed and current.closed_on is None:
        current.closed_on = timezone.localdate()
    if not current.is_closed:
        current.closed_on = None
    current.version = version + 1
    current._history_user = membership.user
    current._change_reason = reason
    current.full_clean()
    current.save()
    if was_open and current.status != "Active":
        # Leaving active assistance starts the follow-up schedule (3, 6, 12 months …).
        followups.schedule(current, current.closed_on or timezone.localdate())
    facts.project(current)
    return current


@transaction.atomic
def add_note(membership: Membership, case: Case, text: str) -> CaseNote:
    access.require(membership, Action.CHANGE, case)
    note = CaseNote(case=case, author=membership.user, text=text)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def add_event(membership: Membership, case: Case, **fields) -> TraffickingEvent:
    """Record a recruitment, transit or exploitation event of the case."""
    access.require(membership, Action.CHANGE, case)
    event = TraffickingEvent(case=case, **fields)
    event._history_user = membership.user
    event.full_clean()
    event.save()
    return event
