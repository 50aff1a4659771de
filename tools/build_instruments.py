#!/usr/bin/env python3
"""Build the XLSForm instruments shipped with Palermo from their readable definitions.

Developer tool, never imported by the ``palermo`` package. It reads the modules listed in
``tools/instruments/__init__.py`` (one per instrument: ``FORM``, ``SURVEY``, ``CHOICES``) and
writes ``palermo/questionnaires/instruments/<form_id>.xlsx`` plus the README.md that describes
them. The output is deterministic: the workbook properties and the zip entries carry a fixed
date, so running it again reproduces the files byte for byte (``--check`` verifies that
without writing, and exits 1 naming the files that differ).

Usage (from the project root)::

    python tools/build_instruments.py [--check]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import io
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from tools.instruments import MODULES  # noqa: E402
from tools.instruments.dsl import ENGLISH, RUSSIAN  # noqa: E402

OUTPUT_DIR = PROJECT_ROOT / "palermo" / "questionnaires" / "instruments"
FIXED = dt.datetime(2025, 1, 1)
SURVEY_ORDER = ["type", "name", f"label::{ENGLISH}", f"label::{RUSSIAN}", f"hint::{ENGLISH}",
                "required", f"required_message::{ENGLISH}", "relevant", "constraint",
                f"constraint_message::{ENGLISH}", f"constraint_message::{RUSSIAN}",
                "calculation", "default", "read_only", "choice_filter", "appearance",
                "repeat_count", "sensitive", "palermo_field"]
SETTINGS_ORDER = ["form_title", "form_id", "version", "default_language", "palermo_kind",
                  "palermo_confidential", "palermo_threshold"]


def load(module_name: str):
    """The instrument module of *name* under tools/instruments."""
    return importlib.import_module(f"tools.instruments.{module_name}")


def _columns(rows: list[dict], order: list[str]) -> list[str]:
    present = {k for row in rows for k in row}
    extra = sorted(present - set(order))
    return [c for c in order if c in present] + extra


def _sheet(wb: Workbook, title: str, columns: list[str], rows: list[dict]) -> None:
    ws = wb.create_sheet(title)
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row.get(c, "") or None for c in columns])
    ws.freeze_panes = "A2"


def workbook_rows(module) -> tuple[list[dict], list[dict], dict]:
    """The survey rows, choice rows and settings of one instrument definition."""
    form = module.FORM
    languages = form.get("languages", [])
    survey = [dict(r) for r in module.SURVEY]
    if "ru" in languages:  # the Russian slot: an empty column ready for translators
        for row in survey:
            for column in ("label", "constraint_message"):
                if f"{column}::{ENGLISH}" in row:
                    row.setdefault(f"{column}::{RUSSIAN}", "")
    choices = []
    for list_name, pairs in module.CHOICES.items():
        for name, label in pairs:
            row = {"list_name": list_name, "name": name, f"label::{ENGLISH}": label}
            if "ru" in languages:
                row[f"label::{RUSSIAN}"] = ""
            choices.append(row)
    settings = {k: form[k] for k in SETTINGS_ORDER if k in form}
    settings["default_language"] = ENGLISH
    if form.get("palermo_confidential"):
        settings["palermo_confidential"] = "yes"
    return survey, choices, settings


def build(module) -> bytes:
    """The XLSForm workbook of one instrument, as deterministic bytes."""
    survey, choices, settings = workbook_rows(module)
    wb = Workbook()
    wb.remove(wb.active)
    survey_cols = _columns(survey, SURVEY_ORDER)
    _sheet(wb, "survey", survey_cols, survey)
    _sheet(wb, "choices", _columns(choices, ["list_name", "name", f"label::{ENGLISH}",
                                              f"label::{RUSSIAN}"]), choices)
    _sheet(wb, "settings", [k for k in SETTINGS_ORDER if k in settings], [settings])
    wb.properties.creator = "Palermo tools/build_instruments.py"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    raw = io.BytesIO()
    wb.save(raw)
    return _fixed_dates(raw.getvalue())


def _fixed_dates(data: bytes) -> bytes:
    """Rewrite the zip with a fixed date on every entry (openpyxl stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_core(content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, content)
    return out.getvalue()


def _fixed_core(content: bytes) -> bytes:
    # openpyxl writes "modified" as now() whatever the property says.
    import re

    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                  rb"\g<1>" + stamp + rb"\g<2>", content)


def readme(modules) -> str:
    """README.md of the instruments folder: what each instrument is and where it comes from."""
    lines = [
        "# Instruments shipped with Palermo",
        "",
        "XLSForm files (xlsform.org) loaded with `palermo form load PATH --publish`, exported for",
        "ODK Collect / KoboCollect with `palermo form export NAME --format xform`.",
        "",
        "**Generated** by `tools/build_instruments.py` from the readable definitions in",
        "`tools/instruments/` — edit those, then run the tool (`--check` verifies). Do not edit",
        "the .xlsx files by hand.",
        "",
        "Source documents: `000` is *Evaluation of IOM's counter-trafficking efforts*",
        "(Norad/Berkeley Policy Associates, 2010/2011), cited by line of Palermo's text copy;",
        "HTCDS is IOM's Human Trafficking Case Data Standard 2.0 (picklists copied into",
        "`palermo/core/data/htcds_picklists.csv`, see its ATTRIBUTION.md).",
        "",
        "| file | form_id | kind | questions | description | source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for module in modules:
        form = module.FORM
        count = sum(1 for r in module.SURVEY
                    if r["type"].split(" ")[0] not in ("begin", "end", "note", "calculate"))
        kind = form["palermo_kind"] + (" (confidential)" if form.get("palermo_confidential")
                                       else "")
        lines.append(f"| `{form['form_id']}.xlsx` | `{form['form_id']}` | {kind} | {count} | "
                     f"{form['description']} | {form['sources']} |")
    generated = {f"{m.FORM['form_id']}.xlsx" for m in modules}
    copied = sorted(p.name for p in OUTPUT_DIR.glob("*.xlsx") if p.name not in generated)
    if copied:
        lines += ["", "Also in this folder, copied as published (not generated): "
                  + ", ".join(f"`{name}`" for name in copied)
                  + " (`htcds_xlsform.xlsx`: IOM's HTCDS 2.0 XLSForm)." * (
                      "htcds_xlsform.xlsx" in copied)]
    lines += [
        "",
        "## Palermo's own columns",
        "",
        "- `palermo_field` (survey): binds the answer to a typed field — `screening.<indicator>`",
        "  (the indicators of `palermo/cases/eligibility.py`), `case.<field>`, `person.<field>`,",
        "  `followup.<field>`. Choice codes are those the typed field stores.",
        "- `sensitive` (survey): `yes` offers \"declined to answer\".",
        "- `palermo_kind`, `palermo_confidential`, `palermo_threshold` (settings).",
        "",
    ]
    return "\n".join(lines)


def outputs() -> dict[Path, bytes]:
    """Every file the build writes: path -> content."""
    modules = [load(name) for name in MODULES]
    files = {OUTPUT_DIR / f"{m.FORM['form_id']}.xlsx": build(m) for m in modules}
    files[OUTPUT_DIR / "README.md"] = readme(modules).encode()
    return files


def main(argv: list[str] | None = None) -> int:
    """Build the instruments (or, with --check, fail if the files differ)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed files differ from a fresh build")
    args = parser.parse_args(argv)
    files = outputs()
    if args.check:
        stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
        for path in stale:
            print(f"out of date: {path.relative_to(PROJECT_ROOT)}")
        return 1 if stale else 0
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        path.write_bytes(data)
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
