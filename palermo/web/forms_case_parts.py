"""Forms of the parts of a case page: consent, services, referrals and follow-ups. Labels and
picklists come from the models; the rules (sharing names an organisation, a cost has a
currency, a decline has a reason) stay in the domain, whose ``ValidationError`` is shown
beside the field it names with :meth:`DomainErrorsMixin.add_domain_errors`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palermo.cases.models import Consent, FollowUp, Referral, Service
from palermo.cases.models.followup import SATISFACTION
from palermo.core.models import Organisation
from palermo.web.forms_cases import date_input


class DomainErrorsMixin:
    """Show a domain refusal beside the field it names, or above the form. ``renamed`` maps
    a model field to the form field that stands for it."""

    renamed: dict[str, str] = {}

    def add_domain_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            name = self.renamed.get(name, name)
            self.add_error(name if name in self.fields else None, messages)


def _model_fields(form: forms.Form, model, names: list[str]) -> None:
    """Add the model's fields *names* to *form*, labels capitalised, dates as date pickers."""
    form.fields.update(fields_for_model(model, fields=names))
    for field in form.fields.values():
        field.label = capfirst(field.label)
        if isinstance(field, forms.DateField):
            field.widget = date_input()


def active_organisations(exclude: Organisation | None = None):
    organisations = Organisation.objects.filter(active=True).order_by("name")
    return organisations.exclude(pk=exclude.pk) if exclude is not None else organisations


class ConsentForm(DomainErrorsMixin, forms.Form):
    """A consent decision: given, refused or withdrawn."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "consent_%s")
        super().__init__(*args, **kwargs)
        _model_fields(self, Consent, ["kind", "organisation", "decision", "given_by",
                                      "guardian_name", "decided_on"])
        self.fields["organisation"].queryset = active_organisations()
        self.fields["organisation"].help_text = _("Only for consent to sharing.")
        self.fields["guardian_name"].help_text = _("When a guardian decides for a child.")
        self.fields["decided_on"].initial = timezone.localdate

    def consent_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ServiceForm(DomainErrorsMixin, forms.Form):
    """A service provided to the person, by the organisation or a partner."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "service_%s")
        super().__init__(*args, **kwargs)
        _model_fields(self, Service, ["type", "provider", "status", "started_on", "ended_on",
                                      "cost", "currency"])
        self.fields["provider"].queryset = active_organisations()
        self.fields["provider"].required = False
        self.fields["provider"].help_text = _("Leave empty when your organisation provides it.")

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ServiceChangeForm(DomainErrorsMixin, forms.Form):
    """The status of a service and when it ended."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "service_%s")
        super().__init__(*args, **kwargs)
        _model_fields(self, Service, ["status", "ended_on"])


class ReferralForm(DomainErrorsMixin, forms.Form):
    """Refer the case to another active organisation."""

    to_organisation = forms.ModelChoiceField(label=_("Refer to"),
                                             queryset=Organisation.objects.none())
    reason = forms.ChoiceField(label=_("Reason"),
                               choices=[("", "---------"),
                                        *Referral._meta.get_field("reason").choices])
    requested_services = forms.MultipleChoiceField(
        label=_("Services requested"), required=False, choices=Service.Type.choices,
        widget=forms.CheckboxSelectMultiple)
    details = forms.CharField(label=_("Details"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, acting_for: Organisation, **kwargs):
        kwargs.setdefault("auto_id", "referral_%s")
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = active_organisations(exclude=acting_for)


class DeclineForm(DomainErrorsMixin, forms.Form):
    renamed = {"decision_reason": "reason"}

    reason = forms.CharField(label=_("Why is the referral declined?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpAddForm(DomainErrorsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "followup_%s")
        super().__init__(*args, **kwargs)
        _model_fields(self, FollowUp, ["due_on"])


OUTCOME_FIELDS = ["status", "done_on", "living_situation", "income", "health", "safety",
                  "retrafficked", "notes"]


class FollowUpRecordForm(DomainErrorsMixin, forms.Form):
    """What a follow-up found, and the person's satisfaction with each service of the case
    (one select per service, left empty when not asked)."""

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        _model_fields(self, FollowUp, OUTCOME_FIELDS)
        self.fields["notes"].widget = forms.Textarea(attrs={"rows": 3})
        self.services = list(services)
        for service in self.services:
            self.fields[self._satisfaction_name(service)] = forms.ChoiceField(
                label=_("Satisfaction with %(service)s") % {"service": service},
                required=False, choices=[("", _("Not asked")), *SATISFACTION])

    @staticmethod
    def _satisfaction_name(service: Service) -> str:
        return f"satisfaction_{service.pk}"

    def outcome_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in OUTCOME_FIELDS}

    def satisfaction(self) -> dict[int, str]:
        """``{service_id: answer}`` for the services the person was asked about."""
        answers = {service.pk: self.cleaned_data[self._satisfaction_name(service)]
                   for service in self.services}
        return {pk: answer for pk, answer in answers.items() if answer}

    def outcome(self) -> list[forms.BoundField]:
        return [self[name] for name in OUTCOME_FIELDS]

    def satisfaction_fields(self) -> list[forms.BoundField]:
        return [self[self._satisfaction_name(service)] for service in self.services]
