"""Model fields that keep identity data encrypted at rest, and blind indexes to find it.

``EncryptedTextField`` and ``EncryptedDateField`` store ciphertext (see ``palermo.core.crypto``)
and give plaintext to Python code. They cannot be filtered on — the database only ever sees
ciphertext; exact-match search and duplicate detection go through a ``BlindIndexField``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from functools import partial

from django import forms
from django.core import validators
from django.core.exceptions import FieldError, ValidationError
from django.db import models

from palermo.core import crypto


class EncryptedMixin:
    """Encrypts on the way to the database and decrypts on the way back."""

    encrypted = True

    def context(self) -> str:
        return f"{self.model._meta.label}.{self.name}"  # type: ignore[attr-defined]

    def to_text(self, value) -> str:
        return str(value)

    def from_text(self, text: str):
        return text

    def get_prep_value(self, value):
        return self.seal(value, self._encrypt)

    def _encrypt(self, text: str) -> str:
        return crypto.keyring().encrypt(text, self.context())

    def seal(self, value, encrypt: Callable[[str], str]):
        """The stored form of *value*: *encrypt* applied to its text, or the empty value."""
        value = self.to_python(value)  # type: ignore[attr-defined]
        if value is None or value == "":
            return None if self.null else ""  # type: ignore[attr-defined]
        return encrypt(self.to_text(value))

    def sealer(self) -> Callable[[object], object]:
        """``get_prep_value`` for a batch of values: the keyring in force (see
        :func:`palermo.core.crypto.pinned_keyring`) and the field's identity taken once."""
        return partial(self.seal, encrypt=crypto.keyring().encryptor(self.context()))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.from_text(crypto.keyring().decrypt(value, self.context()))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(f"{self.context()} is encrypted and cannot be filtered with "
                             f"'{lookup_name}'; search its blind index instead")
        return super().get_lookup(lookup_name)  # type: ignore[misc]


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Free text (a name, a phone number, an address) encrypted at rest. A ``max_length`` is
    checked like a CharField's (the database sees ciphertext, which has no useful length);
    forms, the API and imports read their limit from it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def formfield(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        return super().formfield(**kwargs)


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A date (e.g. a birth date) encrypted at rest; Python sees ``datetime.date``."""

    def to_python(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError(f"“{value}” is not a date in the form YYYY-MM-DD.") from exc

    def to_text(self, value) -> str:
        return value.isoformat()

    def from_text(self, text: str):
        return dt.date.fromisoformat(text)

    def formfield(self, **kwargs):
        defaults = {"form_class": forms.DateField,
                    "widget": forms.DateInput(attrs={"type": "date"})}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.isoformat() if value else ""


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON document (e.g. the answers of a questionnaire) encrypted at rest as one value;
    Python sees dicts and lists. Dates inside must already be ISO strings."""

    def to_python(self, value):
        if isinstance(value, str) and value:
            return json.loads(value)
        return value

    def seal(self, value, encrypt: Callable[[str], str]):
        if value is None:
            return None if self.null else ""
        return encrypt(self.to_text(value))

    def to_text(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def from_text(self, text: str):
        return json.loads(text)

    def value_to_string(self, obj):
        return self.to_text(self.value_from_object(obj))


class BlindIndexField(models.CharField):
    """HMAC of one or more encrypted fields, recomputed on every save, for exact-match search.

    ``sources`` are the attribute names to join (``["given_name", "family_name"]``); the index
    is empty when all are empty. ``purpose`` separates indexes so equal text in two different
    kinds of field does not produce equal digests.
    """

    def __init__(self, *args, sources: Sequence[str] = (), purpose: str = "", **kwargs):
        self.sources = tuple(sources)
        self.purpose = purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sources"] = list(self.sources)
        kwargs["purpose"] = self.purpose
        for key, default in (("max_length", 64), ("blank", True), ("editable", False),
                             ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if not self.db_index:  # Field omits False, which this field's default would undo
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def digest_for(self, *values) -> str:
        """The index value for *values* given in the order of ``sources``."""
        text = " ".join(_as_text(v) for v in values if v not in (None, ""))
        if not text.strip():
            return ""
        return crypto.keyring().blind_index(text, self.purpose or self.name)

    def pre_save(self, model_instance, add):
        value = self.digest_for(*(getattr(model_instance, s) for s in self.sources))
        setattr(model_instance, self.attname, value)
        return value


def _as_text(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    """The encrypted concrete fields of *model*."""
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]
