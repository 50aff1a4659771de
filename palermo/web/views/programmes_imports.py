"""Importing a funding list or an IATI file: upload, read the data-quality report, accept it
(or not). Nothing is imported before the report is accepted; then all of it in one
transaction. Thin: every rule is in ``palermo.programmes.imports``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_POST

from palermo.core import access
from palermo.programmes import imports
from palermo.programmes.models import PortfolioImport
from palermo.programmes.report import Report
from palermo.web.forms_programmes import ImportForm


@login_required
def import_page(request):
    """Upload a file: it is checked, and its report shown with a button to accept it."""
    imports.require_import(request.membership)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.check_upload(request.membership, upload.read(), upload.name,
                                         form.cleaned_data["kind"], form.options(),
                                         channel="web")
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            return _report_page(request, batch)
    recent = access.visible(request.membership, PortfolioImport.objects.all())[:10]
    return render(request, "web/programmes/import.html", {"form": form, "recent": recent},
                  status=422 if form.errors else 200)


def _report_page(request, batch: PortfolioImport, status: int = 200, error: str = ""):
    report = Report.from_dict(batch.report)
    return render(request, "web/programmes/import_report.html", {
        "batch": batch, "report": report, "error": error,
        "waiting": batch.status == PortfolioImport.Status.CHECKED}, status=status)


@login_required
def import_detail(request, pk: int):
    """The report of an import (waiting for acceptance, imported or refused)."""
    imports.require_import(request.membership)
    batch = access.get_visible(request.membership, PortfolioImport.objects.all(), pk=pk)
    return _report_page(request, batch)


@login_required
@require_POST
def import_accept(request, pk: int):
    """Accept the report: the file is imported, all of it or nothing."""
    imports.require_import(request.membership)
    batch = access.get_visible(request.membership, PortfolioImport.objects.all(), pk=pk)
    try:
        imports.accept(request.membership, batch)
    except ValidationError as exc:
        return _report_page(request, batch, status=409, error=" ".join(exc.messages))
    batch.refresh_from_db()
    return _report_page(request, batch)
