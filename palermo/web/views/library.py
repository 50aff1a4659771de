"""Library pages: search with facets, a publication, cataloguing and correcting one, its
file, and importing and exporting catalogue files. Thin: parse, ask the policy, call
palermo.learning, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from palermo.core import access
from palermo.core.access import Action
from palermo.core.history import field_changes
from palermo.learning import catalogue, library
from palermo.learning.models import Publication
from palermo.web.forms_learning import CatalogueUploadForm, LibrarySearchForm, PublicationForm

EXPORT_FORMATS = [("ris", "RIS"), ("bibtex", "BibTeX"), ("csv", "CSV"), ("xlsx", "XLSX")]


def facet_links(facets, params: dict) -> list[dict]:
    """Each facet value with the link that filters on it (or, when it is the filter
    already, the link that removes it), keeping the words and the other filters."""
    out = []
    for facet in facets:
        values = []
        for value in facet.values:
            chosen = {k: v for k, v in params.items() if k not in (facet.name, "page")}
            if not value.selected:
                chosen[facet.name] = value.value
            values.append({"label": value.shown, "count": value.count,
                           "selected": value.selected, "href": "?" + urlencode(chosen)})
        out.append({"name": facet.name, "label": facet.label, "values": values})
    return out


def page_links(results, params: dict) -> dict:
    """Links to the previous and next page of results."""
    page = results.query.page
    links = {}
    if page > 1:
        links["previous"] = "?" + urlencode({**params, "page": page - 1})
    if page < results.pages:
        links["next"] = "?" + urlencode({**params, "page": page + 1})
    return links


def query_params(query) -> dict:
    """The words and filters of a library or lessons query, as URL parameters."""
    return {**({"q": query.text} if query.text else {}), **query.filters()}


@login_required
def library_search(request):
    """The library: words and filters in the URL; an htmx request gets the results only."""
    form = LibrarySearchForm(request.GET)
    query = form.query()
    results = library.find(request.membership, query)
    params = query_params(query)
    context = {"form": form, "results": results, "facets": facet_links(results.facets, params),
               "pages": page_links(results, params), "export_query": urlencode(params),
               "export_formats": EXPORT_FORMATS,
               "may_add": access.can(request.membership, Action.CREATE, Publication)}
    template = ("web/learning/_library_results.html" if request.htmx
                else "web/learning/library.html")
    return render(request, template, context)


def _publication(request, pk: int) -> Publication:
    return access.get_visible(request.membership, Publication.objects.all(), pk=pk)


@login_required
def publication_detail(request, pk: int):
    publication = _publication(request, pk)
    may_change = access.can(request.membership, Action.CHANGE, publication)
    return render(request, "web/learning/publication.html", {
        "publication": publication, "may_change": may_change,
        "document": library.file_of(request.membership, publication, content=False),
        "lessons": publication.lessons.all() if access.reaches(
            request.membership, "lesson", Action.VIEW) else [],
        "changes": field_changes(publication) if may_change else None})


def _save(request, form: PublicationForm, publication: Publication | None):
    """Save the form through the library's write path; None when it refused."""
    try:
        saved = library.save_publication(request.membership, form.cleaned_data, publication)
        upload = form.cleaned_data.get("file")
        if upload:
            library.attach_file(request.membership, saved, upload.name, upload.read())
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return saved


@login_required
def publication_form(request, pk: int | None = None):
    """Catalogue a publication (pk None) or correct one."""
    publication = _publication(request, pk) if pk else None
    access.require(request.membership, Action.CHANGE if publication else Action.CREATE,
                   publication or Publication)
    initial = PublicationForm.initial_from(library.values_of(publication)) if publication \
        else {}
    form = PublicationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, publication)
        if saved is not None:
            messages.success(request, _("Publication saved."))
            return redirect("web:publication_detail", pk=saved.pk)
    return render(request, "web/learning/publication_form.html",
                  {"form": form, "publication": publication})


@login_required
def publication_file(request, pk: int):
    """The kept copy of the document, as a download (never shown in the page)."""
    stored = library.file_of(request.membership, _publication(request, pk))
    if stored is None:
        raise Http404
    response = HttpResponse(bytes(stored.content), content_type=library.guess_type(stored.name))
    response["Content-Disposition"] = f'attachment; filename="{stored.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def library_import(request):
    """Upload a catalogue file: every record checked; the report names row, field and
    reason; nothing is written if any record is bad."""
    access.require(request.membership, Action.CREATE, Publication)
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = catalogue.import_catalogue(request.membership, upload.name, upload.read(),
                                            dry_run=form.cleaned_data["dry_run"])
    return render(request, "web/learning/import.html", {"form": form, "report": report},
                  status=422 if report and report.errors else 200)


@login_required
def library_export(request, fmt: str):
    """What the search finds (every page), or the whole library, as a catalogue file."""
    if fmt not in catalogue.FORMATS:
        raise Http404
    query = LibrarySearchForm(request.GET).query()
    made = catalogue.export_catalogue(request.membership, fmt, query)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
