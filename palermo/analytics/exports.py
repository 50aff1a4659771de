"""Exporting published tables as files, each export written to the release log."""

from __future__ import annotations

from dataclasses import dataclass

from palermo.analytics.models import Release
from palermo.analytics.outputs import to_csv, to_xlsx
from palermo.analytics.publication import Published
from palermo.analytics.releases import record_release

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


def log_export(tables: list[Published], content: bytes | str, fmt: str, *, channel: str,
               membership=None, actor: str = "") -> Release:
    """Write the release row of an export of *tables* whose bytes are *content*."""
    return record_release(
        content=content, spec=",".join(p.spec.key for p in tables),
        method=Release.Method.TABLE, channel=channel, membership=membership, actor=actor,
        parameters=release_parameters(tables, fmt),
        row_count=sum(p.row_count() for p in tables),
        suppressed=all(p.suppressed for p in tables))


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
