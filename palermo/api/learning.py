"""API endpoints of the learning module: thin — parse, call palermo.learning, serialise.

* ``GET /api/learning/publications`` — search the library (words in websearch syntax, filters,
  facet counts, highlighted title and extract as escaped HTML with ``<mark>``);
  ``GET|PATCH …/{id}``, ``POST`` to catalogue, ``GET …/{id}/file``;
  ``GET …/export?format=ris|bibtex|csv|xlsx`` and ``POST …/import`` (a catalogue file).
* ``GET /api/learning/lessons`` — search lessons learned (facets by theme, polarity, year,
  organisation); ``GET|PATCH …/{id}``, ``POST`` to record one; ``GET …/digest.xlsx``.
"""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from palermo.api.common import REFUSED, problems
from palermo.api.schemas import Error, RecordId
from palermo.api.schemas_cases import Problems
from palermo.core import access
from palermo.core.access import Action
from palermo.learning import catalogue, lessons, library
from palermo.learning.models import Lesson, Publication, PublicationFile
from palermo.learning.spreadsheets import CONTENT_TYPES

router = Router(tags=["learning"])


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class PublicationOut(Schema):
    id: int
    title: str
    summary: str
    authors: list[str]
    year: int | None
    category: str
    language: str
    countries: list[str]
    regions: list[str]
    link: str
    organisation: str
    has_file: bool


class PublicationIn(Schema):
    title: str | None = None
    summary: str | None = None
    authors: list[str] | None = None
    year: int | None = None
    category: str | None = None
    language: str | None = None
    countries: list[str] | None = None
    regions: list[str] | None = None
    link: str | None = None


class Found(Schema):
    id: int
    title_html: str
    extract_html: str


class PublicationHit(Found):
    publication: PublicationOut


class LibraryOut(Schema):
    count: int
    page: int
    pages: int
    results: list[PublicationHit]
    facets: list[FacetOut]


# Bounds of the query parameters (a page or a year beyond them finds nothing anyway).
Words = Annotated[str, Field(max_length=500)]
Name = Annotated[str, Field(max_length=200)]
Year = Annotated[int | None, Field(ge=1, le=9999)]
Page = Annotated[int, Field(ge=1, le=100_000)]


class LibraryParams(Schema):
    q: Words = ""
    region: Name = ""
    country: Name = ""
    year: Year = None
    category: Name = ""
    language: Name = ""
    page: Page = 1
    facets: bool = True


class CatalogueProblemOut(Schema):
    where: str
    field: str
    reason: str
    severity: str


class CatalogueImportOut(Schema):
    records: int
    imported: int
    skipped: int
    dry_run: bool
    summary: str
    problems: list[CatalogueProblemOut]


def _facets(facets) -> list[dict]:
    return [{"name": f.name, "label": str(f.label), "values": [
        {"value": v.value, "label": v.shown, "count": v.count, "selected": v.selected}
        for v in f.values]} for f in facets]


def _publications(items: list[Publication]) -> list[dict]:
    with_file = set(PublicationFile.objects.filter(publication__in=items)
                    .values_list("publication_id", flat=True))
    return [{"id": p.pk, **library.values_of(p), "organisation": str(p.organisation),
             "has_file": p.pk in with_file} for p in items]


def _library_query(params: LibraryParams) -> library.LibraryQuery:
    return library.LibraryQuery(text=params.q, region=params.region, country=params.country,
                                year=params.year, category=params.category,
                                language=params.language, page=max(params.page, 1))


def _visible_publication(request, pk: RecordId) -> Publication:
    return access.get_visible(request.membership, Publication.objects.select_related(
        "organisation"), pk=pk)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/publications", response={200: LibraryOut, 403: Error})
def search_library(request, params: Query[LibraryParams]):
    """Search the library. ``q`` in websearch syntax (all words; "a phrase"; ``or``;
    ``-word``), ranked by relevance (title, then authors, then summary); without ``q``
    newest first. Filters: region, country, year, category, language. 20 a page."""
    results = library.find(request.membership, _library_query(params), facets=params.facets)
    publications = _publications([hit.record for hit in results.hits])
    return {"count": results.total, "page": results.query.page, "pages": results.pages,
            "facets": _facets(results.facets),
            "results": [{"id": p["id"], "title_html": str(hit.title),
                         "extract_html": str(hit.extract), "publication": p}
                        for hit, p in zip(results.hits, publications, strict=True)]}


@router.get("/publications/export", response={200: None, 403: Error, 422: Error})
def export_library(request, params: Query[LibraryParams], format: str = "ris"):
    """Everything the search finds (all pages; no parameters: the whole library) as a
    catalogue file: ``format`` ris, bibtex, csv or xlsx."""
    if format not in catalogue.FORMATS:
        return Status(422, {"detail": f"format: one of {', '.join(catalogue.FORMATS)}"})
    made = catalogue.export_catalogue(request.membership, format, _library_query(params))
    return _download(made.content, made.content_type, made.filename)


@router.post("/publications/import", response={200: CatalogueImportOut, 403: Error,
                                                422: CatalogueImportOut})
def import_library(request, file: File[UploadedFile], dry_run: bool = False):
    """Import a catalogue file (.csv, .xlsx, .ris, .bib) into the acting organisation's
    library. Every record is checked; if any is bad, nothing is imported and the answer is
    422 with each problem's record, field and reason."""
    access.require(request.membership, Action.CREATE, Publication)  # before reading a file
    content = file.read(catalogue.MAX_BYTES + 1)  # a larger file is refused by its size
    report = catalogue.import_catalogue(request.membership, file.name or "upload.csv",
                                        content, dry_run=dry_run)
    body = {"records": report.records, "imported": report.imported,
            "skipped": report.skipped, "dry_run": report.dry_run, "summary": report.summary(),
            "problems": [vars(p) for p in report.problems]}
    return Status(422 if report.errors else 200, body)


@router.get("/publications/{pk}", response={200: PublicationOut, **REFUSED})
def get_publication(request, pk: RecordId):
    return _publications([_visible_publication(request, pk)])[0]


@router.post("/publications", response={201: PublicationOut, 403: Error, 422: Problems})
def catalogue_publication(request, body: PublicationIn):
    """Catalogue a publication for the acting organisation (M&E officers; administrators)."""
    try:
        saved = library.save_publication(request.membership, body.dict())
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _publications([saved])[0])


@router.patch("/publications/{pk}", response={200: PublicationOut, **REFUSED,
                                                   422: Problems})
def correct_publication(request, pk: RecordId, body: PublicationIn):
    """Correct a publication: only the fields sent change."""
    publication = _visible_publication(request, pk)
    values = {**library.values_of(publication), **body.dict(exclude_unset=True)}
    try:
        saved = library.save_publication(request.membership, values, publication)
    except ValidationError as exc:
        return problems(exc)
    return _publications([saved])[0]


@router.get("/publications/{pk}/file", response={200: None, **REFUSED})
def publication_file(request, pk: RecordId):
    """The kept copy of the document, as a download."""
    stored = library.file_of(request.membership, _visible_publication(request, pk))
    if stored is None:
        raise Http404
    return _download(bytes(stored.content), library.guess_type(stored.name), stored.name)


# --- Lessons ---------------------------------------------------------------------------------

class LessonOut(Schema):
    id: int
    title: str
    description: str
    polarity: str
    evidence: str
    year: int | None
    themes: list[str]
    sources: list[int]
    organisation: str


class LessonIn(Schema):
    title: str | None = None
    description: str | None = None
    polarity: str | None = None
    evidence: str | None = None
    year: int | None = None
    themes: list[str] | None = None
    sources: list[int] | None = None


class LessonHit(Found):
    lesson: LessonOut


class LessonsOut(Schema):
    count: int
    page: int
    pages: int
    results: list[LessonHit]
    facets: list[FacetOut]


class LessonParams(Schema):
    q: Words = ""
    theme: Name = ""
    polarity: Name = ""
    year: Year = None
    organisation: Annotated[int | None, Field(ge=1, le=2**31)] = None
    page: Page = 1


def _lesson(lesson: Lesson) -> dict:
    return {"id": lesson.pk, **lessons.values_of(lesson),
            "organisation": str(lesson.organisation)}


def _lesson_query(params: LessonParams) -> lessons.LessonQuery:
    return lessons.LessonQuery(text=params.q, theme=params.theme, polarity=params.polarity,
                               year=params.year, organisation=params.organisation,
                               page=max(params.page, 1))


def _visible_lesson(request, pk: RecordId) -> Lesson:
    return access.get_visible(request.membership, Lesson.objects.select_related(
        "organisation"), pk=pk)


@router.get("/lessons", response={200: LessonsOut, 403: Error})
def search_lessons(request, params: Query[LessonParams]):
    """Search lessons learned (same query syntax as the library); filters theme, polarity
    (positive|negative), year, organisation (id); facet counts of each."""
    results = lessons.find_lessons(request.membership, _lesson_query(params))
    return {"count": results.total, "page": results.query.page, "pages": results.pages,
            "facets": _facets(results.facets),
            "results": [{"id": hit.record.pk, "title_html": str(hit.title),
                         "extract_html": str(hit.extract), "lesson": _lesson(hit.record)}
                        for hit in results.hits]}


@router.get("/lessons/digest.xlsx", response={200: None, 403: Error})
def lesson_digest(request, params: Query[LessonParams]):
    """The digest of what the search finds, as a workbook."""
    return _download(lessons.digest_xlsx(request.membership, _lesson_query(params)),
                     CONTENT_TYPES["xlsx"], "palermo-lessons-learned.xlsx")


@router.get("/lessons/{pk}", response={200: LessonOut, **REFUSED})
def get_lesson(request, pk: RecordId):
    return _lesson(_visible_lesson(request, pk))


@router.post("/lessons", response={201: LessonOut, 403: Error, 422: Problems})
def record_lesson(request, body: LessonIn):
    """Record a lesson for the acting organisation (its M&E officers)."""
    try:
        saved = lessons.save_lesson(request.membership, body.dict())
    except ValidationError as exc:
        return problems(exc)
    return Status(201, _lesson(saved))


@router.patch("/lessons/{pk}", response={200: LessonOut, **REFUSED, 422: Problems})
def correct_lesson(request, pk: RecordId, body: LessonIn):
    """Correct a lesson: only the fields sent change."""
    lesson = _visible_lesson(request, pk)
    values = {**lessons.values_of(lesson), **body.dict(exclude_unset=True)}
    try:
        saved = lessons.save_lesson(request.membership, values, lesson)
    except ValidationError as exc:
        return problems(exc)
    return _lesson(saved)
