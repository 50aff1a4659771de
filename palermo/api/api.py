"""The REST API at /api/: thin endpoints that parse, call the domain and serialise.

OpenAPI description at /api/openapi.json, interactive docs at /api/docs.
"""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from ninja import NinjaAPI, Status
from ninja.pagination import paginate

import palermo
from palermo.api import refusals
from palermo.api.analytics import router as analytics_router
from palermo.api.auth import PersonalToken
from palermo.api.cases import router as cases_router
from palermo.api.common import Paging, problems
from palermo.api.exchange import router as exchange_router
from palermo.api.followups import router as follow_ups_router
from palermo.api.jobs import router as jobs_router
from palermo.api.learning import router as learning_router
from palermo.api.questionnaires import router as questionnaires_router
from palermo.api.referrals import router as referrals_router
from palermo.api.returns import router as returns_router
from palermo.api.schemas import (
    CandidateOut,
    DuplicateQuery,
    ErasureIn,
    Error,
    FieldChangeOut,
    Health,
    Me,
    MembershipOut,
    MergeIn,
    PersonChange,
    PersonIn,
    PersonOut,
    PersonSearch,
    PersonSummary,
    PossibleDuplicatesOut,
    RecordId,
)
from palermo.api.schemas_cases import Problems
from palermo.api.screening import router as screening_router
from palermo.cases import duplicates, services, subject_rights
from palermo.cases.models import Person
from palermo.core import access
from palermo.core.access import Action
from palermo.core.audit import log_access
from palermo.core.history import field_changes
from palermo.core.models import AccessLog


class PalermoAPI(NinjaAPI):
    """The API, whose OpenAPI description lists the refusals every operation can give."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return refusals.document_refusals(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = PalermoAPI(title="Palermo API", version=palermo.__version__, auth=PersonalToken(),
                 urls_namespace="api")
refusals.install(api)


api.add_router("/cases", cases_router)
api.add_router("", follow_ups_router)
api.add_router("", referrals_router)
api.add_router("", screening_router)
api.add_router("", returns_router)
api.add_router("/forms", questionnaires_router)
api.add_router("/statistics", analytics_router)
api.add_router("/exchange", exchange_router)
api.add_router("/jobs", jobs_router)
api.add_router("/programmes", "palermo.api.programmes.router")
api.add_router("/learning", learning_router)


@api.get("/health", auth=None, response=Health, tags=["system"])
def health(request):
    """Liveness and database reachability; no authentication."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor, "version": palermo.__version__}


@api.get("/me", response=Me, tags=["system"])
def me(request):
    """Who the token acts as."""
    m = request.membership
    return {"username": m.user.get_username(),
            "acting_for": MembershipOut(organisation_id=m.organisation_id,
                                        organisation=str(m.organisation), role=m.role)}


@api.get("/persons", response={200: list[PersonSummary], 403: Error}, tags=["cases"])
@paginate(Paging)
def list_persons(request):
    """Persons of the acting organisation, newest first, without identity fields."""
    access.require(request.membership, Action.VIEW, Person)
    return access.visible(request.membership, Person.objects.current())


@api.post("/persons/search", response={200: list[PersonSummary], 403: Error},
          tags=["cases"])
def search_persons(request, body: PersonSearch):
    """Persons whose full name, identity number or phone equals ``q`` exactly (case, accents
    and spacing ignored). A POST, so that the searched name never appears in a URL or log."""
    access.require(request.membership, Action.VIEW, Person)
    if not body.q.strip():
        return []
    return access.visible(request.membership, Person.objects.current()).matching(body.q)


@api.post("/persons/duplicates", response={200: list[CandidateOut], 403: Error},
          tags=["cases"])
def find_duplicates(request, body: DuplicateQuery):
    """Persons of the acting organisation who may be the one about to be registered
    (blind-index matches on name, birth date, identity number, phone), strongest first."""
    return _candidates_out(duplicates.candidates(request.membership, **body.dict()))


@api.get("/persons/{person_id}", response={200: PersonOut, 403: Error, 404: Error},
         tags=["cases"])
def get_person(request, person_id: RecordId):
    """One person's record with identity fields. The opening is written to the access log."""
    person = access.get_visible(request.membership, Person.objects.all(), pk=person_id)
    log_access(request.membership, person, channel=AccessLog.Channel.API)
    return person


def _person_values(body) -> dict:
    """The fields sent, as the model stores them: JSON null for a text or a list means
    empty."""
    values = body.dict(exclude_unset=True)
    values.pop("different_from", None)
    values.pop("reason", None)
    for name, value in values.items():
        if value is None and name in ("citizenships", "languages"):
            values[name] = []
        elif value is None and name not in ("birth_date", "children"):
            values[name] = ""
    return values


def _candidates_out(found: list[duplicates.Candidate]) -> list[dict]:
    return [{"person": c.person, "matched": list(c.matched), "strong": c.strong}
            for c in found]


@api.post("/persons", response={201: PersonOut, 403: Error, 409: PossibleDuplicatesOut,
                                422: Problems}, tags=["cases"])
def register_person(request, body: PersonIn):
    """Register a person. The organisation's records are checked first (blind indexes on
    name, birth date, identity number, phone): while a candidate exists that is not listed in
    ``different_from``, nothing is saved and the answer is 409 with the candidates."""
    try:
        person = services.register_checked(request.membership, **_person_values(body),
                                           different_from=body.different_from)
    except services.PossibleDuplicates as found:
        return Status(409, {"detail": "possible duplicates",
                            "candidates": _candidates_out(found.candidates)})
    except ValidationError as exc:
        return problems(exc)
    return Status(201, person)


@api.patch("/persons/{person_id}", response={200: PersonOut, 403: Error, 404: Error,
                                                 422: Problems}, tags=["cases"])
def correct_person(request, person_id: RecordId, body: PersonChange):
    """Correct a person's details (only the fields sent); the history keeps who, when, old
    and new, and the reason."""
    person = access.get_visible(request.membership, Person.objects.all(), pk=person_id)
    try:
        return services.update_person(request.membership, person, reason=body.reason,
                                      **_person_values(body))
    except ValidationError as exc:
        return problems(exc)


@api.get("/persons/{person_id}/history", response={200: list[FieldChangeOut], 403: Error,
                                                   404: Error}, tags=["cases"])
def person_history(request, person_id: RecordId):
    """Every change of the record: who, when, field, old and new value."""
    person = access.get_visible(request.membership, Person.objects.all(), pk=person_id)
    log_access(request.membership, person, action="history", channel=AccessLog.Channel.API)
    return [asdict(c) for c in field_changes(person)]


@api.post("/persons/{person_id}/merge", response={200: PersonSummary, 403: Error, 404: Error,
                                                 422: Problems}, tags=["cases"])
def merge_persons(request, person_id: RecordId, body: MergeIn):
    """Merge a duplicate record into this one: cases move, both histories stay."""
    keep = access.get_visible(request.membership, Person.objects.current(), pk=person_id)
    duplicate = access.get_visible(request.membership, Person.objects.current(),
                                   pk=body.duplicate_id)
    try:
        return duplicates.merge(request.membership, keep, duplicate, body.reason)
    except ValidationError as exc:
        return problems(exc)


@api.post("/persons/{person_id}/erase", response={200: PersonSummary, 403: Error,
                                                     404: Error, 422: Problems},
          tags=["cases"])
def erase_person(request, person_id: RecordId, body: ErasureIn):
    """Erase the person's identity everywhere, at their request (supervisor). Facts and
    non-identifying answers remain; the erasure is logged with its reason."""
    person = access.get_visible(request.membership, Person.objects.all(), pk=person_id)
    subject_rights.erase_identity(request.membership, person, body.reason)
    person.refresh_from_db()
    return person


@api.get("/persons/{person_id}/export", response={200: dict, 403: Error, 404: Error},
         tags=["cases"])
def export_person(request, person_id: RecordId):
    """Everything recorded about the person, as a readable JSON file for the person."""
    person = access.get_visible(request.membership, Person.objects.all(), pk=person_id)
    response = HttpResponse(subject_rights.export_person(request.membership, person),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{person.reference}.json"'
    return response
