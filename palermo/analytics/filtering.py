"""The table filters as one form: the page, the API and ``palermo report`` parse them alike."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from palermo.analytics import publication
from palermo.analytics.engine import Filters
from palermo.analytics.tables import GROUPINGS
from palermo.cases.facts import DATA_SOURCES

# CaseFact.client_category values (docs/privacy.md, the data dictionary).
CLIENT_CATEGORIES = [("victim", _("Victim of trafficking")),
                     ("possible_victim", _("Possible victim of trafficking")),
                     ("other_migrant", _("Other migrant in need"))]
CONVENTIONS = [("", _("As printed")), ("ctm", _("CTM: % of known (multi-response: % of N)")),
               ("ctdc", _("CTDC: % of persons with information on the group"))]
# The fields that choose whom a table counts: only for readers who see the real counts.
POPULATION_FIELDS = ("date_from", "date_to", "organisation", "client_category", "data_source")


class TableFilterForm(forms.Form):
    """Period, organisations, client categories, data sources, convention and grouping.

    ``fixed_set`` (readers without the real counts, ``publication.chooses_population``):
    the population fields are not offered, and a request that sends one anyway is refused
    with an error on that field — such readers get the fixed table set."""

    date_from = forms.DateField(label=_("Cases opened from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    organisation = forms.MultipleChoiceField(label=_("Organisations"), required=False)
    client_category = forms.MultipleChoiceField(label=_("Client category"), required=False,
                                                choices=CLIENT_CATEGORIES)
    data_source = forms.MultipleChoiceField(label=_("Data source"), required=False,
                                            choices=DATA_SOURCES)
    convention = forms.ChoiceField(label=_("Percentages"), required=False, choices=CONVENTIONS)
    by = forms.ChoiceField(label=_("Columns"), required=False, choices=GROUPINGS)

    def __init__(self, data=None, *, organisations=(), fixed_set: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        self.fixed_set = fixed_set
        self.fields["organisation"].choices = [(str(pk), name) for pk, name in organisations]

    def offered(self) -> list:
        """The fields to show on the page (without the population ones for a fixed set)."""
        return [f for f in self if not (self.fixed_set and f.name in POPULATION_FIELDS)]

    def refused(self) -> list:
        """Errors of population fields that were sent though not offered (fixed set)."""
        if not self.fixed_set or not self.is_bound:
            return []
        return [e for name in POPULATION_FIELDS for e in self.errors.get(name, [])]

    def _sent(self, name: str) -> bool:
        values = self.data.getlist(name) if hasattr(self.data, "getlist") else \
            [self.data.get(name)]
        return any(v not in (None, "") for v in values)

    def clean(self):
        cleaned = super().clean()
        if self.fixed_set:
            for name in POPULATION_FIELDS:
                if self._sent(name):
                    self._errors.pop(name, None)  # one reason: not "invalid date" as well
                    self.add_error(name, ValidationError(
                        _("%(field)s: not available — without the real counts, every table "
                          "counts all the persons you may count, over all years (years and "
                          "organisations can be shown as columns).")
                        % {"field": self.fields[name].label}, code="fixed_set"))
            return cleaned
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", ValidationError(_("The end is before the start."),
                                                      code="order"))
        return cleaned

    def filters(self) -> Filters:
        """The validated filters (call after ``is_valid``); none for a fixed set."""
        if self.fixed_set:
            return Filters()
        data = self.cleaned_data
        return Filters(date_from=data.get("date_from"), date_to=data.get("date_to"),
                       organisations=tuple(int(o) for o in data.get("organisation") or ()),
                       client_categories=tuple(data.get("client_category") or ()),
                       data_sources=tuple(data.get("data_source") or ()))

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


def form_for(data, membership, scope_orgs: tuple[int, ...] | None) -> TableFilterForm:
    """The filter form of *membership* counting within *scope_orgs*: the population fields
    only for a reader who sees the real counts (``form.real_counts``), the fixed table set
    for anyone else. The page and the API build it here alike."""
    real = publication.sees_real_counts(membership, scope_orgs)
    form = TableFilterForm(data, organisations=organisation_choices(scope_orgs),
                           fixed_set=not publication.chooses_population(real))
    form.real_counts = real
    return form


def published_tables(specs: list, form: TableFilterForm, scope_orgs):
    """The tables as this member may see them, or None when the filters are invalid."""
    if form.is_bound and not form.is_valid():
        return None
    filters = form.filters() if form.is_bound else None
    options = form.options() if form.is_bound else {}
    return publication.publish_tables(specs, filters, scope_orgs=scope_orgs,
                                      real_counts=form.real_counts, **options)
