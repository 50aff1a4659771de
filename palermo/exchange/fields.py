"""Import columns derived from the case module's own field definitions.

The allowed values of a column are those of the model field it fills (the HTCDS picklists of
the project's reference data, plus "Unknown" and "Declined to answer" where the model
accepts them), so a picklist changed in one place changes every import.
"""

from __future__ import annotations

from django.db import models

from palermo.cases.answers import MultiChoiceField
from palermo.cases.models import Case, Person, TraffickingEvent
from palermo.exchange.validation import Column

MODELS = {"person": Person, "case": Case, "event": TraffickingEvent}
COUNTRY_LISTS = ("transit_countries", "exploitation_countries")


def model_field(target: str) -> models.Field:
    """``"person.gender"`` -> the ``gender`` field of Person."""
    record, name = target.split(".", 1)
    return MODELS[record]._meta.get_field(name)


def kind_of(field: models.Field) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The column kind and options that read values for *field*."""
    if isinstance(field, MultiChoiceField):
        return "multi", tuple((v, str(label)) for v, label in field.allowed())
    if hasattr(field, "options") and isinstance(field, models.JSONField):  # CodeListField
        if getattr(field, "reference", "") == "countries":
            return "countries", ()
        return "codes", tuple(field.options().items())
    if isinstance(field, models.JSONField) and field.name in COUNTRY_LISTS:
        return "countries", ()
    if isinstance(field, models.ForeignKey):
        if field.related_model._meta.label == "core.Country":
            return "country", ()
        return "user", ()
    if getattr(field, "choices", None):
        return "choice", tuple((v, str(label)) for v, label in field.flatchoices)
    if isinstance(field, models.DateField) or type(field).__name__ == "EncryptedDateField":
        return "date", ()
    if isinstance(field, (models.IntegerField,)):
        return "integer", ()
    return "text", ()


def column(key: str, target: str, **overrides) -> Column:
    """A column named *key* filling the model field *target* (``"case.status"``)."""
    field = model_field(target)
    kind, options = kind_of(field)
    values = {
        "kind": kind, "options": options, "label": str(field.verbose_name),
        "required": not field.blank and not field.has_default(),
        "identifying": bool(getattr(field, "encrypted", False)),
        "max_length": getattr(field, "max_length", None) if kind == "text" else None,
        "help": str(field.help_text or ""),
        "past_only": kind == "date",
    }
    values.update(overrides)
    return Column(key=key, target=target, **values)
