"""Forms of the return and reintegration section of a case page. Labels and picklists come
from the models; the rules (no skipped step, what each step needs, who may overspend) stay in
``cases.returns``, whose refusals are shown beside the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from palermo.cases.models import Disbursement, ReintegrationAction, ReintegrationPlan, Return
from palermo.cases.returns import RECEIPT_LIMIT
from palermo.core.models import Country
from palermo.web.forms_case_parts import DomainErrorsMixin, _model_fields, active_organisations
from palermo.web.forms_cases import country_choices
from palermo.web.widgets import fast_selects

# The facts each step records, in the order the form asks for them (child: travel also needs
# the best-interests determination).
STEP_FIELDS: dict[str, list[str]] = {
    Return.Step.REGISTERED: [],
    Return.Step.SAFETY_ASSESSED: ["safety", "safety_assessed_by"],
    Return.Step.HOLD_CHECKED: ["hold_cleared"],
    Return.Step.TRAVELLING: ["travel_on"],
    Return.Step.ARRIVED: ["arrived_on"],
    Return.Step.REINTEGRATING: [],
    Return.Step.COMPLETED: [],
    Return.Step.UNABLE: ["unable_reason"],
}
CHILD_FIELDS = ["best_interests_done_on", "guardian_involved", "child_protection_involved"]


class ReturnStartForm(DomainErrorsMixin, forms.Form):
    """The person expressed interest in returning: where to, and their budget."""

    renamed = {"country": "country_code"}

    country_code = forms.ChoiceField(label=_("Country of return"))
    budget = forms.DecimalField(label=_("Reintegration budget"), min_value=0, max_digits=12,
                                decimal_places=2, initial=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR",
                               help_text=_("ISO 4217 code, e.g. EUR, NGN, USD."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "return_%s")
        super().__init__(*args, **kwargs)
        self.fields["country_code"].choices = [("", "---------"), *country_choices()]
        fast_selects(self, ["country_code"])

    def country(self) -> Country:
        return Country.objects.get(pk=self.cleaned_data["country_code"])


class BudgetForm(DomainErrorsMixin, forms.Form):
    """Change the reintegration budget."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "budget_%s")
        super().__init__(*args, **kwargs)
        _model_fields(self, Return, ["budget", "currency"])


class AdvanceForm(DomainErrorsMixin, forms.Form):
    """Move a return to *step* with the facts that step records. Everything is optional
    here: what a step requires is the domain's to say, beside the field."""

    # "Steps cannot be skipped" and "the plan comes first" name the step: shown above the
    # form, not beside the hidden field.
    renamed = {"step": None}

    step = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, step: str, child: bool = False, **kwargs):
        kwargs.setdefault("auto_id", f"{step}_%s")
        super().__init__(*args, **kwargs)
        self.fields["step"].initial = step
        names = list(STEP_FIELDS.get(step, []))
        if step == Return.Step.TRAVELLING and child:
            names += CHILD_FIELDS
        _model_fields(self, Return, names)
        for name in names:
            self.fields[name].required = False
        if "safety_assessed_by" in self.fields:
            self.fields["safety_assessed_by"].queryset = active_organisations()
        if "unable_reason" in self.fields:
            self.fields["unable_reason"].widget = forms.Textarea(attrs={"rows": 2})

    def step_fields(self) -> dict[str, Any]:
        """The facts to record, without the fields left empty (they keep their value)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name != "step" and value not in (None, "")}


class PlanForm(DomainErrorsMixin, forms.Form):
    """The reintegration plan: objectives, types of support (HTCDS spl_Type), ends."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "plan_%s")
        super().__init__(*args, **kwargs)
        _model_fields(self, ReintegrationPlan, ["objectives", "types", "planned_end",
                                                "actual_end"])
        self.fields["objectives"].widget = forms.Textarea(attrs={"rows": 3})

    @classmethod
    def initial_for(cls, plan: ReintegrationPlan | None) -> dict[str, Any]:
        if plan is None:
            return {}
        return {"objectives": plan.objectives, "types": plan.types,
                "planned_end": plan.planned_end, "actual_end": plan.actual_end}


class ActionForm(DomainErrorsMixin, forms.Form):
    """An action of the reintegration plan."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "action_%s")
        super().__init__(*args, **kwargs)
        _model_fields(self, ReintegrationAction, ["description", "due_on"])
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 2})


class DisbursementForm(DomainErrorsMixin, forms.Form):
    """A payment from the budget, cash or in kind, with its receipt. The override reason is
    offered to those who may approve an overspend; for others the domain refuses it."""

    receipt = forms.FileField(label=_("Receipt"), required=False,
                              help_text=_("A scan or photo, at most 5 MB. Stored encrypted."))

    def __init__(self, *args, may_override: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "disbursement_%s")
        super().__init__(*args, **kwargs)
        receipt = self.fields.pop("receipt")
        _model_fields(self, Disbursement, ["paid_on", "amount", "kind", "purpose"])
        self.fields["paid_on"].required = False
        self.fields["paid_on"].help_text = _("Leave empty for today.")
        self.fields["receipt"] = receipt
        if may_override:
            _model_fields(self, Disbursement, ["override_reason"])
            self.fields["override_reason"].widget = forms.Textarea(attrs={"rows": 2})
            self.fields["override_reason"].help_text = _(
                "Only when the payment exceeds the balance: why you approve it.")

    def disbursement_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"amount": data["amount"], "kind": data["kind"], "purpose": data["purpose"],
                "paid_on": data["paid_on"], "override_reason": data.get("override_reason", ""),
                "receipt": uploaded(data["receipt"])}


class ReceiptForm(DomainErrorsMixin, forms.Form):
    """Attach (or replace) the receipt of a payment already recorded."""

    receipt = forms.FileField(label=_("Receipt"),
                              help_text=_("A scan or photo, at most 5 MB. Stored encrypted."))

    def receipt_file(self) -> tuple[str, bytes]:
        return uploaded(self.cleaned_data["receipt"])


def uploaded(upload) -> tuple[str, bytes] | None:
    """``(name, content)`` of an uploaded file, reading one byte past the limit at most: the
    domain refuses what is too large, without reading a huge upload into memory."""
    if not upload:
        return None
    return upload.name, upload.read(RECEIPT_LIMIT + 1)
