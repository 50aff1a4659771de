"""API endpoints of the exchange module: thin — parse, call the domain, serialise.

* ``POST /api/exchange/imports/{htcds|template}`` — a file, checked (``dry_run``, the
  default) or imported, as a background job: a small file answers the per-row report at
  once; a larger one answers 202 with the job to follow (``GET /api/jobs/{id}``).
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
from palermo.exchange import jobs as exchange_jobs
from palermo.exchange.models import CoreIndicatorSubmission
from palermo.exchange.validation import DATE_ORDERS

router = Router(tags=["exchange"])
LAYOUTS = {"htcds": htcds.LAYOUT, "template": template.LAYOUT}
SYNCHRONOUS_BYTES = 1024 * 1024  # up to here, the job is done before the answer


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


class IndicatorSubmissionOut(Schema):
    submission: int
    rows: int


class Problems(Schema):
    detail: str
    problems: list[ProblemOut]


class PublishedQuery(Schema):
    by: list[str] = ["sex"]


class JobStarted(Schema):
    job: str
    url: str
    status: str


@router.post("/imports/{layout}", response={200: ImportOut, 202: JobStarted, 403: Error,
                                            404: Error, 422: ImportOut})
def import_file(request, layout: str, file: File[UploadedFile], dry_run: bool = True,
                quarantine: bool = False, date_order: str | None = None):
    """Check (``dry_run=true``, the default) or import a file in the HTCDS layout or the
    Palermo case template. Supervisors only. The work is a background job: a file of up to
    1 MiB is done before the answer — a check answers 200 with its report, an import 200,
    or 422 with the report when it imported nothing — and a larger file answers 202 with
    the job's URL (``GET /api/jobs/{id}``: progress, then the same report as ``result``)."""
    importing.require_import(request.membership)
    if layout not in LAYOUTS:
        return Status(404, {"detail": "Unknown layout: htcds or template"})
    if date_order is not None and date_order not in DATE_ORDERS:
        return Status(404, {"detail": "date_order is dmy or mdy"})
    content = file.read()
    options = {"dry_run": dry_run, "quarantine": quarantine, "date_order": date_order}
    if len(content) > SYNCHRONOUS_BYTES:
        job = exchange_jobs.start_upload(request.membership, content,
                                         file.name or "upload.csv", layout, **options)
        return Status(202, {"job": str(job.pk), "url": f"/api/jobs/{job.pk}",
                            "status": job.status})
    report = exchange_jobs.run_upload_here(request.membership, content,
                                           file.name or "upload.csv", layout, **options)
    return Status(200 if dry_run or report.imported else 422, report.as_dict())


@router.post("/core-indicators",
             response={201: IndicatorSubmissionOut, 403: Error, 422: Problems})
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
