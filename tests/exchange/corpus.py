"""A corpus of hostile and broken import files, made from one valid sample.

Each *family* below takes a seeded ``random.Random`` and returns a :class:`Mutant`: a file
(name and bytes) and what a correct importer does with it — refuse it cleanly, import it
correctly, or either — and, where it matters, what the report must say. ``corpus()`` draws
every family once, or (for the full run) each family many times with other random choices.
``tests/exchange/test_corpus.py`` feeds the files to ``palermo import-htcds`` and to the
API and checks each outcome; see ``docs/import.md`` for the full run.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace

from tests.exchange.xlsx_parts import Book, declared_size, without_part

HEADER = ["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship",
          "prs_MobilePhone", "prs_IdentityNumber", "prs_Email", "prs_MailingStreet",
          "vic_TypeOfExploitation", "vic_MethodsOfControl", "cas_Status",
          "cas_IncomingReferralDate"]
GIVEN = ["Zulfiyaqa", "Brixeldo", "Quonsetta", "Marvolene", "Dravikus", "Yselmira",
         "Tolgarin", "Wenzeslava"]
FAMILY = ["Okarundu", "Pellavixa", "Trossimbe", "Galvanery", "Hurtzbeck", "Ombrelline",
          "Vaskadoro", "Quiddleton"]
BIRTH = ["2001-05-17", "27/9/2003", "1988-12-01", "14/02/1979", "1995-07-30", "2000-01-09",
         "1969-11-23", "2004-03-15"]
ROWS = [[given, family, birth, gender, country, f"+999 555 01{i:02d}", f"ID-7731{i:02d}",
         f"zq.{given.lower()}{i}@example.invalid", f"{17 + i} Quarrel Lane Xyzton",
         exploitation, "DebtBondage; FalsePromises", "Active", "2024-02-11"]
        for i, (given, family, birth, gender, country, exploitation) in enumerate(zip(
            GIVEN, FAMILY, BIRTH, ["Feminine", "Masculine"] * 4,
            ["NGA", "Kyrgyzstan", "UA", "KAZ"] * 2,
            ["ForcedLabour", "SexualExploitation", "ForcedBegging", "ForcedMarriage"] * 2,
            strict=True))]
# Values that must never appear in any output (report, log, error).
IDENTITIES = tuple(v for row in ROWS for v in row[:3] + row[5:9])
HOSTILE_NAME = '=HYPERLINK("http://evil.example","x")'


@dataclass(frozen=True)
class Mutant:
    """One file and what a correct importer does with it."""

    name: str
    filename: str
    content: bytes
    expect: str = "either"  # "refuse", "import" or "either"
    says: str = ""  # a reason the report must give (in any problem)
    rows: int = len(ROWS)  # rows a correct import brings in
    names: tuple[str, ...] = tuple(GIVEN)  # the given names it stores
    identities: tuple[str, ...] = IDENTITIES  # values never to be shown
    warning: bool = False  # the "says" reason may be a warning (the file imports)


def sample_rows() -> list[list[str]]:
    return [list(r) for r in ROWS]


def csv_of(rows: list[list], *, header=HEADER, delimiter=",", newline="\n") -> str:
    def cell(value) -> str:
        text = str(value)
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text
    return "".join(delimiter.join(cell(v) for v in row) + newline for row in [header, *rows])


def csv_bytes(rows=None, **kwargs) -> bytes:
    return csv_of(sample_rows() if rows is None else rows, **kwargs).encode("utf-8")


# -- XLSX -----------------------------------------------------------------------------------

def xlsx_book(rows=None) -> Book:
    return Book([HEADER, *(sample_rows() if rows is None else rows)])


def _mangled(data: bytes, rng: random.Random) -> bytes:
    """*data* with a random span replaced by random bytes, or cut short."""
    if rng.random() < 0.5:
        return data[:rng.randrange(0, max(1, len(data)))]
    start = rng.randrange(0, max(1, len(data)))
    return data[:start] + rng.randbytes(rng.randint(1, 40)) + data[start + rng.randint(0, 40):]


# -- the families -----------------------------------------------------------------------------

Family = Callable[[random.Random], Mutant]
FAMILIES: dict[str, Family] = {}


def family(function: Family) -> Family:
    FAMILIES[function.__name__] = function
    return function


def _pick_row(rng: random.Random) -> int:
    return rng.randrange(len(ROWS))


@family
def valid_csv(rng):
    return Mutant("valid_csv", "cases.csv", csv_bytes(), "import")


@family
def valid_xlsx(rng):
    return Mutant("valid_xlsx", "cases.xlsx", xlsx_book().build(), "import")


@family
def valid_json(rng):
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    return Mutant("valid_json", "cases.json", json.dumps({"records": records}).encode(),
                  "import")


@family
def csv_truncated_anywhere(rng):
    data = csv_bytes()
    return Mutant("csv_truncated_anywhere", "cases.csv", data[:rng.randrange(1, len(data))])


@family
def csv_cut_mid_row(rng):
    data = csv_bytes()
    last = data.rstrip(b"\n").rfind(b"\n") + 1
    # inside the last row, before its last separator: the row lacks values
    cut = rng.randrange(last + 1, data.rstrip(b"\n").rfind(b","))
    return Mutant("csv_cut_mid_row", "cases.csv", data[:cut], "refuse", says="cut off")


@family
def csv_without_header(rng):
    data = csv_bytes()
    return Mutant("csv_without_header", "cases.csv", data[data.index(b"\n") + 1:], "refuse",
                  says="no header row")


@family
def csv_unclosed_quote(rng):
    rows = sample_rows()
    lines = csv_of(rows).splitlines(keepends=True)
    at = rng.randrange(1, len(lines))
    cells = lines[at].split(",")
    column = rng.randrange(len(cells))
    cells[column] = '"' + cells[column]
    lines[at] = ",".join(cells)
    return Mutant("csv_unclosed_quote", "cases.csv", "".join(lines).encode(), "refuse")


@family
def csv_quote_inside_value(rng):
    rows = sample_rows()
    row = _pick_row(rng)
    rows[row][1] = rows[row][1][:3] + '"' + rows[row][1][3:]
    text = csv_of(rows).replace('""', '"')  # written without the quotes a writer adds
    return Mutant("csv_quote_inside_value", "cases.csv", text.encode(), "either")


@family
def csv_mixed_separators(rng):
    lines = csv_of(sample_rows()).splitlines(keepends=True)
    for at in rng.sample(range(1, len(lines)), 2):
        lines[at] = lines[at].replace(",", ";")
    return Mutant("csv_mixed_separators", "cases.csv", "".join(lines).encode(), "refuse",
                  says="separated by another character")


@family
def csv_extra_values(rng):
    rows = sample_rows()
    row = _pick_row(rng)
    rows[row] = rows[row][:2] + ["Street 5"] + rows[row][2:]  # an unquoted comma, say
    return Mutant("csv_extra_values", "cases.csv", csv_bytes(rows), "refuse",
                  says="more values than the header")


@family
def csv_two_encodings(rng):
    rows = sample_rows()
    row = _pick_row(rng)
    rows[row][0] = "Zoë" + rows[row][0]
    other = (row + 1) % len(rows)
    rows[other][1] = "Müller" + rows[other][1]
    lines = csv_of(rows).splitlines(keepends=True)
    data = b"".join(line.encode("latin-1" if n == row + 1 else "utf-8")
                    for n, line in enumerate(lines))
    return Mutant("csv_two_encodings", "cases.csv", data, "refuse", says="two encodings",
                  identities=IDENTITIES + ("Zoë" + ROWS[row][0], "Müller" + ROWS[other][1]))


@family
def csv_windows_1252(rng):
    rows = sample_rows()
    rows[0][0] = "Zoë"
    rows[1][0] = "Renée"
    names = ("Zoë", "Renée", *GIVEN[2:])
    return Mutant("csv_windows_1252", "cases.csv", csv_of(rows).encode("cp1252"), "import",
                  names=names, identities=IDENTITIES + ("Renée",))


@family
def csv_utf16(rng):
    return Mutant("csv_utf16", "cases.csv", csv_of(sample_rows(), delimiter="\t")
                  .encode("utf-16"), "import")


@family
def csv_cr_line_endings(rng):
    return Mutant("csv_cr_line_endings", "cases.csv", csv_bytes(newline="\r"), "import")


@family
def csv_semicolons_with_bom(rng):
    return Mutant("csv_semicolons_with_bom", "cases.csv",
                  b"\xef\xbb\xbf" + csv_bytes(delimiter=";"), "import")


@family
def csv_nul_bytes(rng):
    data = bytearray(csv_bytes())
    data[rng.randrange(len(data) // 2, len(data))] = 0
    return Mutant("csv_nul_bytes", "cases.csv", bytes(data), "refuse")


@family
def csv_random_bytes(rng):
    return Mutant("csv_random_bytes", "cases.csv", _mangled(csv_bytes(), rng))


@family
def csv_huge_cell(rng):
    rows = sample_rows()
    huge = "Qx" * rng.choice([100_000, 5_000_000])  # over the CSV field limit, or far over
    rows[_pick_row(rng)][0] = huge
    return Mutant("csv_huge_cell", "cases.csv", csv_bytes(rows), "refuse",
                  identities=IDENTITIES + (huge,))


@family
def csv_long_name(rng):
    rows = sample_rows()
    long = "Qy" * 150
    rows[_pick_row(rng)][rng.choice([0, 1])] = long
    return Mutant("csv_long_name", "cases.csv", csv_bytes(rows), "refuse",
                  says="At most 200 characters", identities=IDENTITIES + (long,))


@family
def csv_formula_name(rng):
    rows = sample_rows()
    row = _pick_row(rng)
    rows[row][1] = rng.choice([HOSTILE_NAME, "@SUM(1+1)*cmd", "-2+3+cmd|' /C calc'!A0"])
    return Mutant("csv_formula_name", "cases.csv", csv_bytes(rows), "import",
                  says="Begins like a spreadsheet formula", warning=True,
                  identities=IDENTITIES + (rows[row][1],))


@family
def csv_confusable_duplicate(rng):
    """A later row repeats a person with one letter of the given name in Cyrillic."""
    rows = sample_rows()
    first = _pick_row(rng)
    name = rows[first][0]
    pairs = [(latin, cyrillic) for latin, cyrillic in (("a", "а"), ("e", "е"), ("o", "о"),
                                                        ("x", "х"), ("i", "і"), ("y", "у"))
             if latin in name[1:]]
    latin, cyrillic = rng.choice(pairs)
    position = name.index(latin, 1)
    twin = list(rows[first])
    twin[0] = name[:position] + cyrillic + name[position + 1:]
    twin[5], twin[6], twin[7] = "+999 555 0199", "ID-773199", "zq.twin@example.invalid"
    rows.append(twin)
    return Mutant("csv_confusable_duplicate", "cases.csv", csv_bytes(rows), "refuse",
                  says="The same person as row",
                  identities=IDENTITIES + (twin[0], *twin[5:8]))


@family
def csv_small_number_as_birth_date(rng):
    rows = sample_rows()
    rows[_pick_row(rng)][2] = rng.choice(["60", "7", "1999", "365.0"])
    return Mutant("csv_small_number_as_birth_date", "cases.csv", csv_bytes(rows), "refuse",
                  says="A number is not a date")


@family
def csv_impossible_time(rng):
    rows = sample_rows()
    rows[_pick_row(rng)][2] = rng.choice(["1999-12-31 25:00", "1999-12-31T10:61",
                                          "1999-12-31 24:00:01", "1999-12-31 1:2:3:4"])
    return Mutant("csv_impossible_time", "cases.csv", csv_bytes(rows), "refuse",
                  says="not a time of day")


@family
def csv_duplicate_header(rng):
    header = list(HEADER)
    header[3] = "prs_FirstName"
    return Mutant("csv_duplicate_header", "cases.csv", csv_bytes(header=header), "refuse",
                  says="appears twice")


@family
def csv_header_only(rng):
    return Mutant("csv_header_only", "cases.csv", csv_bytes([]), "refuse", says="no data rows",
                  rows=0)


@family
def json_named_csv(rng):
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    return Mutant("json_named_csv", "cases.csv", json.dumps(records).encode(), "refuse",
                  says="JSON")


@family
def xlsx_named_csv(rng):
    return Mutant("xlsx_named_csv", "cases.csv", xlsx_book().build(), "refuse")


@family
def csv_named_xlsx(rng):
    return Mutant("csv_named_xlsx", "cases.xlsx", csv_bytes(), "refuse")


@family
def xlsx_truncated(rng):
    data = xlsx_book().build()
    return Mutant("xlsx_truncated", "cases.xlsx", data[:rng.randrange(1, len(data))],
                  "refuse")


@family
def xlsx_part_missing(rng):
    part = rng.choice(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml",
                       "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels"])
    return Mutant("xlsx_part_missing", "cases.xlsx",
                  without_part(xlsx_book().build(), part), "refuse")


@family
def xlsx_part_garbage(rng):
    book = xlsx_book()
    part = rng.choice(["xl/worksheets/sheet1.xml", "xl/workbook.xml", "xl/styles.xml",
                       "xl/sharedStrings.xml", "[Content_Types].xml",
                       "xl/_rels/workbook.xml.rels"])
    original = zipfile.ZipFile(io.BytesIO(book.build())).read(part)
    book.parts[part] = rng.choice([b"", b"not xml at all", original[:len(original) // 2],
                                   _mangled(original, rng)])
    return Mutant("xlsx_part_garbage", "cases.xlsx", book.build())


@family
def xlsx_no_sheet(rng):
    book = xlsx_book()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    book.parts["xl/workbook.xml"] = (f'<workbook xmlns="{main}"><sheets/></workbook>').encode()
    return Mutant("xlsx_no_sheet", "cases.xlsx", book.build(), "refuse")


@family
def xlsx_shared_string_out_of_range(rng):
    book = xlsx_book()
    content = book.build()
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    book.parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"<v>9</v>", b"<v>99999</v>", 1)
    return Mutant("xlsx_shared_string_out_of_range", "cases.xlsx", book.build(), "refuse")


@family
def xlsx_formula_without_result(rng):
    rows = sample_rows()
    row = _pick_row(rng)
    rows[row][rng.choice([0, 2])] = ("f", 'CONCAT("Qz","ra")', None)
    return Mutant("xlsx_formula_without_result", "cases.xlsx", xlsx_book(rows).build(),
                  "refuse", says="formula whose result")


@family
def xlsx_formula_with_result(rng):
    rows = sample_rows()
    rows[0][0] = ("f", 'CONCAT("Zulfi","yaqa")', "Zulfiyaqa")
    return Mutant("xlsx_formula_with_result", "cases.xlsx", xlsx_book(rows).build(), "import")


@family
def xlsx_small_number_as_birth_date(rng):
    rows = sample_rows()
    rows[_pick_row(rng)][2] = rng.choice([60, 1, 9999])
    return Mutant("xlsx_small_number_as_birth_date", "cases.xlsx", xlsx_book(rows).build(),
                  "refuse", says="A number is not a date")


@family
def xlsx_huge_name(rng):
    rows = sample_rows()
    huge = "Qw" * rng.choice([200, 5_000_000])
    rows[_pick_row(rng)][0] = huge
    return Mutant("xlsx_huge_name", "cases.xlsx", xlsx_book(rows).build(), "refuse",
                  says="At most 200 characters", identities=IDENTITIES + (huge,))


@family
def xlsx_false_dimension(rng):
    book = xlsx_book()
    book.dimension = "A1:XFD1048576"
    return Mutant("xlsx_false_dimension", "cases.xlsx", book.build(), "import")


@family
def xlsx_spreadsheet_error(rng):
    rows = sample_rows()
    rows[_pick_row(rng)][1] = ("f", "1/0", "#DIV/0!")
    return Mutant("xlsx_spreadsheet_error", "cases.xlsx", xlsx_book(rows).build(), "refuse",
                  says="spreadsheet error")


@family
def xlsx_zip_bomb_claim(rng):
    content = xlsx_book().build()
    return Mutant("xlsx_zip_bomb_claim", "cases.xlsx",
                  declared_size(content, "xl/worksheets/sheet1.xml", 0xFFFF_FFF0), "refuse")


@family
def xlsx_without_header(rng):
    return Mutant("xlsx_without_header", "cases.xlsx", Book(sample_rows()).build(), "refuse",
                  says="no header row")


@family
def json_deeply_nested(rng):
    depth = rng.choice([1_000, 10_000, 100_000])
    opening = rng.choice(["[", '{"a":'])
    closing = "]" if opening == "[" else "}"
    text = opening * depth + ("1" + closing * depth if rng.random() < 0.5 else "")
    return Mutant("json_deeply_nested", "cases.json", text.encode(), "refuse")


@family
def json_nested_value(rng):
    """A record whose name is a list of lists, or an object, a few or thousands deep."""
    depth = rng.choice([3, 50, 5_000])
    opening, closing = rng.choice([("[", "]"), ('{"a": ', "}")])
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    text = json.dumps(records)
    at = _pick_row(rng)
    name = json.dumps(ROWS[at][0])
    text = text.replace(name, opening * depth + name + closing * depth, 1)
    return Mutant("json_nested_value", "cases.json", text.encode(), "refuse")


@family
def json_truncated(rng):
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    data = json.dumps(records).encode()
    return Mutant("json_truncated", "cases.json", data[:rng.randrange(1, len(data) - 1)],
                  "refuse")


@family
def json_strange_numbers(rng):
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    text = json.dumps(records)
    text = text.replace('"Active"', rng.choice(["NaN", "Infinity", "1" * 5000, "-1e999"]), 1)
    return Mutant("json_strange_numbers", "cases.json", text.encode(), "refuse")


@family
def json_wrong_shape(rng):
    text = rng.choice(['"just text"', "42", '{"records": {"a": 1}}', "[[1, 2], [3]]",
                       '{"other": []}', "[]", "null", '[{"prs_FirstName": "A"}, 3]'])
    return Mutant("json_wrong_shape", "cases.json", text.encode(), "refuse")


@family
def json_huge_name(rng):
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    huge = "Qv" * 5_000_000
    records[_pick_row(rng)][rng.choice(HEADER[:2])] = huge
    return Mutant("json_huge_name", "cases.json", json.dumps(records).encode(), "refuse",
                  says="At most", identities=IDENTITIES + (huge,))


@family
def json_control_characters(rng):
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    row = records[_pick_row(rng)]
    key = rng.choice(["prs_FirstName", "prs_MailingStreet", "prs_IdentityNumber"])
    row[key] = row[key][:3] + rng.choice(["\x00", "\x07", "\x1b[2J", "\x7f"]) + row[key][3:]
    return Mutant("json_control_characters", "cases.json", json.dumps(records).encode(),
                  "refuse", says="control characters")


@family
def json_formula_name(rng):
    records = [dict(zip(HEADER, row, strict=True)) for row in sample_rows()]
    records[_pick_row(rng)]["prs_SecondName"] = HOSTILE_NAME
    return Mutant("json_formula_name", "cases.json", json.dumps(records).encode(), "import",
                  says="Begins like a spreadsheet formula", warning=True,
                  identities=IDENTITIES + (HOSTILE_NAME,))


def corpus(seed: int = 13, rounds: int = 1) -> list[Mutant]:
    """Every family *rounds* times (the first round: the same file for a given seed)."""
    found = []
    for round_ in range(rounds):
        for name, make in FAMILIES.items():
            mutant = make(random.Random(f"{seed}:{round_}:{name}"))
            found.append(replace(mutant, name=f"{mutant.name}-{round_}"))
    return found
