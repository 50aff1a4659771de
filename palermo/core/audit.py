"""Recording who opened which sensitive record (the AccessLog)."""

from __future__ import annotations

from django.db import models

from palermo.core.access import owner_id
from palermo.core.models import AccessLog, Membership


def log_access(membership: Membership, obj: models.Model, *, action: str = "view",
               channel: str = AccessLog.Channel.WEB, detail: str = "") -> AccessLog:
    """Record that *membership* opened *obj*. Call it wherever a sensitive record is shown."""
    return AccessLog.objects.create(
        user=membership.user, organisation=membership.organisation, role=membership.role,
        record_type=obj._meta.label_lower, record_id=str(obj.pk), owner_id=owner_id(obj),
        action=action, channel=channel, detail=detail[:200])
