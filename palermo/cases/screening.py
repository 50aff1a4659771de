"""Recording a screening decision and its approval by a supervisor."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.cases import casework
from palermo.cases.eligibility import Answer, Outcome, ScreeningFacts, screening_recommendation
from palermo.cases.models import Case, Screening
from palermo.cases.saving import validated_save
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership

CATEGORY = {Outcome.PRESUMED_VICTIM: "victim", Outcome.POSSIBLE_VICTIM: "possible_victim",
            Outcome.OTHER_MIGRANT_IN_NEED: "other_migrant"}


def _facts(answers: dict[str, str], age: int | None, age_declined: bool) -> ScreeningFacts:
    try:
        parsed = {k: Answer(v) for k, v in answers.items()}
    except ValueError as exc:
        raise ValidationError({"answers": _("Answers are yes, no, unknown or declined.")}) \
            from exc
    return ScreeningFacts(answers=parsed, age=age, age_declined=age_declined)


@transaction.atomic
def record(membership: Membership, case: Case, *, answers: dict[str, str], decision: str,
           age: int | None = None, age_declined: bool = False,
           differing_reason: str = "") -> Screening:
    """Record the caseworker's decision next to Palermo's recommendation; it waits for a
    supervisor's approval."""
    access.require(membership, Action.CHANGE, case)
    facts = _facts(answers, age, age_declined)
    try:
        result = screening_recommendation(facts)
    except ValueError as exc:
        raise ValidationError({"answers": str(exc)}) from exc
    screening = Screening(case=case, answers=answers, age=age, age_declined=age_declined,
                          recommendation=result.outcome.value, reasons=result.reasons,
                          decision=decision, differing_reason=differing_reason,
                          decided_by=membership.user)
    screening._history_user = membership.user
    validated_save(screening)
    return screening


@transaction.atomic
def approve(membership: Membership, screening: Screening, comment: str = "") -> Screening:
    """A supervisor approves the decision; the case's client category follows it."""
    _decide(membership, screening, Screening.Approval.APPROVED, comment)
    case = screening.case
    casework.update_case(membership, case, version=case.version,
                         client_category=CATEGORY[Outcome(screening.decision)],
                         reason=_("Screening decision approved"))
    return screening


@transaction.atomic
def return_for_review(membership: Membership, screening: Screening, comment: str) -> Screening:
    return _decide(membership, screening, Screening.Approval.RETURNED, comment)


def _decide(membership, screening, approval, comment) -> Screening:
    access.require(membership, Action.APPROVE, screening)
    if screening.decided_by_id == membership.user_id:
        raise PermissionDenied  # nobody approves their own decision
    if screening.approval != Screening.Approval.PENDING:
        raise ValidationError({"approval": _("This decision was already reviewed.")})
    screening.approval = approval
    screening.approved_by = membership.user
    screening.approved_at = timezone.now()
    screening.approval_comment = comment
    screening._history_user = membership.user
    validated_save(screening)
    return screening


def waiting_for_approval(membership: Membership):
    """The supervisor's queue: decisions of the organisation not yet reviewed."""
    if not access.can(membership, Action.APPROVE, Screening):
        return Screening.objects.none()
    return access.visible(membership, Screening.objects.select_related("case")).filter(
        approval=Screening.Approval.PENDING).order_by("decided_at")
