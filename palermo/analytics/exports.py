"""Exporting published tables as files, each export written to the release log."""

from __future__ import annotations

import json
from dataclasses import dataclass

from palermo.analytics.models import Release
from palermo.analytics.outputs import to_csv, to_xlsx
from palermo.analytics.publication import Published
from palermo.analytics.releases import already_disclosed, record_release
from palermo.disclosure.cumulative import Disclosure

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}


@dataclass
class Export:
    content: bytes
    filename: str
    content_type: str
    release: Release


def release_parameters(tables: list[Published], fmt: str) -> dict:
    """What the release log keeps about an export of *tables*."""
    first = tables[0].table
    return {"tables": [p.spec.key for p in tables], "format": fmt,
            "convention": first.convention, "by": list(first.by),
            "filters": first.filters.describe(), "suppressed": tables[0].suppressed,
            "threshold": tables[0].threshold if tables[0].suppressed else None}


def _disclosed(tables: list[Published]) -> dict[str, Disclosure]:
    """facts → what *tables* disclose of them: tables for readers without the real counts
    (those who see the real counts receive no protected counts)."""
    return {p.facts: p.cells for p in tables if p.suppressed and p.cells is not None}


def log_export(tables: list[Published], content: bytes | str, fmt: str, *, channel: str,
               membership=None, actor: str = "") -> Release:
    """Write the release row of an export of *tables* whose bytes are *content*, with the
    cells it disclosed (one more row per further kind of facts, if the tables mix them)."""
    groups = list(_disclosed(tables).items()) or [("", None)]
    rows = [record_release(
        content=content, spec=",".join(p.spec.key for p in tables),
        method=Release.Method.TABLE, channel=channel, membership=membership, actor=actor,
        parameters=release_parameters(tables, fmt),
        row_count=sum(p.row_count() for p in tables),
        suppressed=all(p.suppressed for p in tables), facts=facts, cells=cells)
        for facts, cells in groups]
    return rows[0]


def log_view(tables: list[Published], *, membership) -> Release | None:
    """A statistics page shown to a reader without the real counts is a release like a
    file: logged (channel html) when it discloses cells that no release of the same facts
    has disclosed yet — the same page shown again adds nothing to what has left."""
    groups = {facts: cells for facts, cells in _disclosed(tables).items()
              if not already_disclosed(facts, cells)}
    if not groups:
        return None
    content = json.dumps({f: c.to_json() for f, c in groups.items()}, sort_keys=True)
    return log_export(tables, content, "html", channel="html", membership=membership)


def export_tables(tables: list[Published], fmt: str, *, channel: str, membership=None,
                  actor: str = "", html: str | None = None) -> Export:
    """*tables* as a CSV or XLSX file (or the given *html* page), logged as a release."""
    if fmt == "csv":
        content = to_csv(tables).encode("utf-8")
    elif fmt == "xlsx":
        content = to_xlsx(tables)
    elif fmt == "html" and html is not None:
        content = html.encode("utf-8")
    else:
        raise ValueError(f"format: must be csv, xlsx or html, not {fmt!r}")
    release = log_export(tables, content, fmt, channel=channel, membership=membership,
                         actor=actor)
    name = tables[0].spec.key if len(tables) == 1 else "ctm_tables"
    return Export(content, f"{name}.{fmt}", CONTENT_TYPES[fmt], release)
