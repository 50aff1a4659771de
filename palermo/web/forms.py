"""Forms of the web shell. Labels come from the models; rules stay in the domain."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from palermo.cases.models import Person
from palermo.core.languages import language_choices
from palermo.web.forms_cases import country_choices, date_input
from palermo.web.widgets import fast_selects


class SignInForm(AuthenticationForm):
    """Django's sign-in form with autocomplete hints for password managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TokenCodeForm(forms.Form):
    code = forms.CharField(label=_("Six-digit code from your authenticator app"),
                           max_length=8, min_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric"}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100,
                           help_text=_("For example: “ODK import script”"))


MULTIPLE_HINT = _("Hold Ctrl (or ⌘ on a Mac) to choose more than one.")


class PersonForm(forms.ModelForm):
    """A person's details. Citizenships and languages are stored as ISO codes: the main
    citizenship (the one statistics count), other citizenships, languages spoken."""

    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    class Meta:
        model = Person
        fields = ["given_name", "middle_name", "family_name", "aliases", "birth_date",
                  "gender", "citizenship", "other_citizenships", "languages", "phone", "email",
                  "address", "identity_number"]
        widgets = {"aliases": forms.TextInput, "address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].widget = date_input()
        countries = country_choices()
        self.fields["citizenship"].help_text = _("The main citizenship; statistics count it.")
        self.fields["other_citizenships"] = forms.MultipleChoiceField(
            label=_("Other citizenships"), choices=countries, required=False,
            widget=forms.SelectMultiple(attrs={"size": 5}), help_text=MULTIPLE_HINT)
        self.fields["languages"] = forms.MultipleChoiceField(
            label=_("Languages spoken"), choices=language_choices(), required=False,
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text=_("Languages the person can be interviewed in.") + " " + MULTIPLE_HINT)
        fast_selects(self, ["citizenship", "other_citizenships"], countries)
        fast_selects(self, ["languages"])

    def person_fields(self) -> dict:
        """The cleaned values for the domain (without the reason)."""
        return {k: v for k, v in self.cleaned_data.items()
                if k not in ("reason", "different_from")}


class PersonRegistrationForm(PersonForm):
    """Registration: the person's details, and the candidates the caseworker declared to be
    someone else after the duplicate check (primary keys, carried in a hidden field)."""

    different_from = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_different_from(self) -> list[int]:
        text = self.cleaned_data["different_from"]
        return [int(part) for part in text.split(",") if part.strip().isdigit()]


class MergeChoiceForm(forms.Form):
    """Which record is the same person: a reference such as P-000042."""

    duplicate = forms.CharField(label=_("Reference of the other record"), max_length=20,
                                help_text=_("As shown on its page, for example P-000042."))

    def clean_duplicate(self) -> int:
        text = self.cleaned_data["duplicate"].strip().upper().removeprefix("P-")
        if not text.isdigit():
            raise forms.ValidationError(_("Enter a reference such as P-000042."))
        return int(text)


class MergeForm(forms.Form):
    reason = forms.CharField(label=_("Why these are the same person"), max_length=200,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("For example: the same passport seen at intake."))
    confirm = forms.BooleanField(label=_("I have compared both records: they are the same "
                                         "person."))


class ErasureForm(forms.Form):
    """Erasure needs a reason and the record's reference typed again."""

    reason = forms.CharField(label=_("Reason for the erasure"), min_length=3, max_length=200,
                             help_text=_("For example: request by the person on 2026-11-20. "
                                         "Do not write the person's name."))
    confirm = forms.CharField(label=_("Type the reference of the record to confirm"),
                              max_length=20)

    def __init__(self, *args, reference: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = reference
        self.fields["confirm"].help_text = _("Type %(ref)s.") % {"ref": reference}

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip().upper()
        if typed != self.reference:
            raise forms.ValidationError(_("This is not the reference of this record."))
        return typed


class AsOfForm(forms.Form):
    """The day to show a record as it was (at the end of that day)."""

    date = forms.DateField(label=_("Show the record as it was on"), widget=date_input())


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Full name, identity number or phone (exact match)"),
                        required=False, max_length=200)
