"""Following up people after closure or return: the schedule, the overdue list, outcomes."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import models, transaction
from django.utils import timezone

from palermo.cases.models import Case, FollowUp, ServiceFeedback
from palermo.cases.saving import validated_save
from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership


def add_months(day: dt.date, months: int) -> dt.date:
    """*day* plus whole months, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def schedule(case: Case, start: dt.date) -> list[FollowUp]:
    """Schedule the owning organisation's follow-ups (default 3, 6, 12 months) from *start*.
    Intervals already scheduled are left as they are, so calling it twice is harmless."""
    existing = set(case.follow_ups.exclude(months_after=None)
                   .values_list("months_after", flat=True))
    made = [FollowUp(case=case, months_after=m, due_on=add_months(start, m))
            for m in case.organisation.follow_up_months if m not in existing]
    FollowUp.objects.bulk_create(made)
    return made


def overdue(membership: Membership, today: dt.date | None = None) -> models.QuerySet:
    """Scheduled follow-ups past their date that *membership* may see, oldest first."""
    today = today or timezone.localdate()
    return access.visible(membership, FollowUp.objects.select_related("case")).filter(
        status=FollowUp.Status.SCHEDULED, due_on__lt=today).order_by("due_on", "id")


@transaction.atomic
def record_follow_up(membership: Membership, follow_up: FollowUp, *,
                     satisfaction: dict[int, str] | None = None, **fields) -> FollowUp:
    """Record what the follow-up found, and the person's satisfaction per service
    (``{service_id: "4"}``)."""
    access.require(membership, Action.CHANGE, follow_up)
    for name, value in fields.items():
        setattr(follow_up, name, value)
    follow_up.done_by = membership.user
    if follow_up.status == FollowUp.Status.DONE and follow_up.done_on is None:
        follow_up.done_on = timezone.localdate()
    follow_up._history_user = membership.user
    validated_save(follow_up)
    for service_id, answer in (satisfaction or {}).items():
        feedback = ServiceFeedback(follow_up=follow_up, service_id=service_id,
                                   satisfaction=answer)
        feedback.full_clean()
        feedback.save()
    return follow_up


@transaction.atomic
def add_follow_up(membership: Membership, case: Case, due_on: dt.date) -> FollowUp:
    """An ad-hoc follow-up outside the schedule."""
    access.require(membership, Action.CHANGE, case)
    follow_up = FollowUp(case=case, due_on=due_on)
    follow_up.full_clean()
    follow_up.save()
    return follow_up
