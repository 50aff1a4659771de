"""Workflows on persons: registering and correcting identities, under the access policy."""

from __future__ import annotations

from django.db import transaction

from palermo.cases import facts
from palermo.cases.models import Person
from palermo.cases.saving import validated_save
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership


@transaction.atomic
def register_person(membership: Membership, **fields) -> Person:
    """Register a person for the acting organisation. Raises PermissionDenied when the role
    may not register persons."""
    access.require(membership, Action.CREATE, Person)
    person = Person(organisation=membership.organisation, registered_by=membership.user,
                    **fields)
    person._history_user = membership.user
    person.full_clean()
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
