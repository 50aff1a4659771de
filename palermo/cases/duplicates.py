"""Finding the same person registered twice, and merging the two records.

Candidates are found through the blind indexes — full name, birth date, identity number,
phone — never by decrypting. Only the acting organisation's own records are searched: the
existence of a person at another organisation is itself sensitive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palermo.cases import facts
from palermo.cases.models import Person
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership

# Why a candidate was found, in words for the page.
MATCH_LABELS = {
    "name": gettext_lazy("same full name"),
    "birth date": gettext_lazy("same date of birth"),
    "citizenship": gettext_lazy("a citizenship in common"),
    "identity number": gettext_lazy("same identity document number"),
    "phone": gettext_lazy("same phone number"),
}


@dataclass(frozen=True)
class Candidate:
    person: Person
    matched: tuple[str, ...]  # "name", "birth date", "citizenship", "identity number", "phone"

    @property
    def strong(self) -> bool:
        """Same name and birth date, or the same identity document number."""
        return {"name", "birth date"} <= set(self.matched) or "identity number" in self.matched

    @property
    def reasons(self) -> list[str]:
        """Why this person was found, in words."""
        return [str(MATCH_LABELS.get(m, m)) for m in self.matched]


def _digest(field: str, *values) -> str:
    return Person._meta.get_field(field).digest_for(*values)


def candidates(membership: Membership, *, given_name: str = "", middle_name: str = "",
               family_name: str = "", birth_date: dt.date | None = None,
               citizenship_id: str | None = None, identity_number: str = "",
               phone: str = "", citizenships: Sequence[str] = (),
               exclude: Person | None = None) -> list[Candidate]:
    """Persons of the acting organisation who may be the one being registered, strongest
    first. A shared citizenship (any of *citizenships* or *citizenship_id*) is reported as a
    match but never finds a candidate on its own."""
    access.require(membership, Action.VIEW, Person)
    keys = {
        "name": ("name_index", _digest("name_index", given_name, middle_name, family_name)),
        "birth date": ("birth_date_index", _digest("birth_date_index", birth_date)),
        "identity number": ("identity_number_index",
                            _digest("identity_number_index", identity_number)),
        "phone": ("phone_index", _digest("phone_index", phone)),
    }
    keys = {label: pair for label, pair in keys.items() if pair[1]}
    if "name" not in keys and "identity number" not in keys and "phone" not in keys:
        return []
    query = models.Q()
    for label in ("name", "identity number", "phone"):
        if label in keys:
            query |= models.Q(**{keys[label][0]: keys[label][1]})
    found = access.visible(membership, Person.objects.current()).filter(query)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    wanted = {c for c in (citizenship_id, *citizenships) if c}
    results = []
    for person in found:
        matched = tuple(label for label, (field, digest) in keys.items()
                        if getattr(person, field) == digest)
        if wanted & set(person.citizenships):
            matched += ("citizenship",)
        results.append(Candidate(person, matched))
    return sorted(results, key=lambda c: (not c.strong, -len(c.matched), c.person.pk))


@transaction.atomic
def merge(membership: Membership, keep: Person, duplicate: Person, reason: str) -> Person:
    """Merge *duplicate* into *keep*: its cases move to *keep*, it is marked as merged (never
    deleted), both histories stay, and the facts count one person."""
    access.require(membership, Action.CHANGE, keep)
    access.require(membership, Action.CHANGE, duplicate)
    if keep.pk == duplicate.pk or keep.merged_into_id or duplicate.merged_into_id:
        raise ValidationError(_("Choose two different persons, neither already merged."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these are the same person.")})
    for case in duplicate.cases.all():
        case.person = keep
        case._history_user = membership.user
        case._change_reason = _("Person records merged: %(reason)s") % {"reason": reason}
        case.save(update_fields=["person"])
    duplicate.merged_into = keep
    duplicate._history_user = membership.user
    duplicate._change_reason = _("Merged into %(ref)s: %(reason)s") % {
        "ref": keep.reference, "reason": reason}
    duplicate.save()
    facts.project_person(keep)
    return keep
