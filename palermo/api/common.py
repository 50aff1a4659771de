"""What every group of endpoints shares: refusals, field-named errors, paging, the visible
case."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from ninja import Field, Schema, Status
from ninja.pagination import LimitOffsetPagination

from palermo.api.schemas import MAX_ID, MAX_PAGE, Error
from palermo.cases.models import Case
from palermo.core import access

# The refusals every endpoint on a record can answer (docs/access.md).
REFUSED = {403: Error, 404: Error}


def problems(exc: ValidationError) -> Status:
    """422 naming each refused field (``__all__`` for a refusal that names none)."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(422, {"detail": "invalid", "fields": fields})


class Paging(LimitOffsetPagination):
    """``limit`` and ``offset`` of every list, bounded: at most :data:`MAX_PAGE` items a
    page, an offset the database can take (a larger one is refused with 422 naming it)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_PAGE, description="Items per page")
        offset: int = Field(0, ge=0, le=MAX_ID, description="Items to skip")

    def __init__(self, **kwargs) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)


def visible_case(request, case_id: int) -> Case:
    """The case if the acting member may see it: 403 for roles that never do, else 404."""
    return access.get_visible(request.membership, Case.objects.select_related("person"),
                              pk=case_id)
