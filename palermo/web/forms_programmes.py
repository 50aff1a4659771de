"""Forms of the programmes pages. Labels and choices come from the models and the IATI
codelists; the rules (percentages sum to 100, carry-over within what was left, identifiers
unique) stay in ``palermo.programmes.services``, whose refusals are shown beside the field
they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.core.models import Country
from palermo.programmes import codelists
from palermo.programmes.imports import FUNDING_LIST, IATI
from palermo.programmes.models import (
    ActionPlan,
    Agreement,
    Budget,
    FundingChannel,
    Measure,
    Partner,
    Project,
    Transaction,
)
from palermo.programmes.models.portfolio import (
    EvaluationStatus,
    FourP,
    TargetGroup,
    exploitation_choices,
)
from palermo.web.forms_case_parts import DomainErrorsMixin, _model_fields

PROJECT_FIELDS = ["own_number", "iati_identifier", "title", "description", "objective",
                  "status", "planned_start", "actual_start", "planned_end", "actual_end",
                  "currency", "evaluation_status", "sampled_for_review"]


def _checkboxes(label, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)


class ProjectForm(DomainErrorsMixin, forms.Form):
    """A project's own fields and its classification. On creation it also asks the role
    the member's organisation plays in it."""

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _model_fields(self, Project, PROJECT_FIELDS)
        self.fields["status"].choices = codelists.active_choices(codelists.ACTIVITY_STATUS)
        self.fields["evaluation_status"].choices = EvaluationStatus.choices
        self.fields["four_ps"] = _checkboxes(_("The four Ps"), FourP.choices)
        self.fields["target_groups"] = _checkboxes(_("Target groups"), TargetGroup.choices)
        self.fields["exploitation_forms"] = _checkboxes(_("Forms of exploitation addressed"),
                                                        exploitation_choices())
        self.fields["measures"] = forms.ModelMultipleChoiceField(
            label=_("Action-plan measures"), required=False,
            queryset=Measure.objects.select_related("plan").order_by("plan__name", "code"),
            widget=forms.CheckboxSelectMultiple)
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 3})
        self.fields["objective"].widget = forms.Textarea(attrs={"rows": 2})
        if creating:
            self.fields["role"] = forms.ChoiceField(
                label=_("Your organisation's role in the project"),
                choices=codelists.active_choices(codelists.ORGANISATION_ROLE))
            self.fields["planned_start"].required = True

    @classmethod
    def initial_of(cls, project: Project) -> dict:
        data = {name: getattr(project, name) for name in PROJECT_FIELDS}
        data.update(four_ps=project.four_ps, target_groups=project.target_groups,
                    exploitation_forms=project.exploitation_forms,
                    measures=list(project.measures.all()))
        return data


class ParticipationForm(DomainErrorsMixin, forms.Form):
    partner = forms.ModelChoiceField(label=_("Organisation"), queryset=Partner.objects.all())
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "participation")
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = codelists.active_choices(codelists.ORGANISATION_ROLE)


PERCENT = {"required": False, "min_value": 0, "max_value": 100, "decimal_places": 2,
           "label": _("Percentage")}


class PlaceForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), required=False,
                                     queryset=Country.objects.all())
    region = forms.ChoiceField(label=_("or region"), required=False)
    percentage = forms.DecimalField(**PERCENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "—"), *codelists.active_choices(
            codelists.REGION, with_code=True)]

    def clean(self):
        data = super().clean()
        if data.get("country") and data.get("region"):
            raise forms.ValidationError(_("A country or a region, not both, on one line."))
        return data


class SectorForm(forms.Form):
    code = forms.ChoiceField(label=_("DAC sector"), required=False)
    percentage = forms.DecimalField(**PERCENT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—"), *codelists.active_choices(
            codelists.SECTOR, with_code=True)]


PlaceFormSet = forms.formset_factory(PlaceForm, extra=3, max_num=30)
SectorFormSet = forms.formset_factory(SectorForm, extra=2, max_num=20)


class _ProjectPart(DomainErrorsMixin, forms.Form):
    model = None
    names: list[str] = []
    prefix_name = ""

    def __init__(self, *args, project: Project, organisation=None, **kwargs):
        kwargs.setdefault("prefix", self.prefix_name)
        super().__init__(*args, **kwargs)
        _model_fields(self, self.model, self.names)
        if "agreement" in self.fields:
            self.fields["agreement"].queryset = Agreement.objects.filter(project=project)
        if "channel" in self.fields:
            self.fields["channel"].queryset = FundingChannel.objects.filter(
                organisation=organisation)
        for name in ("currency",):
            if name in self.fields:
                self.fields[name].initial = project.currency


class AgreementForm(_ProjectPart):
    model = Agreement
    names = ["year", "number", "channel", "recipient", "title", "carry_over"]
    prefix_name = "agreement"


class BudgetForm(_ProjectPart):
    model = Budget
    names = ["agreement", "type", "status", "period_start", "period_end", "value", "currency",
             "value_date", "exchange_rate"]
    prefix_name = "budget"


class TransactionForm(_ProjectPart):
    model = Transaction
    names = ["agreement", "type", "date", "value", "currency", "value_date", "exchange_rate",
             "provider", "receiver", "description", "ref"]
    prefix_name = "transaction"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = codelists.active_choices(codelists.TRANSACTION_TYPE)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of file"), choices=[
        (FUNDING_LIST, _("Funding list (TSV, CSV, XLSX)")),
        (IATI, _("IATI activity file (XML)"))])
    file = forms.FileField(label=_("File"))
    currency = forms.CharField(label=_("Currency of the amounts"), required=False,
                               max_length=3, help_text=_("Funding lists: ISO 4217 code, e.g. "
                                                         "NOK. Without it, EUR is assumed "
                                                         "and the report says so."))
    list_year = forms.IntegerField(label=_("Year the list was made"), required=False,
                                   min_value=1900, max_value=2100,
                                   help_text=_("Amounts for later years are plans. Without "
                                               "it, a year in the list's title is used."))
    sector = forms.ChoiceField(label=_("DAC sector of every project"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "—"), *codelists.active_choices(
            codelists.SECTOR, with_code=True)]

    def options(self) -> dict:
        data = self.cleaned_data
        return {"currency": data["currency"], "list_year": data["list_year"],
                "sector": data["sector"]}


class PartnerForm(DomainErrorsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "partner")
        super().__init__(*args, **kwargs)
        _model_fields(self, Partner, ["name", "acronym", "type", "iati_ref"])
        self.fields["type"].choices = [("", "—"), *codelists.active_choices(
            codelists.ORGANISATION_TYPE)]


class AliasForm(DomainErrorsMixin, forms.Form):
    partner = forms.ModelChoiceField(label=_("Partner"), queryset=Partner.objects.all())
    name = forms.CharField(label=_("Also written as"), max_length=200)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "alias")
        super().__init__(*args, **kwargs)


class ChannelForm(DomainErrorsMixin, forms.Form):
    def __init__(self, *args, organisation=None, **kwargs):
        kwargs.setdefault("prefix", "channel")
        super().__init__(*args, **kwargs)
        _model_fields(self, FundingChannel, ["name", "kind", "parent"])
        self.fields["parent"].queryset = FundingChannel.objects.filter(
            organisation=organisation)


class ActionPlanForm(DomainErrorsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "plan")
        super().__init__(*args, **kwargs)
        _model_fields(self, ActionPlan, ["name", "country", "first_year", "last_year"])


class MeasureForm(DomainErrorsMixin, forms.Form):
    def __init__(self, *args, organisation=None, **kwargs):
        kwargs.setdefault("prefix", "measure")
        super().__init__(*args, **kwargs)
        self.fields["plan"] = forms.ModelChoiceField(
            label=_("Action plan"), queryset=ActionPlan.objects.filter(
                organisation=organisation))
        _model_fields(self, Measure, ["code", "title", "theme", "priority"])
