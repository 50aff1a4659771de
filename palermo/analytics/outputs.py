"""A published table as CSV, XLSX, an SVG chart and the printable HTML report (the page and
``palermo report --format html`` render the same report; the table page the same rows).

Every output carries the title, the filters, the notes and the source line; suppressed
entries are the marker of ``publication.MARKER``. Files are built from :class:`Published`
tables only, so nothing that disclosure control hid can reach them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from palermo.analytics.publication import MARKER, Published
from palermo.core import spreadsheets


def column_heading(label: str, n: int | None) -> str:
    """"Central Asia (N=1,234)" — or "(N=–)" when the column's N is suppressed."""
    return f"{label} (N={MARKER if n is None else f'{n:,}'})"


def filters_line(published: Published) -> str:
    """The filters and convention in words, for file headers and the printed page."""
    table = published.table
    f = table.filters
    parts = [_("percentages: %(c)s convention") % {"c": table.convention.upper()}]
    if f.date_from or f.date_to:
        parts.append(_("cases opened %(a)s to %(b)s") % {
            "a": f.date_from.isoformat() if f.date_from else "…",
            "b": f.date_to.isoformat() if f.date_to else "…"})
    if f.organisations:
        from palermo.core.models import Organisation

        names = Organisation.objects.filter(pk__in=f.organisations).values_list("name",
                                                                                flat=True)
        parts.append(_("organisations: %(o)s") % {"o": ", ".join(sorted(names))})
    if f.client_categories:
        parts.append(_("client categories: %(c)s") % {"c": ", ".join(f.client_categories)})
    if f.data_sources:
        parts.append(_("data sources: %(s)s") % {"s": ", ".join(f.data_sources)})
    parts.append(_("counts of %(what)s") % {"what": table.spec.counts})
    return "; ".join(parts)


def lines(published: Published):
    """The table body as (kind, label, cells) tuples: kind is "block", "row" or "total";
    cells are (n, pct) pairs with ``None`` where suppressed."""
    for block in published.blocks:
        yield "block", block.label, []
        for row in block.rows:
            yield "row", row.label, [(c.n, c.pct) for c in row.cells]
    if published.spec.total_row:
        yield "total", _("Total n"), [(n, None) for n in published.column_n]


def _shown(value):
    return MARKER if value is None else value


def to_csv(tables: list[Published]) -> str:
    """The tables as CSV: a title line, two header lines, the rows, the notes and the source.
    Counts and percentages are plain numbers; suppressed entries are the marker."""
    out = io.StringIO()
    writer = spreadsheets.csv_writer(out)
    for i, published in enumerate(tables):
        if i:
            writer.writerow([])
        table = published.table
        writer.writerow([table.spec.title])
        writer.writerow([filters_line(published)])
        head = ["", ""]
        for label, n in zip(table.columns, published.column_n, strict=True):
            head += [column_heading(label, n)] + [""] * (len(table.spec.cells) - 1)
        writer.writerow(head)
        writer.writerow([_("Variable"), _("Category")] + list(table.spec.cells)
                        * len(table.columns))
        current = ""
        for kind, label, cells in lines(published):
            if kind == "block":
                current = label
                continue
            values = []
            for n, pct in cells:
                if "n" in table.spec.cells:
                    values.append(_shown(n))
                if "%" in table.spec.cells:
                    values.append("" if kind == "total" else _shown(pct))
            writer.writerow([current if kind == "row" else label,
                             label if kind == "row" else ""] + values)
        writer.writerow([])
        for note in published.notes:
            writer.writerow([note])
        writer.writerow([table.spec.source])
    return out.getvalue()


def to_xlsx(tables: list[Published]) -> bytes:
    """One sheet per table: title, filters, headers, rows, notes and source line; counts are
    numbers, percentages numbers shown with one decimal."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = spreadsheets.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for published in tables:
        table = published.table
        sheet = book.create_sheet(_sheet_name(table.spec.title, book.sheetnames))
        width = len(table.spec.cells)
        sheet.append([table.spec.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([filters_line(published)])
        head = [""]
        for label, n in zip(table.columns, published.column_n, strict=True):
            head += [column_heading(label, n)] + [None] * (width - 1)
        sheet.append(head)
        for c in range(len(table.columns)):
            start = 2 + c * width
            if width > 1:
                sheet.merge_cells(start_row=3, start_column=start, end_row=3,
                                  end_column=start + width - 1)
            sheet.cell(row=3, column=start).alignment = Alignment(horizontal="center",
                                                                  wrap_text=True)
            sheet.cell(row=3, column=start).font = bold
        sheet.append([""] + list(table.spec.cells) * len(table.columns))
        for kind, label, cells in lines(published):
            row = [label]
            for n, pct in cells:
                if "n" in table.spec.cells:
                    row.append(_shown(n))
                if "%" in table.spec.cells:
                    row.append(None if kind == "total" else _shown(pct))
            sheet.append(row)
            current = sheet.max_row
            if kind != "row":
                sheet.cell(row=current, column=1).font = bold
            for col in range(2, len(row) + 1):
                cell = sheet.cell(row=current, column=col)
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"
                cell.alignment = Alignment(horizontal="right")
        sheet.append([])
        for note in published.notes:
            sheet.append([note])
        sheet.append([table.spec.source])
        sheet.column_dimensions["A"].width = 46
        for c in range(2, 2 + width * len(table.columns)):
            sheet.column_dimensions[get_column_letter(c)].width = 11
        sheet.freeze_panes = "B5"
    return book.to_bytes()


def _sheet_name(title: str, taken: list[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Table"
    base, k = name, 2
    while name in taken:
        suffix = f" {k}"
        name, k = base[:31 - len(suffix)] + suffix, k + 1
    return name


def svg_chart(published: Published) -> str | None:
    """A horizontal bar chart of the specification's chart variable as an inline SVG string
    (percentages; a suppressed bar is left out and the caption says so), or None when the
    table names no chart variable or has nothing to draw."""
    name = published.spec.chart
    block = next((b for b in published.blocks if b.name == name), None)
    if block is None or not block.rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    columns = published.table.columns
    labels = [r.label for r in block.rows]
    height = 0.9 + 0.32 * len(labels) * max(1, min(len(columns), 4))
    figure = Figure(figsize=(7.5, min(height, 12)))
    axes = figure.add_subplot()
    series = len(columns)
    bar = 0.8 / series
    drawn = False
    for s, column in enumerate(columns):
        values = [r.cells[s].pct for r in block.rows]
        if all(v is None for v in values):
            continue
        positions = [i + s * bar for i in range(len(labels))]
        axes.barh(positions, [v or 0 for v in values], height=bar, label=column)
        drawn = True
    if not drawn:
        return None
    axes.set_yticks([i + bar * (series - 1) / 2 for i in range(len(labels))], labels)
    axes.invert_yaxis()
    axes.set_xlabel(_("% of persons"))
    axes.set_title(block.label)
    if series > 1:
        axes.legend(fontsize="small", loc="best")
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg")
    svg = out.getvalue()
    return presentation_attributes(svg[svg.index("<svg"):])


_STYLE_ELEMENT = re.compile(r"<style[^>]*>.*?</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')


def presentation_attributes(svg: str) -> str:
    """Matplotlib's SVG with its styles written as SVG presentation attributes
    (``fill="#1f77b4"``): the page's Content-Security-Policy refuses inline styles — a
    ``style`` attribute or element — but not attributes, so the chart keeps its colours.
    Matplotlib's one style element (round joins, butt caps for every element) becomes
    attributes of the root, which its elements inherit."""
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)

    def attributes(match: re.Match) -> str:
        pairs = (part.split(":", 1) for part in match.group(1).split(";") if ":" in part)
        return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)

    return _STYLE_ATTRIBUTE.sub(attributes, svg)


def table_context(published: Published) -> dict:
    """What the table template (``analytics/_table.html``) needs: headings with N, the
    lines, the chart."""
    table = published.table
    return {"p": published, "spec": published.spec,
            "headings": [column_heading(label, n)
                         for label, n in zip(table.columns, published.column_n, strict=True)],
            "lines": list(lines(published)), "filters_line": filters_line(published),
            "show_n": "n" in published.spec.cells, "show_pct": "%" in published.spec.cells,
            "chart": svg_chart(published)}


def report_html(published: list[Published], *, back_url: str | None = None,
                standalone: bool = True) -> str:
    """The printable report of *published* as one HTML document, with a link *back_url* to
    the tables (hidden in print). A *standalone* file (``palermo report --format html``, a
    report job's result) carries its style sheets; the served page links them, since its
    Content-Security-Policy allows no inline style."""
    context = {"results": [table_context(p) for p in published], "back_url": back_url,
               "standalone": standalone}
    if standalone:
        context["inline_css"] = _report_css()
    return render_to_string("analytics/print.html", context)


def _report_css() -> str:
    """The report's style sheets, for a file that has no server to fetch them from."""
    sheets = (Path(finders.find(f"palermo/{name}")).read_text(encoding="utf-8")
              for name in ("print.css", "stat-table.css"))
    return mark_safe("\n".join(sheets))  # noqa: S308 - Palermo's own static files
