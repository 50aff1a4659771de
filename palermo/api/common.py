"""What every group of endpoints shares: refusals, field-named errors, the visible case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Status

from palermo.api.schemas import Error
from palermo.cases.models import Case
from palermo.core import access

# The refusals every endpoint on a record can answer (docs/access.md).
REFUSED = {403: Error, 404: Error}


def problems(exc: ValidationError) -> Status:
    """422 naming each refused field (``__all__`` for a refusal that names none)."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, {"detail": "invalid", "fields": fields})


def visible_case(request, case_id: int) -> Case:
    """The case if the acting member may see it: 403 for roles that never do, else 404."""
    return access.get_visible(request.membership, Case.objects.select_related("person"),
                              pk=case_id)
