"""Exchange pages: bulk import (check, then confirm), the case template, exports, and the
core-indicator upload. Thin: every rule is in ``palermo.exchange`` and ``core.access``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from palermo.core import access
from palermo.core.access import Action, Scope
from palermo.exchange import ctdc, htcds, htcds_export, importing, indicators, template
from palermo.exchange.models import CoreIndicatorSubmission, ImportBatch
from palermo.exchange.sealed import MIN_PASSPHRASE, SealError

LAYOUTS = {"htcds": htcds.LAYOUT, "template": template.LAYOUT}
MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(forms.Form):
    layout = forms.ChoiceField(label=_("Kind of file"), choices=ImportBatch.Layout.choices)
    file = forms.FileField(label=_("File"), help_text=_("CSV, XLSX or JSON"))
    date_order = forms.ChoiceField(
        label=_("Dates such as 03/04/2020 are"), required=False,
        choices=[("", _("ambiguous: refuse them")), ("dmy", _("day/month/year")),
                 ("mdy", _("month/day/year"))])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


class ConfirmForm(forms.Form):
    quarantine = forms.BooleanField(
        label=_("Import the valid rows and keep the rows with errors in quarantine"),
        required=False)


class HtcdsExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")])
    passphrase = forms.CharField(
        label=_("Passphrase"), widget=forms.PasswordInput, min_length=MIN_PASSPHRASE,
        help_text=_("The file is encrypted with it. Give it to the recipient by another "
                    "channel than the file."))


class CtdcExportForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=[
        ("synthetic", _("DP synthetic data (as the CTDC publishes)")),
        ("kanon", _("k-anonymised microdata"))])
    epsilon = forms.FloatField(label=_("Epsilon (synthetic)"), initial=ctdc.DEFAULT_EPSILON,
                               min_value=0.01, max_value=20)
    k = forms.IntegerField(label=_("k (k-anonymity)"), initial=ctdc.DEFAULT_K, min_value=2,
                           max_value=100)


class IndicatorForm(forms.Form):
    file = forms.FileField(label=_("File of counts"), help_text=_("CSV, XLSX or JSON"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def import_page(request):
    """Upload a file; it is checked and its report shown with a button to confirm."""
    importing.require_import(request.membership)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch, report = importing.check_upload(
            request.membership, upload.read(), upload.name,
            LAYOUTS[form.cleaned_data["layout"]],
            date_order=form.cleaned_data["date_order"] or None)
        return render(request, "web/exchange/report.html", {
            "report": report, "batch": batch, "confirm": ConfirmForm()})
    recent = access.visible(request.membership, ImportBatch.objects.exclude(
        status=ImportBatch.Status.CHECKED))[:10]
    return render(request, "web/exchange/import.html", {"form": form, "recent": recent})


@login_required
@require_POST
def import_confirm(request, pk: int):
    """Import a checked file (the member who checked it)."""
    importing.require_import(request.membership)
    batch = access.get_visible(request.membership, ImportBatch.objects.all(), pk=pk)
    form = ConfirmForm(request.POST)
    form.is_valid()
    try:
        report = importing.confirm_upload(request.membership, batch, LAYOUTS[batch.layout],
                                          quarantine=form.cleaned_data.get("quarantine",
                                                                           False))
    except forms.ValidationError as exc:
        return render(request, "web/exchange/report.html", {"error": exc.messages[0],
                                                             "batch": batch}, status=409)
    quarantined = batch.quarantine.all() if report.quarantined else []
    return render(request, "web/exchange/report.html", {
        "report": report, "batch": batch, "done": True, "quarantined": quarantined})


@login_required
def template_download(request, fmt: str):
    """The empty Palermo case template (CSV or XLSX with a sheet describing the columns)."""
    importing.require_import(request.membership)
    if fmt == "xlsx":
        return _download(template.template_xlsx(), "palermo-case-template.xlsx",
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if fmt != "csv":
        return HttpResponse(status=404)
    return _download(template.template_csv(), "palermo-case-template.csv",
                     "text/csv; charset=utf-8")


def _export_rights(membership) -> dict:
    return {"may_htcds": htcds_export.may_export(membership),
            "may_ctdc": access.scope(membership, Action.CREATE, "release") is not Scope.NONE}


@login_required
def export_page(request):
    """The identified HTCDS export (sealed) and the de-identified CTDC release."""
    rights = _export_rights(request.membership)
    if not any(rights.values()):
        raise PermissionDenied
    htcds_form = HtcdsExportForm(request.POST if request.POST.get("what") == "htcds"
                                 else None, prefix="htcds")
    ctdc_form = CtdcExportForm(request.POST if request.POST.get("what") == "ctdc" else None,
                               prefix="ctdc")
    error = ""
    if request.method == "POST" and request.POST.get("what") == "htcds":
        if not rights["may_htcds"]:
            raise PermissionDenied
        if htcds_form.is_valid():
            try:
                name, sealed, _count = htcds_export.export_htcds(
                    request.membership, htcds_form.cleaned_data["passphrase"],
                    fmt=htcds_form.cleaned_data["format"], channel="web")
            except SealError as exc:
                htcds_form.add_error("passphrase", str(exc))
            else:
                return _download(sealed, name, "application/octet-stream")
    if request.method == "POST" and request.POST.get("what") == "ctdc":
        if not rights["may_ctdc"]:
            raise PermissionDenied
        if ctdc_form.is_valid():
            from palermo.disclosure import BudgetExhausted, ReleaseRefused

            data = ctdc_form.cleaned_data
            try:
                release = ctdc.export(request.membership, method=data["method"],
                                      epsilon=data["epsilon"], k=data["k"], channel="web")
            except (BudgetExhausted, ReleaseRefused) as exc:
                error = str(exc)
            else:
                return _download(release.csv(), f"ctdc-{release.method}.csv",
                                 "text/csv; charset=utf-8")
    return render(request, "web/exchange/export.html", {
        **rights, "htcds_form": htcds_form, "ctdc_form": ctdc_form, "error": error},
        status=422 if error else 200)


@login_required
def ctdc_dictionary(request):
    """The CTDC data dictionary as Markdown (public information about the variables)."""
    if access.scope(request.membership, Action.CREATE, "release") is Scope.NONE:
        raise PermissionDenied
    return _download(ctdc.dictionary_markdown().encode("utf-8"), "ctdc-dictionary.md",
                     "text/markdown; charset=utf-8")


@login_required
def indicators_page(request):
    """Upload aggregate core indicators; the problems are listed by row, field and reason."""
    access.require(request.membership, Action.CREATE, CoreIndicatorSubmission)
    form = IndicatorForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = indicators.submit_file(request.membership, upload.read(), upload.name,
                                        source="web", note=form.cleaned_data["note"])
    submissions = access.visible(request.membership,
                                 CoreIndicatorSubmission.objects.all())[:10] \
        if access.scope(request.membership, Action.VIEW, "core_indicators") \
        is not Scope.NONE else []
    return render(request, "web/exchange/indicators.html", {
        "form": form, "result": result, "columns": indicators.columns(),
        "submissions": submissions}, status=422 if result and result.problems else 200)
