"""Loading an XLSForm file: check it, parse it with pyxform, and say exactly what is wrong.

A form is checked row by row before pyxform sees it, so that every problem is reported at
once with the sheet, the spreadsheet row and the column (pyxform stops at its first error).
What pyxform still refuses is reported with the row it names. Palermo's own columns are
``palermo_field`` (write the answer through to a case, see :mod:`bindings`) and
``sensitive`` (offer "declined to answer"); the settings sheet may hold
``palermo_confidential``, ``palermo_threshold`` and ``palermo_kind``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import get_xlsform

from palermo.questionnaires import bindings, expressions

# Types Palermo renders and validates (engine.py), after normalising aliases.
QUESTION_TYPES = {"text", "integer", "decimal", "date", "datetime", "time", "note",
                  "acknowledge", "calculate"}
TYPE_ALIASES = {"string": "text", "int": "integer", "trigger": "acknowledge"}
# Collected by ODK on the device; accepted so that published forms load, never shown.
METADATA_TYPES = {"start", "end", "today", "deviceid", "username", "phonenumber",
                  "subscriberid", "simserial", "audit", "email"}
# Real XLSForm types Palermo does not render in the browser.
UNSUPPORTED_TYPES = {"geopoint", "geotrace", "geoshape", "image", "audio", "video", "file",
                     "barcode", "range", "rank", "hidden", "background-audio", "xml-external",
                     "csv-external", "start-geopoint", "select_one_from_file",
                     "select_multiple_from_file", "signature"}
CONTROL = {"begin group": "begin_group", "begin_group": "begin_group",
           "end group": "end_group", "end_group": "end_group",
           "begin repeat": "begin_repeat", "begin_repeat": "begin_repeat",
           "end repeat": "end_repeat", "end_repeat": "end_repeat"}
SELECT_PREFIXES = {"select_one": "select_one", "select one": "select_one",
                   "select_multiple": "select_multiple",
                   "select all that apply": "select_multiple"}
# Survey columns holding an expression (checked with the one evaluator).
EXPRESSION_COLUMNS = ("relevant", "constraint", "calculation", "choice_filter", "required",
                      "read_only", "default")
YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0", ""}
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
PYXFORM_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
PYXFORM_NAMED = re.compile(r"named '([^']+)'")
KINDS = ("interview", "survey", "test", "review")
DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3  # also the floor of the results (results.py)
SUFFIXES = (".xlsx", ".xlsm", ".xls")
# An .xlsx is a ZIP: a few megabytes can unpack to gigabytes. No form comes near this.
MAX_UNPACKED = 100 * 1024 * 1024
UNREADABLE = ("The file cannot be read as an XLSForm workbook: it is not an Excel file "
              "(.xlsx or .xls), or it is damaged or cut short. Save it again from your "
              "spreadsheet program and upload it again.")


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong with an uploaded form, where the author can find it."""

    sheet: str
    row: int | None
    column: str | None
    message: str
    cell: str = ""  # e.g. "D7", when the column letter is known

    def __str__(self) -> str:
        where = [self.sheet or "file"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}" + (f" ({self.cell})" if self.cell else ""))
        return f"{', '.join(where)}: {self.message}"


class FormRejected(Exception):
    """The form was refused; nothing was saved. ``problems`` lists every reason."""

    def __init__(self, problems: list[FormProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class LoadedForm:
    """A checked form: pyxform's JSON definition and Palermo's settings."""

    definition: dict[str, Any]
    form_id: str
    title: str
    version_label: str
    settings: dict[str, str]
    confidential: bool = False
    threshold: int = DEFAULT_THRESHOLD
    kind: str = "survey"
    warnings: list[str] = field(default_factory=list)


def parse_type(raw: str) -> tuple[str, str, bool]:
    """``"select_one yes_no or_other"`` → ``("select_one", "yes_no", True)``; other types →
    ``(type, "", False)`` with aliases normalised; an unknown type is returned as written."""
    text = " ".join(raw.strip().split())
    lowered = text.lower()
    if lowered in CONTROL:
        return CONTROL[lowered], "", False
    for prefix, kind in SELECT_PREFIXES.items():
        if lowered == prefix or lowered.startswith(prefix + " "):
            rest = text[len(prefix):].split()
            or_other = len(rest) > 1 and " ".join(rest[1:]).lower() in ("or_other", "or other")
            if len(rest) > 1 and not or_other:
                return text, "", False  # "select_one a b": unknown
            return kind, rest[0] if rest else "", or_other
    return TYPE_ALIASES.get(lowered, lowered), "", False


def written_in_lower_case(raw: str) -> bool:
    """XLSForm types are case-sensitive in pyxform (and so in ODK and Kobo): ``Text`` or
    ``SELECT_ONE yn`` is no type. The list name after ``select_one`` may have any case."""
    text = " ".join(raw.strip().split())
    lowered = text.lower()
    for prefix in SELECT_PREFIXES:
        if lowered == prefix or lowered.startswith(prefix + " "):
            rest = text[len(prefix):].split()[1:]
            return text.startswith(prefix) and " ".join(rest) in ("", "or_other", "or other")
    return text == lowered


def _lower_case_type(raw: str) -> str:
    """The type as pyxform takes it: keyword in lower case, the list name as written."""
    text = " ".join(raw.strip().split())
    lowered = text.lower()
    for prefix in SELECT_PREFIXES:
        if lowered.startswith(prefix + " "):
            name, *rest = text[len(prefix):].split()
            return " ".join([prefix, name, *(r.lower() for r in rest)])
    return lowered


class _Checker:
    """Collects the problems of one workbook."""

    def __init__(self, workbook, letters: dict[str, dict[str, str]]):
        self.book = workbook
        self.letters = letters
        self.problems: list[FormProblem] = []

    def add(self, sheet: str, row: int | None, column: str | None, message: str) -> None:
        cell = ""
        if column and row is not None and column in self.letters.get(sheet, {}):
            cell = f"{self.letters[sheet][column]}{row}"
        self.problems.append(FormProblem(sheet, row, column, message, cell))

    def choice_lists(self) -> dict[str, set[str]]:
        lists: dict[str, set[str]] = {}
        for index, row in enumerate(self.book.choices or []):
            number = index + 2
            if not row:
                continue
            list_name = row.get("list_name") or row.get("list name")
            name = row.get("name") or row.get("value")
            if not list_name:
                self.add("choices", number, "list_name", "The choice has no list name.")
                continue
            if name is None:
                self.add("choices", number, "name", f"A choice of list '{list_name}' has no name.")
                continue
            names = lists.setdefault(list_name, set())
            if name in names:
                self.add("choices", number, "name",
                         f"The choice '{name}' appears twice in list '{list_name}'.")
            names.add(name)
        return lists

    def survey(self, lists: dict[str, set[str]]) -> set[str]:
        """Check every survey row; returns the question names."""
        seen: dict[str, int] = {}
        stack: list[tuple[str, int]] = []
        rows = list(enumerate(self.book.survey or []))
        for index, row in rows:
            number = index + 2
            if not row:
                continue
            raw_type = (row.get("type") or "").strip()
            if not raw_type:
                self.add("survey", number, "type", "The row has no type.")
                continue
            kind, list_name, _or_other = parse_type(raw_type)
            if kind in ("end_group", "end_repeat"):
                opening = "begin_group" if kind == "end_group" else "begin_repeat"
                if not stack or stack[-1][0] != opening:
                    self.add("survey", number, "type",
                             f"'{raw_type}' without a matching '{opening.replace('_', ' ')}'.")
                else:
                    stack.pop()
                continue
            if kind in UNSUPPORTED_TYPES:
                self.add("survey", number, "type",
                         f"The type '{raw_type}' is not supported by Palermo.")
                continue
            if kind not in QUESTION_TYPES | METADATA_TYPES | {"begin_group", "begin_repeat",
                                                              "select_one",
                                                              "select_multiple"}:
                self.add("survey", number, "type", f"Unknown question type '{raw_type}'.")
                continue
            if not written_in_lower_case(raw_type):
                self.add("survey", number, "type",
                         f"Write the type '{raw_type}' in lower case: "
                         f"'{_lower_case_type(raw_type)}' (XLSForm types are case-sensitive).")
            if kind.startswith("select_"):
                if not list_name:
                    self.add("survey", number, "type",
                             f"'{raw_type}' names no choice list.")
                elif list_name not in lists:
                    self.add("survey", number, "type",
                             f"The choice list '{list_name}' is not on the choices sheet.")
            if kind in ("begin_group", "begin_repeat"):
                stack.append((kind, number))
            name = row.get("name")
            if not name:
                self.add("survey", number, "name", "The question has no name.")
            elif not NAME.match(name):
                self.add("survey", number, "name",
                         f"'{name}' is not a valid name: start with a letter or _, then "
                         "letters, digits, _ . or -.")
            elif name in seen:
                self.add("survey", number, "name",
                         f"The name '{name}' is already used on row {seen[name]}.")
            else:
                seen[name] = number
        for kind, number in stack:
            self.add("survey", number, "type",
                     f"'{kind.replace('_', ' ')}' is never closed with "
                     f"'{kind.replace('begin', 'end').replace('_', ' ')}'.")
        return set(seen)

    def columns(self, names: set[str]) -> None:
        """Expressions, ``sensitive`` and ``palermo_field`` of every row."""
        known_targets = bindings.targets()
        for index, row in enumerate(self.book.survey or []):
            number = index + 2
            kind = parse_type(row.get("type") or "")[0]
            for column in EXPRESSION_COLUMNS:
                text = (row.get(column) or "").strip()
                if not text or (column in ("required", "read_only") and text.lower() in
                                YES | NO):
                    continue
                if column == "default" and "(" not in text and "${" not in text:
                    continue  # a literal default value
                self.expression(number, column, text, names,
                                choice_column=column == "choice_filter")
            sensitive = (row.get("sensitive") or "").strip().lower()
            if sensitive not in YES | NO:
                self.add("survey", number, "sensitive",
                         f"'{row.get('sensitive')}' is neither yes nor no.")
            target = (row.get("palermo_field") or "").strip()
            if target:
                if target not in known_targets:
                    self.add("survey", number, "palermo_field",
                             f"Unknown binding target '{target}'.")
                elif kind not in known_targets[target].types:
                    allowed = ", ".join(sorted(known_targets[target].types))
                    self.add("survey", number, "palermo_field",
                             f"'{target}' cannot take a {kind} answer (takes: {allowed}).")

    def expression(self, number: int, column: str, text: str, names: set[str],
                   choice_column: bool = False) -> None:
        shown = text  # bare words of a choice filter name choice-sheet columns
        for message in expressions.check(text, choice_filter=choice_column):
            self.add("survey", number, column, f"Bad expression '{shown}': {message}")
            return
        try:
            references = expressions.compile_expression(
                text, choice_filter=choice_column).references
        except expressions.ExpressionError as exc:  # check() should have caught it
            self.add("survey", number, column, f"Bad expression '{shown}': {exc.message}")
            return
        unknown = sorted(r for r in set(references) - names if not r.startswith("choice."))
        if unknown:
            self.add("survey", number, column,
                     f"'{shown}' refers to no question named {', '.join(unknown)}.")

    def settings(self) -> dict[str, str]:
        found = dict((self.book.settings or [{}])[0]) if self.book.settings else {}
        if (found.get("palermo_confidential") or "").strip().lower() not in YES | NO:
            self.add("settings", 2, "palermo_confidential", "Write yes or no.")
        threshold = (found.get("palermo_threshold") or "").strip()
        if threshold and (not threshold.isdigit() or int(threshold) < MIN_THRESHOLD):
            # Below 3 a published "group" is one or two people's answers.
            self.add("settings", 2, "palermo_threshold",
                     f"The threshold is a whole number of responses, at least "
                     f"{MIN_THRESHOLD}.")
        kind = (found.get("palermo_kind") or "").strip()
        if kind and kind not in KINDS:
            self.add("settings", 2, "palermo_kind",
                     f"'{kind}' is not one of {', '.join(KINDS)}.")
        form_id = found.get("form_id") or found.get("id_string") or ""
        if form_id and not re.match(r"^[A-Za-z0-9_\-]+$", form_id):
            self.add("settings", 2, "form_id",
                     "Use letters, digits, _ and - only in the form id.")
        return found


@dataclass
class _Cells:
    """What pyxform does not say about an .xlsx workbook: each sheet's header letters, its
    repeated headers, and its formula cells that hold no computed value."""

    letters: dict[str, dict[str, str]] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)


def _read_cells(data: bytes, suffix: str) -> _Cells:
    """Header name → column letter per sheet (for cell references); a header used twice on
    a sheet, and a formula without a computed value (pyxform reads such a cell as empty:
    a workbook written by a program rather than saved by a spreadsheet has none), as
    problems naming sheet, row and column."""
    found = _Cells()
    if suffix not in (".xlsx", ".xlsm"):
        return found
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        formulas = load_workbook(io.BytesIO(data), read_only=True)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - pyxform reports an unreadable file itself
        return found
    try:
        for sheet, shown in zip(formulas.worksheets, values.worksheets, strict=True):
            title = sheet.title.lower()
            rows = zip(sheet.iter_rows(values_only=True), shown.iter_rows(values_only=True),
                       strict=False)
            header: list = []
            for number, (written, computed) in enumerate(rows, start=1):
                if number == 1:
                    header = [str(v).strip() if v is not None else "" for v in computed]
                    found.letters[title] = {}
                    for i, name in enumerate(header):
                        if not name:
                            continue
                        letter = get_column_letter(i + 1)
                        if name in found.letters[title]:
                            found.problems.append(FormProblem(
                                title, 1, name,
                                f"The column '{name}' appears twice (columns "
                                f"{found.letters[title][name]} and {letter}): keep one.",
                                f"{letter}1"))
                        else:
                            found.letters[title][name] = letter
                for i, (cell, value) in enumerate(zip(written, computed, strict=False)):
                    if isinstance(cell, str) and cell.startswith("=") and value is None:
                        column = header[i] if i < len(header) and header[i] else None
                        found.problems.append(FormProblem(
                            title, number, column,
                            "The cell holds a formula with no computed value: XLSForm "
                            "reads what a cell shows. Type the text itself, or open and "
                            "save the file in a spreadsheet program.",
                            f"{get_column_letter(i + 1)}{number}"))
    finally:
        formulas.close()
        values.close()
    return found


def _row_named(book, message: str) -> int | None:
    """The survey row of the element a pyxform message names (``… named 'age' …``): the
    XForm builder's messages give no row."""
    named = PYXFORM_NAMED.search(message)
    for index, row in enumerate(book.survey or []):
        if named and row and (row.get("name") or "").strip() == named.group(1):
            return index + 2
    return None


def _fallback_id(filename: str) -> str:
    stem = PurePath(filename or "form").stem
    return re.sub(r"[^A-Za-z0-9_\-]", "_", stem).strip("_") or "form"


def _apply_default_bindings(children: list[dict]) -> None:
    """Questions without ``palermo_field`` whose name has a documented default binding
    (e.g. the HTCDS field names) get that binding."""
    defaults = bindings.default_bindings()
    for child in children:
        if child.get("children"):
            _apply_default_bindings(child["children"])
        elif not child.get("palermo_field") and child.get("name") in defaults:
            child["palermo_field"] = defaults[child["name"]]


def _or_other_relevance(children: list[dict]) -> None:
    """pyxform writes the relevance of an or_other text as an XPath (``../name``); Palermo's
    evaluator reads ``${name}`` references."""
    for child in children:
        if child.get("children"):
            _or_other_relevance(child["children"])
        relevant = (child.get("bind") or {}).get("relevant", "")
        match = re.fullmatch(r"selected\(\.\./([\w.\-]+), 'other'\)", relevant)
        if match:
            child["bind"]["relevant"] = f"selected(${{{match.group(1)}}}, 'other')"


def _has_binding(children: list[dict]) -> bool:
    return any(child.get("palermo_field") or _has_binding(child.get("children") or [])
               for child in children)


def _check_file(data: bytes, suffix: str) -> None:
    """Refuse, before any parsing, what is not an Excel workbook or would unpack to more
    than :data:`MAX_UNPACKED` bytes."""
    if suffix not in SUFFIXES:
        raise FormRejected([FormProblem("", None, None, (
            "XLSForm files are Excel workbooks: upload a .xlsx or .xls file, not "
            f"'{suffix}'."))])
    if suffix == ".xls":
        return  # the old binary format: not a ZIP; xlrd reads it or fails cleanly
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormRejected([FormProblem("", None, None, UNREADABLE)]) from exc
    if unpacked > MAX_UNPACKED:
        raise FormRejected([FormProblem("", None, None, (
            f"The workbook unpacks to {unpacked // (1024 * 1024)} MB, more than the "
            f"{MAX_UNPACKED // (1024 * 1024)} MB a form may take: remove what is not the "
            "form (images, other sheets) and upload it again."))])


def load_xlsform(data: bytes, filename: str) -> LoadedForm:
    """Check and parse an XLSForm file. Raises :class:`FormRejected` naming the sheet, row
    and column of every problem found."""
    suffix = PurePath(filename or "").suffix.lower() or ".xlsx"
    _check_file(data, suffix)
    cells = _read_cells(data, suffix)
    try:
        book = get_xlsform(data, file_type=suffix)
    except PyXFormError as exc:
        if cells.problems:  # a repeated column header, named with sheet and columns
            raise FormRejected(cells.problems) from exc
        if "Duplicate column header" in str(exc):  # the same in an .xls: no letters known
            raise FormRejected([FormProblem("", None, None, str(exc))]) from exc
        raise FormRejected([FormProblem("", None, None, UNREADABLE)]) from exc
    except Exception as exc:  # noqa: BLE001 - pyxform, openpyxl, xlrd and zipfile all raise
        raise FormRejected([FormProblem("", None, None, UNREADABLE)]) from exc
    checker = _Checker(book, cells.letters)
    checker.problems.extend(cells.problems)
    if not book.survey:
        raise FormRejected([FormProblem("survey", None, None,
                                        "The file has no survey sheet with questions.")])
    lists = checker.choice_lists()
    names = checker.survey(lists)
    checker.columns(names)
    found = checker.settings()
    if checker.problems:
        raise FormRejected(checker.problems)

    fallback = _fallback_id(filename)
    warnings: list[str] = []
    try:
        definition = workbook_to_json(book, form_name="data", fallback_form_name=fallback,
                                      warnings=warnings)
        # Building the XForm catches what the JSON step lets through (bad references …).
        # ODK Validate (a Java program) is not run: Palermo must not need Java, and the
        # checks above plus the evaluator cover what it would report.
        create_survey_element_from_dict(definition).to_xml(validate=False, warnings=warnings)
    except PyXFormError as exc:
        message = str(exc)
        row = PYXFORM_ROW.search(message)
        sheet = "choices" if "choices" in message.lower().split("]")[0] else "survey"
        number = int(row.group(1)) if row else _row_named(book, message)
        raise FormRejected([FormProblem(sheet, number, None,
                                        PYXFORM_ROW.sub("", message).strip())]) from exc
    _or_other_relevance(definition["children"])
    _apply_default_bindings(definition["children"])
    yes = (found.get("palermo_confidential") or "").strip().lower() in YES
    threshold = (found.get("palermo_threshold") or "").strip()
    form_id = definition.get("id_string") or fallback
    title = definition.get("title") or form_id
    return LoadedForm(
        definition=definition, form_id=form_id, title=title if title != fallback else form_id,
        version_label=str(found.get("version") or ""), settings=found, confidential=yes,
        threshold=int(threshold) if threshold else DEFAULT_THRESHOLD,
        kind=(found.get("palermo_kind") or "").strip()
        or ("interview" if _has_binding(definition["children"]) else "survey"),
        warnings=warnings)


def to_xform(version) -> str:
    """The XForm XML of a stored form version (for ODK Collect / KoboCollect)."""
    return create_survey_element_from_dict(version.definition).to_xml(pretty_print=True)
