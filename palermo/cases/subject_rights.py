"""A person's rights over their data: a readable export, and erasure of their identity.

Erasure removes every identifying value — names, birth date, contacts, identity numbers,
free-text notes, descriptions, reasons, receipts — from the records and from their history
tables, and clears the blind indexes. What remains is what cannot identify: the structure of
the cases, the non-identifying answers and their history, and the de-identified facts, so
that counts stay right. The erasure itself is logged.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone

from palermo.cases.models import Person
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.fields import BlindIndexField, encrypted_fields
from palermo.core.models import Membership

# How each kind of record reaches its person, tried in order.
PATHS_TO_PERSON = ("person", "case__person", "journey__case__person",
                   "plan__journey__case__person", "follow_up__case__person")


def _path_to_person(model: type[models.Model]) -> str | None:
    if model is Person or model is Person.history.model:
        return "id"
    for path in PATHS_TO_PERSON:
        current = model
        try:
            for part in path.split("__"):
                current = current._meta.get_field(part).related_model
        except (FieldDoesNotExist, AttributeError):
            continue
        if current is Person:
            return path
    return None


@transaction.atomic
def erase_identity(membership: Membership, person: Person, reason: str) -> int:
    """Erase *person*'s identity everywhere (records and history). Only a supervisor of the
    owning organisation may; returns the number of rows cleared."""
    access.require(membership, Action.APPROVE, person)
    ids = [person.pk, *person.merged.values_list("pk", flat=True)]
    cleared = 0
    for model in apps.get_app_config("cases").get_models():
        path = _path_to_person(model)
        wiped = {f.attname: "" if not f.null else None for f in encrypted_fields(model)}
        wiped.update({f.attname: "" for f in model._meta.concrete_fields
                      if isinstance(f, BlindIndexField)})
        if path is None or not wiped:
            continue
        cleared += model._base_manager.filter(**{f"{path}__in": ids}).update(**wiped)
    Person.objects.filter(pk__in=ids).update(erased_at=timezone.now())
    person.refresh_from_db()
    log_access(membership, person, action="erase", detail=reason)
    return cleared


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _record(obj: models.Model, skip: tuple[str, ...] = ()) -> dict:
    """A record as {field label: display value}, leaving out keys and bookkeeping."""
    out = {}
    for field in obj._meta.concrete_fields:
        if (field.primary_key or isinstance(field, BlindIndexField) or field.name in skip
                or field.name in ("version", "receipt")):
            continue
        value = getattr(obj, field.name)
        if field.choices and value not in (None, ""):
            value = obj._get_FIELD_display(field)
        labels = getattr(field, "labels", None)
        if labels and isinstance(value, list):
            value = labels(value)
        out[str(field.verbose_name)] = _plain(value)
    return out


# The records of a case the export lists, by the case's relation.
CASE_SECTIONS = {"events": "events", "notes": "notes", "consents": "consents",
                 "services": "services", "follow_ups": "follow_ups"}


def export_person(membership: Membership, person: Person) -> str:
    """Everything recorded about *person* that *membership* may see, as readable JSON: the
    identity (only for those who see it), the cases they may see, and of each case the
    records their organisation owns — an organisation a case is shared with gets the case
    without the sender's notes, events, consents, services or follow-ups."""
    access.require(membership, Action.VIEW, person)
    cases = access.visible(membership, person.cases.all())
    document = {
        "exported_at": timezone.now().isoformat(),
        "exported_by": membership.user.get_username(),
        "organisation": str(membership.organisation),
        "person": _record(person, skip=("merged_into",)),
        "cases": [{
            "case": _record(case, skip=("person", "referred_by")),
            **{section: [_record(r, skip=("case",))
                         for r in access.related(membership, case, relation)]
               for section, relation in CASE_SECTIONS.items()},
        } for case in cases],
    }
    log_access(membership, person, action="export")
    return json.dumps(document, ensure_ascii=False, indent=2)
