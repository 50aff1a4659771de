"""Statistics pages: the list of tables, a table with its filters and chart, its CSV / XLSX
files and a printable report. Thin: parse, ask the policy, compute, publish, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from palermo.analytics import publication
from palermo.analytics.exports import export_tables, log_view
from palermo.analytics.filtering import TableFilterForm, form_for, published_tables
from palermo.analytics.outputs import report_html, table_context
from palermo.analytics.specs import TableSpec, get_spec, shipped_specs
from palermo.web import report_jobs


def _spec(key: str) -> TableSpec:
    try:
        return get_spec(key)
    except KeyError as exc:
        raise Http404 from exc


def _form(request, scope_orgs) -> TableFilterForm:
    return form_for(request.GET or None, request.membership, scope_orgs)


@login_required
def index(request):
    """The tables this member may open (403 for roles without statistics)."""
    publication.reader_scope(request.membership)
    return render(request, "web/analytics/index.html",
                  {"specs": list(shipped_specs().values())})


@login_required
def table(request, key: str):
    """One table with its filters; an htmx request gets the table part only."""
    scope_orgs = publication.reader_scope(request.membership)
    spec = _spec(key)
    form = _form(request, scope_orgs)
    published = published_tables([spec], form, scope_orgs)
    if published:
        log_view(published, membership=request.membership)
    context = {"spec": spec, "form": form, "query": request.GET.urlencode(),
               "result": table_context(published[0]) if published else None}
    template = "web/analytics/_result.html" if request.htmx else "web/analytics/table.html"
    return render(request, template, context)


@login_required
def export(request, key: str, fmt: str):
    """The table as a CSV or XLSX file; written to the release log."""
    scope_orgs = publication.reader_scope(request.membership)
    spec = _spec(key)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = _form(request, scope_orgs)
    published = published_tables([spec], form, scope_orgs)
    if published is None:
        return render(request, "web/analytics/table.html",
                      {"spec": spec, "form": form, "result": None}, status=400)
    made = export_tables(published, fmt, channel=fmt, membership=request.membership)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@login_required
def report(request, key: str | None = None):
    """The printable report of one table, or of every table with the same filters — made
    by a background job (its page offers the report when it is ready)."""
    scope_orgs = publication.reader_scope(request.membership)
    specs = [_spec(key)] if key else list(shipped_specs().values())
    form = _form(request, scope_orgs)
    if form.is_bound and not form.is_valid():
        return render(request, "web/analytics/table.html",
                      {"spec": specs[0], "form": form, "result": None}, status=400)
    if key is None:
        job = report_jobs.start_report(request.membership, request.GET.urlencode())
        return redirect("web:job_detail", pk=job.pk)
    published = published_tables(specs, form, scope_orgs)
    log_view(published, membership=request.membership)
    return HttpResponse(report_html(published, back_url=reverse("web:analytics_index"),
                                    standalone=False))
