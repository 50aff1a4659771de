"""How the API refuses a request, in one place: the answer's shape, and the same refusals
written into the OpenAPI description of every operation.

* 400 — the body is not JSON (or not the multipart form the operation takes);
* 401 — no live token;
* 403 — the role may not use the endpoint (``PermissionDenied`` anywhere below);
* 422 — a value is refused: ``{"detail": "invalid", "fields": {name: [reason, …]}}``, the
  same shape whether the schema refused it (a wrong type, a number out of range) or the
  domain did (``palermo.api.common.problems``).

A number or text the database cannot hold that no schema bound stopped is answered 422 and
logged on one line naming the endpoint — never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from ninja import NinjaAPI
from ninja.errors import ValidationError as SchemaRefusal

logger = logging.getLogger("palermo.api")

# Where a refused value came from, as ninja names it: the first part of its location.
_BODY_SOURCES = ("body", "form", "file")
OUT_OF_RANGE = "A value is out of the range Palermo can store (a number too large?)."

_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}},
           "required": ["detail"]}
FIELD_PROBLEMS = {
    "type": "object", "required": ["detail", "fields"],
    "properties": {"detail": {"type": "string"},
                   "fields": {"type": "object", "additionalProperties": {
                       "type": "array", "items": {"type": "string"}}}}}


def field_name(location: tuple | list) -> str:
    """The name a client knows for the refused value: ``("path", "case_id")`` →
    ``case_id``, ``("body", "payload", "answers", "age")`` → ``answers.age``, ``("query",
    "limit")`` → ``limit``."""
    source, *parts = location or ("",)
    if source in _BODY_SOURCES and len(parts) > 1:
        parts = parts[1:]  # the endpoint's own name for its body
    return ".".join(str(p) for p in parts) or "__all__"


def schema_problems(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each refused field with its reasons (pydantic's message, never the value sent)."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(field_name(error.get("loc", ())), []).append(str(error.get("msg")))
    return fields


def install(api: NinjaAPI) -> None:
    """Register the refusals on *api* (its exception handlers)."""

    def forbidden(request, exc):
        return api.create_response(request, {"detail": "Forbidden"}, status=403)

    def refused_by_schema(request, exc):
        return api.create_response(
            request, {"detail": "invalid", "fields": schema_problems(exc.errors)}, status=422)

    def out_of_range(request, exc):
        # The exception's text is not logged: a database's message can quote the value.
        logger.warning("Out-of-range value refused at %s %s (%s); bound it in the schema",
                       request.method, request.path, type(exc).__name__)
        return api.create_response(request, {"detail": "invalid",
                                              "fields": {"__all__": [OUT_OF_RANGE]}},
                                   status=422)

    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(SchemaRefusal, refused_by_schema)
    api.add_exception_handler(OverflowError, out_of_range)
    api.add_exception_handler(DataError, out_of_range)


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document_refusals(openapi: dict) -> dict:
    """Write the refusals every operation can give into its ``responses``: 401 where a
    token is needed, 400 and 422 where it takes a body or parameters. A 422 an operation
    declares with another shape (an import report) may also be the field problems."""
    for item in openapi.get("paths", {}).values():
        for operation in item.values():
            # ninja keys the declared responses by int; JSON has only string keys.
            responses = {str(code): answer for code, answer in
                         operation.get("responses", {}).items()}
            operation["responses"] = responses
            if operation.get("security"):
                responses.setdefault("401", _json(_DETAIL, "No live API token"))
            if operation.get("requestBody"):
                responses.setdefault("400", _json(_DETAIL, "The body cannot be read"))
            if operation.get("requestBody") or operation.get("parameters"):
                declared = responses.get("422")
                if declared is None:
                    responses["422"] = _json(FIELD_PROBLEMS, "A value is refused")
                else:
                    content = declared.setdefault("content", {}).setdefault(
                        "application/json", {})
                    content["schema"] = {"anyOf": [content.get("schema", {}),
                                                   FIELD_PROBLEMS]}
    return openapi
