"""API endpoints of the analytics module: thin — parse, call the domain, serialise.

``GET /api/statistics/tables`` lists the tables; ``GET /api/statistics/tables/{key}`` computes
one, counted within what the token's membership may see and suppressed unless it may see the
real counts. Every table returned is written to the release log.
"""

from __future__ import annotations

import json

from django.http import QueryDict
from ninja import Router, Schema, Status

from palermo.analytics import publication
from palermo.analytics.exports import log_export
from palermo.analytics.filtering import form_for
from palermo.analytics.specs import get_spec, shipped_specs
from palermo.api.schemas import Error

router = Router(tags=["analytics"])


class TableSummary(Schema):
    key: str
    title: str
    description: str
    columns: list[str]
    convention: str


class CellOut(Schema):
    n: int | None
    pct: float | None


class RowOut(Schema):
    label: str
    cells: list[CellOut]


class BlockOut(Schema):
    name: str
    label: str
    multi_response: bool
    rows: list[RowOut]


class ColumnOut(Schema):
    label: str
    n: int | None


class TableOut(Schema):
    key: str
    title: str
    convention: str
    by: list[str]
    filters: dict
    suppressed: bool
    threshold: int | None
    columns: list[ColumnOut]
    blocks: list[BlockOut]
    notes: list[str]
    source: str


class FilterProblems(Schema):
    detail: str
    fields: dict[str, list[str]]


@router.get("/tables", response={200: list[TableSummary], 403: Error})
def list_tables(request):
    """The tables the API can compute (403 for roles without statistics)."""
    publication.reader_scope(request.membership)
    return [TableSummary(key=s.key, title=s.title, description=s.description,
                         columns=list(s.columns), convention=s.convention)
            for s in shipped_specs().values()]


def _serialise(p: publication.Published) -> dict:
    table = p.table
    return {
        "key": p.spec.key, "title": p.spec.title, "convention": table.convention,
        "by": list(table.by), "filters": table.filters.describe(), "suppressed": p.suppressed,
        "threshold": p.threshold if p.suppressed else None,
        "columns": [{"label": label, "n": n}
                    for label, n in zip(table.columns, p.column_n, strict=True)],
        "blocks": [{"name": b.name, "label": b.label, "multi_response": b.multi,
                    "rows": [{"label": r.label, "cells": [{"n": c.n, "pct": c.pct}
                                                          for c in r.cells]}
                             for r in b.rows]} for b in p.blocks],
        "notes": p.notes, "source": p.spec.source}


@router.get("/tables/{key}", response={200: TableOut, 403: Error, 404: Error,
                                       422: FilterProblems})
def get_table(request, key: str):
    """One table. Query parameters: ``convention`` (ctm|ctdc), ``by`` (all, origin_region,
    destination_region, year, organisation, sex_age) and — only for a reader who sees the
    real counts — the population: ``date_from``, ``date_to`` (YYYY-MM-DD, case opened),
    ``organisation`` (id, repeatable), ``client_category`` (repeatable), ``data_source``
    (repeatable). Anyone else gets the fixed table set: a population parameter is refused
    with 422 naming it."""
    scope_orgs = publication.reader_scope(request.membership)
    try:
        spec = get_spec(key)
    except KeyError:
        return Status(404, {"detail": f"No table {key!r}."})
    form = form_for(request.GET if request.GET else QueryDict(), request.membership,
                    scope_orgs)
    if not form.is_valid():
        return Status(422, {"detail": "invalid", "fields": {
            name: [str(e) for e in errors] for name, errors in form.errors.items()}})
    published = publication.publish_tables([spec], form.filters(), scope_orgs=scope_orgs,
                                           real_counts=form.real_counts,
                                           **form.options())[0]
    body = _serialise(published)
    log_export([published], json.dumps(body, sort_keys=True, default=str), "json",
               channel="api", membership=request.membership)
    return body
