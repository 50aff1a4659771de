"""The catalogue text of seed 004 (``data/seed_004_catalogue.txt``, see ``data/NOTICE.md``):
a resource library's category page as plain text, parsed into publications.

The page is a sequence of blocks separated by blank lines: first the page's own lines (the
last of them its heading, the category of every entry), then for each publication a block
with its title and a block with its summary followed by labelled values::

    Title of the publication

    Summary …
    Country
    Worldwide
    Region
    East Africa
    Horn Of Africa
    Authors
    Rakeb Messele
    Year
    2012
    Category

A label is followed by its values, one per line, up to the next label; any label may be
missing, and *Category* is often empty (then the page's heading is the category).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SEED_FILE = Path(__file__).parent / "data" / "seed_004_catalogue.txt"
# label in the page -> field of a publication (palermo.learning.library.FIELDS)
LABELS = {"Country": "countries", "Region": "regions", "Authors": "authors", "Year": "year",
          "Category": "category"}


class CatalogueTextError(ValueError):
    """The text does not have the page's shape; the message names the line."""


@dataclass
class SeedCatalogue:
    """The page's heading and its entries: each a dict of publication fields plus ``line``
    (where the entry's title is, counting from 1)."""

    heading: str
    entries: list[dict]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the number of its first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def _is_fields(lines: list[str]) -> bool:
    """A summary block: a label on its second line (or, without a summary, on its first)."""
    return lines[0] in LABELS or (len(lines) > 1 and lines[1] in LABELS)


def _fields(start: int, lines: list[str], heading: str, language: str) -> dict:
    values: dict = {"summary": "", "countries": [], "regions": [], "authors": [],
                    "year": None, "category": "", "language": language}
    body = lines
    if lines[0] not in LABELS:
        values["summary"], body = lines[0], lines[1:]
    label = None
    for offset, line in enumerate(body):
        if line in LABELS:
            label = LABELS[line]
            continue
        number = start + len(lines) - len(body) + offset
        if label is None:
            values["summary"] = f"{values['summary']} {line}".strip()
        elif label == "year":
            if values["year"] is not None or not line.isdigit():
                raise CatalogueTextError(f"line {number}: Year: “{line}” is not one year.")
            values["year"] = int(line)
        elif label == "category":
            values["category"] = f"{values['category']}; {line}".strip("; ")
        else:
            values[label].append(line)
    values["category"] = values["category"] or heading
    return values


def parse(text: str, *, language: str = "") -> SeedCatalogue:
    """The page's heading and entries. *language* is given to every entry (the page names
    none). Raises :class:`CatalogueTextError` naming the line of a title without its summary
    block, or of a value that is not a year."""
    blocks = _blocks(text)
    first = next((i for i in range(1, len(blocks)) if _is_fields(blocks[i][1])), None)
    if first is None:
        raise CatalogueTextError("line 1: no publication found (a title, then a summary "
                                 "followed by Country, Region, Authors, Year or Category).")
    header = blocks[:first - 1]
    heading = header[-1][1][-1] if header else ""
    entries: list[dict] = []
    i = first - 1
    while i < len(blocks):
        start, lines = blocks[i]
        if i + 1 >= len(blocks) or not _is_fields(blocks[i + 1][1]) or len(lines) != 1:
            raise CatalogueTextError(f"line {start}: “{lines[0][:60]}” is not followed by a "
                                     "summary and the labelled values.")
        entry = _fields(*blocks[i + 1], heading, language)
        entry.update(title=lines[0], line=start)
        entries.append(entry)
        i += 2
    return SeedCatalogue(heading, entries)


def seed_catalogue() -> SeedCatalogue:
    """The shipped catalogue text of seed 004, parsed (its entries are in English)."""
    return parse(SEED_FILE.read_text(encoding="utf-8"), language="English")
