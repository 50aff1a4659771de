"""The screening form: one question per Palermo indicator, grouped by element."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palermo.cases.eligibility import ELEMENT_WORDS, INDICATORS
from palermo.cases.models.screening import OUTCOMES

ANSWERS = [("unknown", _("Not asked / unknown")), ("yes", _("Yes")), ("no", _("No")),
           ("declined", _("Declined to answer"))]


class ScreeningForm(forms.Form):
    """Asks every indicator of act, means and purpose; the decision comes last."""

    age = forms.IntegerField(label=_("Age at the time of the events"), required=False,
                             min_value=0, max_value=110)
    age_declined = forms.BooleanField(label=_("The person declined to give their age"),
                                      required=False)
    decision = forms.ChoiceField(label=_("Your decision"), choices=OUTCOMES)
    differing_reason = forms.CharField(
        label=_("If your decision differs from Palermo's recommendation, why"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.elements = []
        for element, indicators in INDICATORS.items():
            names = []
            for key, words in indicators.items():
                name = f"i_{key}"
                self.fields[name] = forms.ChoiceField(label=capfirst(words), choices=ANSWERS,
                                                      initial="unknown", required=False)
                names.append(name)
            self.elements.append((capfirst(ELEMENT_WORDS[element]), names))

    def screening_fields(self) -> dict:
        data = self.cleaned_data
        answers = {name[2:]: data[name] for _title, names in self.elements for name in names
                   if data[name] not in ("", "unknown")}
        return {"answers": answers, "age": data["age"], "age_declined": data["age_declined"],
                "decision": data["decision"], "differing_reason": data["differing_reason"]}

    def add_domain_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def add_domain_errors(self, error: ValidationError) -> None:
        for messages in error.message_dict.values():
            self.add_error("comment", messages)
