"""Forms of the web shell. Labels come from the models; rules stay in the domain."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from palermo.cases.models import Person


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


class PersonForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=200)

    class Meta:
        model = Person
        fields = ["given_name", "middle_name", "family_name", "aliases", "birth_date",
                  "gender", "citizenship", "phone", "email", "address", "identity_number"]
        widgets = {"aliases": forms.TextInput, "address": forms.Textarea(attrs={"rows": 2})}


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Full name, identity number or phone (exact match)"),
                        required=False, max_length=200)
