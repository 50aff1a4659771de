"""A questionnaire response about a case (an interview), linked from the case's side so that
``questionnaires`` stays below ``cases`` (ARCHITECTURE.md)."""

from __future__ import annotations

from django.db import models


class CaseInterview(models.Model):
    """Links a questionnaire submission to the case it is about. Access follows the case:
    an interview is an identity record of the case's organisation."""

    access_kind = "identity"
    access_owner = "case__organisation"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="interviews")
    submission = models.OneToOneField("questionnaires.Submission", on_delete=models.PROTECT,
                                      related_name="case_link")
    written_through = models.DateTimeField(
        null=True, blank=True, help_text="When bound answers were written to the case")

    def __str__(self) -> str:
        return f"interview {self.submission_id} of case {self.case_id}"
