"""Workflows on persons: registering and correcting identities, under the access policy."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils.translation import gettext as _

from palermo.cases import duplicates, facts
from palermo.cases.batch import keyed, new_records, record_problems
from palermo.cases.models import Person
from palermo.cases.saving import validated_save
from palermo.cases.writing import insert_new_records
from palermo.core import access, crypto
from palermo.core.access import Action
from palermo.core.fields import BlindIndexField
from palermo.core.models import Membership

# The identity fields the duplicate check compares (through their blind indexes).
CHECKED_FIELDS = ("given_name", "middle_name", "family_name", "birth_date", "identity_number",
                  "phone")


class PossibleDuplicates(Exception):
    """The organisation already has persons who may be the one being registered; the
    caseworker must open one of them or confirm this is someone else."""

    def __init__(self, candidates: list[duplicates.Candidate]):
        super().__init__(f"{len(candidates)} possible duplicate(s)")
        self.candidates = candidates


@transaction.atomic
def register_person(membership: Membership, **fields) -> Person:
    """Register a person for the acting organisation. Raises PermissionDenied when the role
    may not register persons. Callers facing a caseworker use :func:`register_checked`."""
    access.require(membership, Action.CREATE, Person)
    person = Person(organisation=membership.organisation, registered_by=membership.user,
                    **fields)
    person._history_user = membership.user
    person.full_clean()
    person.save()
    return person


def registration_candidates(membership: Membership, person: Person,
                            ) -> list[duplicates.Candidate]:
    """Persons of the acting organisation who may be *person* (registered or not yet)."""
    return duplicates.candidates(
        membership, citizenships=person.citizenships,
        exclude=person if person.pk else None,
        **{name: getattr(person, name) for name in CHECKED_FIELDS})


def new_person(membership: Membership, **fields) -> Person:
    """An unsaved, validated person of the acting organisation (raises ValidationError)."""
    access.require(membership, Action.CREATE, Person)
    person = Person(organisation=membership.organisation, registered_by=membership.user,
                    **fields)
    person.full_clean()
    return person


@transaction.atomic
def register_checked(membership: Membership, *, different_from: Iterable[int] = (),
                     **fields) -> Person:
    """Register a person after the duplicate check. Raises ValidationError for bad input,
    and :class:`PossibleDuplicates` while a candidate exists that the caseworker was not
    shown and did not declare a different person (*different_from*: the primary keys of the
    candidates they saw). Nothing is saved until then."""
    person = new_person(membership, **fields)
    found = registration_candidates(membership, person)
    dismissed = set(different_from)
    if any(c.person.pk not in dismissed for c in found):
        raise PossibleDuplicates(found)
    person._history_user = membership.user
    if found:
        # The history keeps the check: references only, never names.
        person._change_reason = _("Duplicate check: not the same person as %(refs)s") % {
            "refs": ", ".join(c.person.reference for c in found)}
    person.save()
    return person


@transaction.atomic
def update_person(membership: Membership, person: Person, reason: str = "", **fields) -> Person:
    """Change a person's details; the history keeps who, when, old and new, and *reason*."""
    access.require(membership, Action.CHANGE, person)
    for name, value in fields.items():
        setattr(person, name, value)
    person._history_user = membership.user
    person._change_reason = reason  # simple-history stores it with the new version
    validated_save(person)
    facts.project_person(person)  # gender, age, citizenship … feed the cases' facts
    return person


# -- Batches (imports): the same rules, written by palermo.cases.writing ----------------

def prepare_people(membership: Membership, people: list[dict]
                   ) -> tuple[list[Person], dict[int, dict[str, list[str]]]]:
    """Unsaved persons of the acting organisation built from *people*, and the problems of
    each (position -> field -> messages): the checks :func:`register_people_bulk` makes."""
    persons = new_records(Person, people, organisation=membership.organisation,
                          registered_by=membership.user)
    errors, memo = {}, {}
    for position, person in enumerate(persons):
        problems = record_problems(person, memo)
        if problems:
            errors[position] = problems
    return persons, errors


@transaction.atomic
def register_people_bulk(membership: Membership, people: list[dict] | list[Person]
                         ) -> list[Person]:
    """Register many persons for the acting organisation at once (imports): the access rule
    and field checks of :func:`register_person`, identity fields encrypted, blind indexes and
    history rows written. *people* are field dicts, or the unsaved persons of
    :func:`prepare_people` (checked again). Raises ``ValidationError`` keyed
    ``"<position>.<field>"`` when any is invalid — then nothing is written."""
    access.require(membership, Action.CREATE, Person)
    if people and isinstance(people[0], Person):
        persons = list(people)
        errors, memo = {}, {}
        for position, person in enumerate(persons):
            if person.pk is not None or person.organisation_id != membership.organisation_id:
                raise ValueError("register_people_bulk takes new persons of the acting "
                                 "organisation")
            problems = record_problems(person, memo)
            if problems:
                errors[position] = problems
    else:
        persons, errors = prepare_people(membership, people)  # type: ignore[arg-type]
    if errors:
        raise keyed(errors)
    insert_new_records(persons, membership.user)
    return persons


def identity_digests(persons: list[Person]) -> list[dict[str, str]]:
    """The blind-index digests of each unsaved person (``name_index``, ``birth_date_index``,
    ``identity_number_index``, ``phone_index``; "" when empty), computed as a save computes
    them — to compare registrations with each other and with the register, never in
    plaintext. Kept on the person, so that writing it does not compute them again."""
    indexes = [(f.attname, f.digest_for, f.sources) for f in Person._meta.concrete_fields
               if isinstance(f, BlindIndexField)]
    found = []
    with crypto.pinned_keyring():
        for person in persons:
            digests = getattr(person, "_blind_digests", None)  # computed by an import worker
            if digests is None:
                digests = {attname: digest(*(getattr(person, s) for s in sources))
                           for attname, digest, sources in indexes}
                person._blind_digests = digests
            found.append(digests)
    return found


def registered_matches(membership: Membership, persons: list[Person],
                       digests: list[dict[str, str]] | None = None, chunk: int = 500
                       ) -> dict[int, list[duplicates.Candidate]]:
    """Possible duplicates among the organisation's persons for many unsaved *persons* at
    once (position -> candidates). One indexed query per *chunk* finds the rows whose
    name, identity number or phone is already known; only those are then described by
    :func:`registration_candidates`, the check of a single registration. *digests*: from
    :func:`identity_digests`, if the caller has them."""
    access.require(membership, Action.VIEW, Person)
    wanted = digests if digests is not None else identity_digests(persons)
    indexes = ("name_index", "identity_number_index", "phone_index")
    found: dict[int, list[duplicates.Candidate]] = {}
    register = access.visible(membership, Person.objects.current())
    for start in range(0, len(persons), chunk):
        part = wanted[start:start + chunk]
        query = models.Q()
        for name in indexes:
            values = {w[name] for w in part if w[name]}
            if values:
                query |= models.Q(**{f"{name}__in": values})
        if not query:
            continue
        # The digests first, by their own indexes (with the organisation in the same query,
        # SQLite would read every person of the organisation instead), then which of those
        # persons the member may see, by primary key.
        hits = list(Person.objects.filter(query).order_by().values_list("pk", *indexes))
        visible = set(register.filter(pk__in=[hit[0] for hit in hits]).order_by()
                      .values_list("pk", flat=True)) if hits else set()
        known = {(name, value) for pk, *row in hits if pk in visible
                 for name, value in zip(indexes, row, strict=True) if value}
        for offset, digest in enumerate(part):
            if any((name, digest[name]) in known for name in indexes if digest[name]):
                position = start + offset
                candidates = registration_candidates(membership, persons[position])
                if candidates:
                    found[position] = candidates
    return found
