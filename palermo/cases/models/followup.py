"""Follow-up after return or closure: scheduled interviews, outcomes, and the person's own
view of each service (000 Rec. 16 and 26: outcomes and satisfaction, not only outputs)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from palermo.cases.answers import with_refusals
from palermo.core.fields import EncryptedTextField

LIVING = with_refusals([
    ("own_home", _("Own or rented home")), ("family", _("With family")),
    ("shelter", _("Shelter or supported housing")), ("unstable", _("Unstable or homeless")),
    ("migrated_again", _("Migrated again")),
])
INCOME = with_refusals([
    ("employed", _("Employed")), ("self_employed", _("Self-employed / own business")),
    ("training", _("In education or training")), ("no_income", _("No income")),
    ("support", _("Living on support or grants")),
])
HEALTH = with_refusals([("good", _("Good")), ("fair", _("Fair")), ("poor", _("Poor"))])
SAFETY = with_refusals([("safe", _("Feels safe")), ("at_risk", _("At risk")),
                        ("threatened", _("Threatened or harassed by traffickers"))])
YES_NO = with_refusals([("yes", _("Yes")), ("no", _("No"))])
SATISFACTION = with_refusals([("5", _("Very satisfied")), ("4", _("Satisfied")),
                              ("3", _("Neither")), ("2", _("Dissatisfied")),
                              ("1", _("Very dissatisfied"))])


class FollowUp(models.Model):
    """A follow-up interview, scheduled (e.g. 3, 6 and 12 months after closure) or ad hoc."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Person could not be reached")
        DECLINED = "declined", _("Person declined")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due on"))
    months_after = models.PositiveSmallIntegerField(_("months after"), null=True, blank=True,
                                                    help_text=_("Empty for an ad-hoc follow-up"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.SCHEDULED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    living_situation = models.CharField(_("living situation"), max_length=20, blank=True,
                                        choices=LIVING)
    income = models.CharField(_("income and employment"), max_length=20, blank=True,
                              choices=INCOME)
    health = models.CharField(_("health"), max_length=20, blank=True, choices=HEALTH)
    safety = models.CharField(_("safety"), max_length=20, blank=True, choices=SAFETY)
    retrafficked = models.CharField(_("trafficked again since"), max_length=20, blank=True,
                                    choices=YES_NO)
    notes = EncryptedTextField(_("notes"), blank=True)
    history = HistoricalRecords()

    access_kind = "identity"
    access_owner = "case__organisation"

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(
            fields=["case", "months_after"], condition=models.Q(months_after__isnull=False),
            name="one_scheduled_follow_up_per_interval")]

    def __str__(self) -> str:
        return f"{self.case} follow-up due {self.due_on}"

    def clean(self) -> None:
        if self.status == self.Status.DONE and not self.done_on:
            raise ValidationError({"done_on": _("Give the date of the follow-up.")})


class ServiceFeedback(models.Model):
    """The person's satisfaction with one service, asked at a follow-up."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="feedback")
    service = models.ForeignKey("cases.Service", on_delete=models.CASCADE,
                                related_name="feedback")
    satisfaction = models.CharField(_("satisfaction"), max_length=20, choices=SATISFACTION)
    comment = EncryptedTextField(_("in the person's words"), blank=True)

    access_kind = "identity"
    access_owner = "follow_up__case__organisation"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["follow_up", "service"],
                                               name="one_feedback_per_service")]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_satisfaction_display()}"

    def clean(self) -> None:
        if self.service_id and self.follow_up_id and (
                self.service.case_id != self.follow_up.case_id):
            raise ValidationError({"service": _("The service belongs to another case.")})
