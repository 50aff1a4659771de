"""Answers to sensitive questions: "unknown" and "declined to answer" are different facts.

Every question about a person's experience may be declined (000 L150: interviewees may refuse
any question). A declined answer is recorded as such — it is not missing data, and reports
count it apart from "unknown".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from palermo.core.reference_data import htcds_choices

UNKNOWN = "Unknown"
DECLINED = "DeclinedToAnswer"
REFUSALS = [(UNKNOWN, _("Unknown")), (DECLINED, _("Declined to answer"))]


def with_refusals(choices: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """*choices* followed by "Unknown" and "Declined to answer" (unless already there)."""
    pairs = list(choices)
    values = {v for v, _ in pairs}
    return pairs + [r for r in REFUSALS if r[0] not in values]


def htcds_answers(field: str) -> list[tuple[str, str]]:
    """An HTCDS picklist with the two refusals appended."""
    return with_refusals(htcds_choices(field))


class MultiChoiceField(models.JSONField):
    """A multi-response question: a list of values from *choices*. "Unknown" or "Declined to
    answer" stand alone; an empty list means the question was answered with none."""

    def __init__(self, *args, choices_of: str | None = None, options=None, **kwargs):
        self.choices_of = choices_of
        self.options = list(options) if options is not None else None
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.choices_of:
            kwargs["choices_of"] = self.choices_of
        if self.options is not None:
            kwargs["options"] = self.options
        kwargs.pop("default", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def allowed(self) -> list[tuple[str, str]]:
        base = htcds_choices(self.choices_of) if self.choices_of else (self.options or [])
        return with_refusals(base)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value in (None, ""):
            return
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list of answers."), code="invalid")
        known = {v for v, _ in self.allowed()}
        unknown = [v for v in value if v not in known]
        if unknown:
            raise ValidationError(_("Not an allowed answer: %(values)s."),
                                  params={"values": ", ".join(map(str, unknown))},
                                  code="invalid_choice")
        if len(value) > 1 and ({UNKNOWN, DECLINED} & set(value)):
            raise ValidationError(_("“Unknown” and “Declined to answer” cannot be combined "
                                    "with other answers."), code="refusal_not_alone")
        if len(set(value)) != len(value):
            raise ValidationError(_("An answer is given twice."), code="duplicate")

    def formfield(self, **kwargs):
        from django import forms

        return forms.TypedMultipleChoiceField(
            choices=self.allowed(), required=not self.blank, label=self.verbose_name,
            help_text=self.help_text, widget=forms.CheckboxSelectMultiple,
            **{k: v for k, v in kwargs.items() if k in ("initial",)})

    def labels(self, value) -> list[str]:
        """Display labels of a stored list."""
        lookup = dict(self.allowed())
        return [str(lookup.get(v, v)) for v in value or []]
