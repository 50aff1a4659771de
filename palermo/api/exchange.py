"""API endpoints of the exchange module: thin — parse, call the domain, serialise.

* ``POST /api/exchange/imports/{htcds|template}`` — a file, checked (``dry_run``, the
  default) or imported; answers the per-row report.
* ``POST /api/exchange/core-indicators`` — aggregate counts of an organisation without a
  case system; ``GET`` the merged counts as published (suppressed).
"""

from __future__ import annotations

from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from palermo.api.schemas import Error
from palermo.core import access
from palermo.core.access import Action
from palermo.exchange import htcds, importing, indicators, template
from palermo.exchange.models import CoreIndicatorSubmission
from palermo.exchange.validation import DATE_ORDERS

router = Router(tags=["exchange"])
LAYOUTS = {"htcds": htcds.LAYOUT, "template": template.LAYOUT}


class ProblemOut(Schema):
    row: int
    field: str
    reason: str
    severity: str


class ImportOut(Schema):
    layout: str
    dry_run: bool
    rows: int
    valid: int
    imported: int
    quarantined: int
    unknown_columns: list[str]
    unused_columns: list[str]
    batch: int | None
    problems: list[ProblemOut]


class IndicatorRows(Schema):
    rows: list[dict]
    note: str = ""


class SubmissionOut(Schema):
    submission: int
    rows: int


class Problems(Schema):
    detail: str
    problems: list[ProblemOut]


class PublishedQuery(Schema):
    by: list[str] = ["sex"]


@router.post("/imports/{layout}", response={200: ImportOut, 403: Error, 404: Error,
                                            422: ImportOut})
def import_file(request, layout: str, file: File[UploadedFile], dry_run: bool = True,
                quarantine: bool = False, date_order: str | None = None):
    """Check (``dry_run=true``, the default) or import a file in the HTCDS layout or the
    Palermo case template. Supervisors only. A check answers 200 with its report; an import
    that imported nothing answers 422 with the report."""
    importing.require_import(request.membership)
    if layout not in LAYOUTS:
        return Status(404, {"detail": "Unknown layout: htcds or template"})
    if date_order is not None and date_order not in DATE_ORDERS:
        return Status(404, {"detail": "date_order is dmy or mdy"})
    report = importing.run(request.membership, file.read(), file.name or "upload.csv",
                           LAYOUTS[layout], dry_run=dry_run, quarantine=quarantine,
                           date_order=date_order, channel="api")
    return Status(200 if dry_run or report.imported else 422, report.as_dict())


@router.post("/core-indicators", response={201: SubmissionOut, 403: Error, 422: Problems})
def submit_indicators(request, body: IndicatorRows):
    """Submit aggregate core indicators: rows of period, sex, age_band, exploitation_type,
    citizenship (optional) and persons. All rows are stored, or none."""
    access.require(request.membership, Action.CREATE, CoreIndicatorSubmission)
    result = indicators.submit_records(request.membership, body.rows, source="api",
                                       note=body.note)
    if result.problems:
        return Status(422, {"detail": "invalid",
                            "problems": [p.as_dict() for p in result.problems]})
    return Status(201, {"submission": result.submission.pk, "rows": result.rows})


@router.get("/core-indicators", response={200: list[dict], 403: Error, 422: Error})
def published_indicators(request, query: Query[PublishedQuery]):
    """Persons assisted per year × the dimensions ``by`` (sex, age_band, exploitation_type,
    citizenship; at most two), case-system and submitted counts together, small counts
    suppressed with every other table of the set in mind; logged as a release."""
    try:
        return indicators.release_counts(request.membership, tuple(query.by))
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})
