"""Workflows on cases: open, edit (with conflict detection), notes, events, closure.

Every function takes the acting membership, asks the access policy, validates, saves with
the author in the history, and rewrites the case's fact row — all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.cases import facts, followups
from palermo.cases.batch import keyed, new_records, quick_check, record_problems
from palermo.cases.models import Case, CaseFact, CaseNote, Person, TraffickingEvent
from palermo.cases.models.case import hold_country_codes
from palermo.cases.writing import insert_new_records, insert_values
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
    # A range rather than LIKE: it walks the (organisation, number) index backwards from
    # the end of the year's numbers instead of reading every case of the organisation.
    taken = (Case.objects.filter(organisation=organisation, number__gte=prefix,
                                 number__lt=prefix[:-1] + chr(ord("-") + 1))
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
                if not isinstance(case.opened_on, dt.date):  # numbered by its year
                    raise ValidationError({"opened_on": _("Give the date the case is "
                                                          "opened.")})
                case.assigned_to = case.assigned_to or membership.user
                case.number = next_case_number(membership.organisation, case.opened_on.year)
                case._history_user = membership.user
                case.full_clean()
                case.save()
                facts.project_case(case)
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
    facts.project_case(current)
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


# -- Batches (imports) -------------------------------------------------------------------

def hold_reference_data() -> None:
    """For a process forked to check cases without the database (an import's worker):
    keep the reference data the case rules have read so far — the country codes — however
    old it gets, instead of reading it again."""
    hold_country_codes()


# The fields of a prepared case that open_cases_bulk fills in as it writes it: give them to
# palermo.cases.writing.preseal when preparing cases for it ahead of writing.
WRITTEN_LATER = ("person", "number")


def _numbers(organisation: Organisation, years: list[int]) -> list[str]:
    """Consecutive free case numbers, one per entry of *years*, in order."""
    following: dict[int, int] = {}
    numbers = []
    for year in years:
        if year not in following:
            following[year] = int(next_case_number(organisation, year).rsplit("-", 1)[1])
        numbers.append(f"{case_prefix(organisation)}-{year}-{following[year]:05d}")
        following[year] += 1
    return numbers


def _case_problems(cases: list[Case]) -> dict[int, dict[str, list[str]]]:

    errors, memo = {}, {}
    for position, case in enumerate(cases):
        problems = record_problems(case, memo)
        if problems:
            errors[position] = problems
    return errors


def prepare_cases(membership: Membership, items: list[tuple[Person | None, dict]]
                  ) -> tuple[list[Case], dict[int, dict[str, list[str]]]]:
    """Unsaved cases of the acting organisation, one per ``(person, fields)`` (the person may
    still be unsaved, or None while only checking), and the problems of each (position ->
    field -> messages): the checks :func:`open_cases_bulk` makes."""

    cases = new_records(Case, [fields for _person, fields in items],
                        organisation=membership.organisation)
    for case, (person, _fields) in zip(cases, items, strict=True):
        if person is not None:
            case.person = person
        case.assigned_to_id = case.assigned_to_id or membership.user.pk
    return cases, _case_problems(cases)


@transaction.atomic
def open_cases_bulk(membership: Membership, items: list[tuple[Person, dict | Case]]
                    ) -> list[Case]:
    """Open many cases at once (imports), one per ``(person, fields)`` — or ``(person,
    case)`` with a case from :func:`prepare_cases` — under the access and model rules of
    :func:`open_case`, numbered in sequence, with history and fact rows. Raises
    ``ValidationError`` keyed ``"<position>.<field>"`` when any case is invalid — then
    nothing is written."""
    from palermo.core.models import Country

    access.require(membership, Action.CREATE, Case)
    for person, _fields in items:
        access.require(membership, Action.VIEW, person)
    if items and isinstance(items[0][1], Case):
        cases = []
        for person, case in items:
            if case.pk is not None or case.organisation_id != membership.organisation_id:
                raise ValueError("open_cases_bulk takes new cases of the acting organisation")
            case.person = person
            cases.append(case)
        errors = _case_problems(cases)
    else:
        cases, errors = prepare_cases(membership, items)  # type: ignore[arg-type]
    if errors:
        raise keyed(errors)
    for case, number in zip(cases, _numbers(membership.organisation,
                                            [c.opened_on.year for c in cases]), strict=True):
        case.number = number
    insert_new_records(cases, membership.user, later=WRITTEN_LATER)
    countries = {c.code: c for c in Country.objects.select_related("origin_region",
                                                                   "destination_region")}
    origin = Case._meta.get_field("origin_country")
    for case in cases:  # the facts read the origin's region: no query per case
        origin.set_cached_value(case, countries.get(case.origin_country_id))
    for start in range(0, len(cases), 2000):
        chunk = cases[start:start + 2000]
        insert_values(CaseFact, [{"case_key": pk, **values}
                                 for pk, values in facts.batch_values(chunk).items()])
    return cases


@transaction.atomic
def add_events_bulk(membership: Membership,
                    items: list[tuple[Case, dict]]) -> list[TraffickingEvent]:
    """Record many trafficking events at once (imports), as :func:`add_event` does."""

    events, errors = [], {}
    for position, (case, fields) in enumerate(items):
        access.require(membership, Action.CHANGE, case)
        event = TraffickingEvent(case=case, **fields)
        try:
            quick_check(event)
        except ValidationError as exc:
            errors.update({f"{position}.{name}": messages
                           for name, messages in exc.message_dict.items()})
        events.append(event)
    if errors:
        raise ValidationError(errors)
    insert_new_records(events, membership.user)
    return events
