"""Case endpoints: list, read, open, change (with conflict detection), notes, events."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Router, Status
from ninja.pagination import paginate

from palermo.api.common import REFUSED, Paging, problems, visible_case
from palermo.api.schemas import Error, FieldChangeOut, RecordId
from palermo.api.schemas_cases import (
    CaseChange,
    CaseIn,
    CaseOut,
    CaseSummary,
    Conflict,
    ConsentIn,
    ConsentOut,
    EventIn,
    EventOut,
    NoteIn,
    NoteOut,
    Problems,
    ServiceIn,
    ServiceOut,
)
from palermo.cases import assistance, casework, sharing
from palermo.cases.models import Case, Person
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.models import AccessLog

router = Router(tags=["cases"])


def _values(fields: dict) -> dict:
    """JSON null for a text answer or a list means "empty", as the forms store it."""
    cleaned = {}
    for name, value in fields.items():
        field = Case._meta.get_field(name.removesuffix("_id"))
        if value is None and not field.null:
            value = [] if field.get_internal_type() == "JSONField" else ""
        cleaned[name] = value
    return cleaned


@router.get("", response={200: list[CaseSummary], 403: Error})
@paginate(Paging)
def list_cases(request, status: str = "", mine: bool = False):
    """Cases of the acting organisation, newest first; no identity fields."""
    access.require(request.membership, Action.VIEW, Case)
    cases = access.visible(request.membership, Case.objects.all())
    if status:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(assigned_to=request.membership.user)
    return cases


@router.get("/{case_id}", response={200: CaseOut, **REFUSED})
def get_case(request, case_id: RecordId):
    """One case. The opening is written to the access log."""
    case = visible_case(request, case_id)
    log_access(request.membership, case, channel=AccessLog.Channel.API)
    return case


@router.post("", response={201: CaseOut, 422: Problems, **REFUSED})
def open_case(request, body: CaseIn):
    """Open a case for a person of the acting organisation."""
    person = access.get_visible(request.membership, Person.objects.all(), pk=body.person_id)
    try:
        case = casework.open_case(request.membership, person,
                                  **_values(body.dict(exclude={"person_id"}, exclude_unset=True)))
    except ValidationError as exc:
        return problems(exc)
    return Status(201, case)


@router.patch("/{case_id}", response={200: CaseOut, 409: Conflict, 422: Problems, **REFUSED})
def change_case(request, case_id: RecordId, body: CaseChange):
    """Change fields of a case loaded at ``version``. 409 with the saved case when someone
    else saved it since — nothing is overwritten."""
    case = visible_case(request, case_id)
    fields = _values(body.dict(exclude={"version", "reason"}, exclude_unset=True))
    try:
        return casework.update_case(request.membership, case, version=body.version,
                                    reason=body.reason, **fields)
    except casework.EditConflict as conflict:
        return Status(409, {"detail": str(conflict), "current": conflict.current})
    except ValidationError as exc:
        return problems(exc)


@router.get("/{case_id}/history", response={200: list[FieldChangeOut], **REFUSED})
def case_history(request, case_id: RecordId):
    """Every change of the case. Only its own organisation reads it: 403 for an
    organisation the case is shared with (docs/access.md)."""
    case = visible_case(request, case_id)
    changes = sharing.case_changes(request.membership, case)
    log_access(request.membership, case, action="history", channel=AccessLog.Channel.API)
    return [asdict(c) for c in changes]


@router.get("/{case_id}/notes", response={200: list[NoteOut], **REFUSED})
def list_notes(request, case_id: RecordId):
    """The case's notes the acting member may read: its own organisation's (none of them
    for an organisation the case is shared with)."""
    case = visible_case(request, case_id)
    log_access(request.membership, case, action="notes", channel=AccessLog.Channel.API)
    notes = access.related(request.membership, case, "notes").select_related("author")
    return [NoteOut(id=n.pk, author=n.author.get_username(), written_at=n.written_at,
                    text=n.text) for n in notes]


@router.post("/{case_id}/notes", response={201: NoteOut, 422: Problems, **REFUSED})
def add_note(request, case_id: RecordId, body: NoteIn):
    case = visible_case(request, case_id)
    try:
        note = casework.add_note(request.membership, case, body.text)
    except ValidationError as exc:
        return problems(exc)
    return Status(201, NoteOut(id=note.pk, author=note.author.get_username(),
                               written_at=note.written_at, text=note.text))


@router.post("/{case_id}/events", response={201: EventOut, 422: Problems, **REFUSED})
def add_event(request, case_id: RecordId, body: EventIn):
    case = visible_case(request, case_id)
    try:
        event = casework.add_event(request.membership, case, **body.dict(exclude_unset=True))
    except ValidationError as exc:
        return problems(exc)
    return Status(201, event)


@router.get("/{case_id}/consents", response={200: list[ConsentOut], **REFUSED})
def list_consents(request, case_id: RecordId):
    """Every consent decision of the case, the latest first (the latest of a kind is in
    force); none for an organisation the case is shared with."""
    return list(access.related(request.membership, visible_case(request, case_id),
                               "consents"))


@router.post("/{case_id}/consents", response={201: ConsentOut, 422: Problems, **REFUSED})
def record_consent(request, case_id: RecordId, body: ConsentIn):
    case = visible_case(request, case_id)
    fields = {k: v for k, v in body.dict().items() if v is not None}
    try:
        return Status(201, assistance.record_consent(request.membership, case, **fields))
    except ValidationError as exc:
        return problems(exc)


@router.get("/{case_id}/services", response={200: list[ServiceOut], **REFUSED})
def list_services(request, case_id: RecordId):
    """The case's services; none for an organisation the case is shared with."""
    return list(access.related(request.membership, visible_case(request, case_id),
                               "services"))


@router.post("/{case_id}/services", response={201: ServiceOut, 422: Problems, **REFUSED})
def add_service(request, case_id: RecordId, body: ServiceIn):
    case = visible_case(request, case_id)
    fields = {k: v for k, v in body.dict().items() if v is not None}
    if "cost" in fields:
        fields["cost"] = Decimal(str(fields["cost"]))
    try:
        return Status(201, assistance.add_service(request.membership, case, **fields))
    except ValidationError as exc:
        return problems(exc)
