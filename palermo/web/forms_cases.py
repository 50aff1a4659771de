"""Forms of the case pages. Labels and picklists come from the models; the rules (closure
needs a reason, refusals stand alone, country codes) stay in the domain, whose
``ValidationError`` is shown beside the fields with :meth:`CaseForm.add_domain_errors`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model, model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palermo.cases.models import Case, TraffickingEvent
from palermo.core.models import Country
from palermo.core.reference_data import htcds_choices
from palermo.web.widgets import fast_selects

COUNTRY_LISTS = ("transit_countries", "exploitation_countries")

# The case fields a caseworker fills in, by section of the case page (the CTM's order).
SECTIONS: list[tuple[Any, list[str]]] = [
    (_("Identification"), [
        "client_category", "identified_on", "identification_country", "identification_place",
        "identifying_agency", "trafficking_status", "status_decided_by"]),
    (_("Trafficking process"), [
        "trafficking_type", "origin_country", "transit_countries", "exploitation_countries"]),
    (_("Pattern of exploitation"), [
        "exploitation_types", "means_of_control", "forced_labour_industries",
        "sexual_exploitation_types", "recruitment_methods", "recruiter_relationship",
        "age_at_exploitation", "exploitation_months"]),
    (_("Prior awareness"), ["knew_risks", "awareness_sources"]),
]
CASE_FIELDS = [name for _title, names in SECTIONS for name in names]
STATUS_FIELDS = ["status", "closure_reason"]


@lru_cache(maxsize=1)
def _countries() -> tuple[tuple[str, str], ...]:
    return tuple(Country.objects.order_by("name").values_list("code", "name"))


def country_choices() -> list[tuple[str, str]]:
    """ISO countries by name, read once per process (reference data changes with releases,
    through migrations, which restart the servers)."""
    return list(_countries())


def date_input() -> forms.DateInput:
    """The browser's date picker; ISO dates whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    """The case fields, grouped in sections. Country lists are multiple selects that store
    ISO 3166 alpha-3 codes."""

    sections = SECTIONS
    model_fields = CASE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(Case, fields=self.model_fields))
        self.fields["identified_on"].widget = date_input()
        countries = country_choices()
        for name in COUNTRY_LISTS:
            self.fields[name] = forms.MultipleChoiceField(
                label=Case._meta.get_field(name).verbose_name, choices=countries,
                required=False, widget=forms.SelectMultiple(attrs={"size": 8}),
                help_text=_("Hold Ctrl (or ⌘ on a Mac) to choose more than one."))
        for field in self.fields.values():
            field.label = capfirst(field.label)
        fast_selects(self, ["identification_country", "origin_country", *COUNTRY_LISTS],
                     countries)
        # Conflicts found on saving: field name -> (your value, the saved value), for display.
        self.conflicts: dict[str, tuple[str, str]] = {}

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return model_to_dict(case, fields=cls.model_fields)

    def case_fields(self) -> dict[str, Any]:
        """The cleaned values to hand to ``open_case`` / ``update_case``."""
        return {name: self.cleaned_data[name] for name in self.model_fields}

    def grouped(self) -> list[tuple[Any, list[tuple[forms.BoundField, tuple[str, str] | None]]]]:
        """(section title, [(bound field, conflict or None), …]) for the template."""
        return [(title, [(self[name], self.conflicts.get(name)) for name in names])
                for title, names in self.sections]

    def add_domain_errors(self, error: ValidationError) -> None:
        """Show the domain's refusal beside the field it names (or above the form)."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)

    def display(self, name: str, value: Any) -> str:
        """A value of field *name* as people read it: labels, not codes."""
        field = self.fields[name]
        if value in (None, "", []):
            return "—"
        if isinstance(field, forms.ModelChoiceField):
            return str(value)
        if isinstance(field, forms.MultipleChoiceField):
            labels = dict(field.choices)
            return ", ".join(str(labels.get(v, v)) for v in value)
        if isinstance(field, forms.ChoiceField):
            return str(dict(field.choices).get(value, value))
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return str(value)

    def conflict_rows(self) -> list[tuple[str, str, str]]:
        """(field label, your value, the saved value) for each field that differs."""
        return [(str(self.fields[name].label), *values) for name, values in self.conflicts.items()]

    def find_conflicts(self, saved: Case) -> dict[str, tuple[str, str]]:
        """The fields where this (valid) form and the case as saved now differ."""
        self.conflicts = {}
        for name in self.model_fields:
            mine, theirs = self.cleaned_data[name], getattr(saved, name)
            if mine in (None, "", []) and theirs in (None, "", []):
                continue
            if mine != theirs:
                self.conflicts[name] = (self.display(name, mine), self.display(name, theirs))
        return self.conflicts


class CaseEditForm(CaseForm):
    """The case fields plus status and closure, the reason for the change, and the version
    the editor loaded (so a save over someone else's is refused, not silent)."""

    sections = [(_("Status"), STATUS_FIELDS), *SECTIONS]
    model_fields = STATUS_FIELDS + CASE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closure_reason"].widget = forms.Textarea(attrs={"rows": 2})
        self.fields["closure_reason"].help_text = _("Needed when the status is a closed one.")
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the change"), required=False, max_length=200)
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {**super().initial_for(case), "version": case.version}


class CaseFilterForm(forms.Form):
    """Filters of the case list. None identifies anyone, so they travel in the URL."""

    number = forms.CharField(label=_("Case number (exact)"), required=False, max_length=40)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + htcds_choices("cas_Status"))
    client_category = forms.ChoiceField(
        label=_("Client category"), required=False,
        choices=[("", _("Any category"))] + list(Case._meta.get_field("client_category").choices))
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def apply(self, cases, user):
        """*cases* narrowed by the filters; none while a filter is invalid (its error shows
        beside it, rather than a list that looks filtered and is not)."""
        if not self.is_bound:
            return cases
        if not self.is_valid():
            return cases.none()
        data = self.cleaned_data
        if data["number"].strip():
            # Numbers are upper case by construction: an exact match uses the index.
            cases = cases.filter(number=data["number"].strip().upper())
        if data["status"]:
            cases = cases.filter(status=data["status"])
        if data["client_category"]:
            cases = cases.filter(client_category=data["client_category"])
        if data["mine"]:
            cases = cases.filter(assigned_to=user)
        return cases


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 4}))


class EventForm(forms.Form):
    """A recruitment, transit or exploitation event."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(fields_for_model(
            TraffickingEvent, fields=["type", "country", "place", "date", "description"]))
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 2})
        self.fields["date"].widget = date_input()
        # Rendered from the cached list; the field's queryset still validates the answer.
        fast_selects(self, ["country"], country_choices())

    def add_domain_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)
