"""Screening pages: record a decision beside Palermo's recommendation; supervisors review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palermo.cases import screening
from palermo.cases.models import Screening
from palermo.core import access
from palermo.web.forms_screening import ReviewForm, ScreeningForm
from palermo.web.views.case_parts import case_to_change
from palermo.web.views.submit import submitted


@login_required
def screening_record(request, pk: int):
    """The screening questions (act, means, purpose); Palermo recommends on saving."""
    case = case_to_change(request, pk)
    form = ScreeningForm(request.POST or None)
    saved, made = submitted(request, form, lambda data: screening.record(
        request.membership, case, **form.screening_fields()))
    if saved:
        messages.success(request, _("Screening recorded: %(decision)s. It waits for a "
                                    "supervisor's approval.") % {
                                        "decision": made.get_decision_display()})
        return redirect(reverse("web:case_detail", args=[case.pk]) + "#screening-title")
    return render(request, "web/cases/parts/screening.html", {"case": case, "form": form})


@login_required
@require_POST
def screening_review(request, sid: int, verdict: str):
    """A supervisor approves or returns a decision (never their own: the domain refuses)."""
    if verdict not in ("approve", "return"):
        raise Http404
    item = access.get_visible(request.membership, Screening.objects.select_related("case"),
                              pk=sid)
    action = screening.approve if verdict == "approve" else screening.return_for_review
    form = ReviewForm(request.POST)
    saved, _reviewed = submitted(request, form, lambda data: action(
        request.membership, item, data["comment"]))
    if saved:
        messages.success(request, _("Screening decision reviewed."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("web:case_detail", args=[item.case_id]) + "#screening-title")
