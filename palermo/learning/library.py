"""The resource library: the one write path for publications (pages, API, imports and the
demo all call :func:`save_publication`), their files, and :func:`find` — full-text search
with filters and facet counts by region, country, year and category.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.models import Membership
from palermo.learning import search
from palermo.learning.models import Place, Publication, PublicationFile, PublicationPlace

PAGE_SIZE = 20
FACET_SIZE = 25
MAX_FILE_BYTES = 20 * 1024 * 1024
# Documents the library keeps (never HTML or SVG: a download must not run in the browser).
FILE_TYPES = {
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text", ".rtf": "application/rtf",
    ".txt": "text/plain", ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odp": "application/vnd.oasis.opendocument.presentation", ".epub": "application/epub+zip",
}
# The fields of a publication as pages, API and catalogue files give them.
FIELDS = ("title", "summary", "authors", "year", "category", "language", "countries",
          "regions", "link")
_MAX = {"title": 500, "category": 200, "language": 100, "link": 1000}


def _text(value) -> str:
    return " ".join(search.clean_text(str(value or "")).split())


def _list(value) -> list[str]:
    """A list of names from a list, or from text with one name per line or separated by ';'."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).replace(";", "\n").split(
        "\n")
    seen: list[str] = []
    for item in items:
        name = _text(item)
        if name and name.casefold() not in {s.casefold() for s in seen}:
            seen.append(name)
    return seen


def _year(value, errors: dict) -> int | None:
    if value in (None, ""):
        return None
    try:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        year = value if isinstance(value, int) else int(str(value).strip().split("-")[0])
    except ValueError:
        errors["year"] = _("“%(value)s” is not a year.") % {"value": value}
        return None
    latest = dt.date.today().year + 1
    if not 1800 <= year <= latest:
        errors["year"] = _("A year between 1800 and %(latest)s.") % {"latest": latest}
        return None
    return year


def clean_values(values: dict) -> dict:
    """The publication's fields from *values* (keys of :data:`FIELDS`; missing keys are
    empty), normalised: spaces collapsed, control characters removed, authors, countries and
    regions as lists. Raises ``ValidationError`` naming each refused field."""
    errors: dict[str, str] = {}
    out: dict = {"title": _text(values.get("title")),
                 "summary": search.clean_text(str(values.get("summary") or "")).strip(),
                 "category": _text(values.get("category")),
                 "language": _text(values.get("language")),
                 "link": _text(values.get("link")),
                 "authors": _list(values.get("authors")),
                 "countries": _list(values.get("countries")),
                 "regions": _list(values.get("regions"))}
    out["year"] = _year(values.get("year"), errors)
    if not out["title"]:
        errors["title"] = _("A publication needs a title.")
    for name, limit in _MAX.items():
        if len(out[name]) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}
    for name in ("countries", "regions"):
        if any(len(n) > 200 for n in out[name]):
            errors[name] = _("A name of at most 200 characters.")
    if out["link"] and "link" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(out["link"])
        except ValidationError:
            errors["link"] = _("A web address starting with http:// or https://.")
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_publication(membership: Membership | None, values: dict,
                     publication: Publication | None = None) -> Publication:
    """Catalogue a new publication for the member's organisation, or change *publication*:
    the policy decides (M&E officers their organisation's entries, administrators any), the
    fields are checked by :func:`clean_values`, the history records who changed what."""
    if publication is None:
        access.require(membership, Action.CREATE, Publication)
        publication = Publication(organisation_id=membership.organisation_id,
                                  added_by=membership.user)
    else:
        access.require(membership, Action.CHANGE, publication)
    cleaned = clean_values(values)
    for name in ("title", "summary", "year", "category", "language", "link"):
        setattr(publication, name, cleaned[name])
    publication.authors = "\n".join(cleaned["authors"])
    publication._history_user = membership.user
    publication.save()
    publication.places.all().delete()
    PublicationPlace.objects.bulk_create(
        [PublicationPlace(publication=publication, kind=kind, name=name, position=i)
         for kind, names in ((Place.COUNTRY, cleaned["countries"]),
                             (Place.REGION, cleaned["regions"]))
         for i, name in enumerate(names)])
    return publication


def values_of(publication: Publication) -> dict:
    """The publication's fields as :func:`save_publication` takes them (forms, exports)."""
    return {"title": publication.title, "summary": publication.summary,
            "authors": publication.author_list(), "year": publication.year,
            "category": publication.category, "language": publication.language,
            "countries": publication.countries(), "regions": publication.regions(),
            "link": publication.link}


def attach_file(membership: Membership, publication: Publication, name: str,
                content: bytes) -> PublicationFile:
    """Keep a copy of the document (replacing any before): one of :data:`FILE_TYPES`, at
    most :data:`MAX_FILE_BYTES`."""
    access.require(membership, Action.CHANGE, publication)
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in FILE_TYPES:
        raise ValidationError({"file": _("A document of type %(types)s.") % {
            "types": ", ".join(sorted(t.lstrip(".") for t in FILE_TYPES))}})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"file": _("A file of at most %(mb)s MB.") % {
            "mb": MAX_FILE_BYTES // (1024 * 1024)}})
    stored, _created = PublicationFile.objects.update_or_create(
        publication=publication, defaults={"name": name, "content": content,
                                           "size": len(content),
                                           "content_type": FILE_TYPES[suffix]})
    return stored


def file_of(membership: Membership | None, publication: Publication, *,
            content: bool = True) -> PublicationFile | None:
    """The stored document of a publication the member may see, or None; without
    *content*, only its name, type and size (for a page that links to it)."""
    access.require(membership, Action.VIEW, publication)
    stored = PublicationFile.objects.filter(publication=publication)
    return (stored if content else stored.defer("content")).first()


def guess_type(name: str) -> str:
    """A download's content type: ours for the kept types, else a plain download."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return FILE_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


# --- Search --------------------------------------------------------------------------------

@dataclass(frozen=True)
class LibraryQuery:
    """What a reader asks: words (websearch syntax, see :mod:`palermo.learning.search`) and
    filters; ``page`` counts from 1."""

    text: str = ""
    region: str = ""
    country: str = ""
    year: int | None = None
    category: str = ""
    language: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    def filters(self) -> dict:
        """The filters set, by name (for links that keep them)."""
        return {k: v for k, v in (("region", self.region), ("country", self.country),
                                  ("year", self.year), ("category", self.category),
                                  ("language", self.language)) if v not in ("", None)}


def _filtered(queryset: QuerySet, query: LibraryQuery) -> QuerySet:
    for kind, name in ((Place.REGION, query.region), (Place.COUNTRY, query.country)):
        if name:
            queryset = queryset.filter(pk__in=PublicationPlace.objects.filter(
                kind=kind, name=name).values("publication_id"))
    if query.year:
        queryset = queryset.filter(year=query.year)
    if query.category:
        queryset = queryset.filter(category=query.category)
    if query.language:
        queryset = queryset.filter(language=query.language)
    return queryset


def _facets(found: QuerySet, query: LibraryQuery) -> list[search.Facet]:
    """Counts of the found publications by region, country, year and category (the most
    frequent :data:`FACET_SIZE` values of each; years newest first), in two queries: the
    places of the publications found, and their years and categories."""
    places: dict[str, Counter] = {Place.REGION: Counter(), Place.COUNTRY: Counter()}
    for kind, name, n in (PublicationPlace.objects.filter(publication__in=found.values("pk"))
                          .values_list("kind", "name").annotate(n=Count("id"))):
        places[kind][name] += n
    years, categories = Counter(), Counter()
    for year, category, n in found.values_list("year", "category").annotate(n=Count("id")):
        if year is not None:
            years[year] += n
        if category:
            categories[category] += n

    def most(counts: Counter) -> list[tuple]:
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_SIZE]

    return [search.facet(Place.REGION.value, _("Region"), most(places[Place.REGION]),
                         query.region),
            search.facet(Place.COUNTRY.value, _("Country"), most(places[Place.COUNTRY]),
                         query.country),
            search.facet("year", _("Year"), sorted(years.items(), reverse=True)[:FACET_SIZE],
                         query.year),
            search.facet("category", _("Category"), most(categories), query.category)]


def visible_publications(membership: Membership | None) -> QuerySet:
    """The library as *membership* may read it (403 for a role without the library)."""
    if not access.reaches(membership, "library", Action.VIEW):
        raise PermissionDenied
    return access.visible(membership, Publication.objects.all())


def matching_all(publications: QuerySet, query: LibraryQuery) -> QuerySet:
    """Every publication of *publications* that *query* finds (its words and filters,
    unranked, no paging): what an export of a search writes."""
    found = _filtered(publications, query)
    return search.matching(found, query.text) if query.text.strip() else found


def find(membership: Membership | None, query: LibraryQuery, *,
         facets: bool = True) -> search.Results:
    """One page of the library for *query*: ranked by relevance when there are words to
    search (title weighs most, then authors, then summary), else newest first; each hit with
    its highlighted title and extract; and, unless *facets* is False, the facet counts of
    everything found."""
    filtered = _filtered(visible_publications(membership), query)
    total, hits, found = search.page_of(
        filtered, query.text, page=query.page, page_size=query.page_size,
        order=(F("year").desc(nulls_last=True), "-pk"), related=("places",),
        defer=("summary",))
    return search.Results(query, total, hits, _facets(found, query) if facets else [])
