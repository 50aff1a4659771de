"""Statistics pages: the list of tables, a table with its filters and chart, its CSV / XLSX
files and a printable report. Thin: parse, ask the policy, compute, publish, render."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from palermo.analytics import publication
from palermo.analytics.exports import export_tables
from palermo.analytics.filtering import TableFilterForm, form_for
from palermo.analytics.outputs import column_heading, filters_line, lines, svg_chart
from palermo.analytics.specs import TableSpec, get_spec, shipped_specs


def _spec(key: str) -> TableSpec:
    try:
        return get_spec(key)
    except KeyError as exc:
        raise Http404 from exc


def _form(request, scope_orgs) -> TableFilterForm:
    return form_for(request.GET or None, request.membership, scope_orgs)


def _published(specs: list[TableSpec], form: TableFilterForm, scope_orgs):
    """The tables as this member may see them, or None when the filters are invalid."""
    if form.is_bound and not form.is_valid():
        return None
    filters = form.filters() if form.is_bound else None
    options = form.options() if form.is_bound else {}
    return publication.publish_tables(specs, filters, scope_orgs=scope_orgs,
                                      real_counts=form.real_counts, **options)


def view_context(published: publication.Published) -> dict:
    """What the table templates need: headings with N, the lines, the chart."""
    table = published.table
    return {"p": published, "spec": published.spec,
            "headings": [column_heading(label, n)
                         for label, n in zip(table.columns, published.column_n, strict=True)],
            "lines": list(lines(published)), "filters_line": filters_line(published),
            "show_n": "n" in published.spec.cells, "show_pct": "%" in published.spec.cells,
            "chart": svg_chart(published)}


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
    published = _published([spec], form, scope_orgs)
    context = {"spec": spec, "form": form, "query": request.GET.urlencode(),
               "result": view_context(published[0]) if published else None}
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
    published = _published([spec], form, scope_orgs)
    if published is None:
        return render(request, "web/analytics/table.html",
                      {"spec": spec, "form": form, "result": None}, status=400)
    made = export_tables(published, fmt, channel=fmt, membership=request.membership)
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


@login_required
def report(request, key: str | None = None):
    """The printable report: one table, or every table, with the same filters."""
    scope_orgs = publication.reader_scope(request.membership)
    specs = [_spec(key)] if key else list(shipped_specs().values())
    form = _form(request, scope_orgs)
    published = _published(specs, form, scope_orgs)
    if published is None:
        return render(request, "web/analytics/table.html",
                      {"spec": specs[0], "form": form, "result": None}, status=400)
    return render(request, "web/analytics/print.html",
                  {"results": [view_context(p) for p in published]})


def report_html(published: list[publication.Published]) -> str:
    """The printable report as a standalone HTML document (``palermo report --format html``)."""
    return render_to_string("web/analytics/print.html",
                            {"results": [view_context(p) for p in published],
                             "standalone": True, "inline_css": _report_css()})


def _report_css() -> str:
    """The report's style sheets, for the standalone file that has no server to fetch them
    from (the served page links them: its Content-Security-Policy allows no inline style).
    """
    sheets = (Path(finders.find(f"palermo/{name}")).read_text(encoding="utf-8")
              for name in ("print.css", "stat-table.css"))
    return mark_safe("\n".join(sheets))  # noqa: S308 - Palermo's own static files
