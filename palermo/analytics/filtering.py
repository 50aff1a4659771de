"""The table filters as one form: the page, the API and ``palermo report`` parse them alike."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from palermo.analytics.engine import Filters

# CaseFact.client_category values (docs/privacy.md, the data dictionary).
CLIENT_CATEGORIES = [("victim", _("Victim of trafficking")),
                     ("possible_victim", _("Possible victim of trafficking")),
                     ("other_migrant", _("Other migrant in need"))]
GROUPINGS = [("", _("As printed")), ("all", _("All persons")),
             ("origin_region", _("Region of origin")),
             ("destination_region", _("Destination region")), ("year", _("Year")),
             ("organisation", _("Organisation")), ("sex_age", _("Sex and age band"))]
CONVENTIONS = [("", _("As printed")), ("ctm", _("CTM: % of known (multi-response: % of N)")),
               ("ctdc", _("CTDC: % of persons with information on the group"))]


def period_problems(date_from, date_to) -> dict[str, str]:
    """Why a period may not be used by a reader without the real counts, by field.

    Two tables whose periods differ by a day differ by the persons of that day: subtracting
    them would single out a few persons with every variable of the table. Such readers
    choose whole calendar years (from 1 January, to 31 December)."""
    problems = {}
    if date_from and (date_from.month, date_from.day) != (1, 1):
        problems["date_from"] = _("Choose a period of whole years: start on 1 January.")
    if date_to and (date_to.month, date_to.day) != (12, 31):
        problems["date_to"] = _("Choose a period of whole years: end on 31 December.")
    return problems


class TableFilterForm(forms.Form):
    """Period, organisations, client categories, convention and column grouping.
    ``whole_years`` (readers without the real counts) allows only periods of whole years."""

    date_from = forms.DateField(label=_("Cases opened from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    organisation = forms.MultipleChoiceField(label=_("Organisations"), required=False)
    client_category = forms.MultipleChoiceField(label=_("Client category"), required=False,
                                                choices=CLIENT_CATEGORIES)
    convention = forms.ChoiceField(label=_("Percentages"), required=False, choices=CONVENTIONS)
    by = forms.ChoiceField(label=_("Columns"), required=False, choices=GROUPINGS)

    def __init__(self, data=None, *, organisations=(), whole_years: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        self.whole_years = whole_years
        self.fields["organisation"].choices = [(str(pk), name) for pk, name in organisations]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", ValidationError(_("The end is before the start."),
                                                      code="order"))
        if self.whole_years:
            for name, message in period_problems(start, end).items():
                self.add_error(name, ValidationError(message, code="whole_years"))
        return cleaned

    def filters(self) -> Filters:
        """The validated filters (call after ``is_valid``)."""
        data = self.cleaned_data
        return Filters(date_from=data.get("date_from"), date_to=data.get("date_to"),
                       organisations=tuple(int(o) for o in data.get("organisation") or ()),
                       client_categories=tuple(data.get("client_category") or ()))

    def options(self) -> dict:
        """The convention and grouping chosen (``None`` = as the specification says)."""
        data = self.cleaned_data
        return {"convention": data.get("convention") or None, "by": data.get("by") or None}


def organisation_choices(scope_orgs: tuple[int, ...] | None) -> list[tuple[int, str]]:
    """The organisations a reader may filter on: those whose facts they may count."""
    from palermo.core.models import Organisation

    organisations = Organisation.objects.order_by("name")
    if scope_orgs is not None:
        organisations = organisations.filter(pk__in=scope_orgs)
    return list(organisations.values_list("pk", "name"))
