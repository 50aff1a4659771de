"""A small XLSX file written part by part, for the import corpus: every part under the
test's control (shared strings, formulas with or without their result, a false dimension),
and the archive helpers that damage it."""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass, field


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Book:
    """The parts of a small XLSX file; cells are shared strings unless given as numbers or
    formulas (``("f", formula, cached or None)``)."""

    rows: list[list]
    dimension: str = ""
    parts: dict[str, bytes] = field(default_factory=dict)

    def build(self) -> bytes:
        strings: list[str] = []
        sheet_rows = []
        for r, row in enumerate(self.rows, start=1):
            cells = []
            for c, value in enumerate(row, start=1):
                ref = f"{_column(c)}{r}"
                if value is None or value == "":
                    continue
                if isinstance(value, tuple):  # a formula
                    _f, formula, cached = value
                    cached_xml = f'<v>{_xml_text(str(cached))}</v>' if cached is not None else ""
                    kind = ' t="str"' if isinstance(cached, str) else ""
                    cells.append(f'<c r="{ref}"{kind}><f>{_xml_text(formula)}</f>'
                                 f'{cached_xml}</c>')
                elif isinstance(value, int | float):
                    cells.append(f'<c r="{ref}"><v>{value}</v></c>')
                else:
                    strings.append(str(value))
                    cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
        width = max(len(r) for r in self.rows)
        dimension = self.dimension or f"A1:{_column(width)}{len(self.rows)}"
        main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        parts = {
            "[Content_Types].xml": (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/><Override '
                'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/'
                'sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/'
                'styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                'spreadsheetml.styles+xml"/></Types>'),
            "_rels/.rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            "xl/workbook.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" '
                f'xmlns:r="{rel}"><sheets><sheet name="cases" sheetId="1" r:id="rId1"/>'
                '</sheets></workbook>'),
            "xl/_rels/workbook.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
                f'Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>'
                '</Relationships>'),
            "xl/worksheets/sheet1.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'
                f'<dimension ref="{dimension}"/><sheetData>{"".join(sheet_rows)}'
                '</sheetData></worksheet>'),
            "xl/sharedStrings.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" '
                f'count="{len(strings)}" uniqueCount="{len(strings)}">'
                + "".join(f"<si><t>{_xml_text(s)}</t></si>" for s in strings) + "</sst>"),
            "xl/styles.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}"><fonts '
                'count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills '
                'count="1"><fill><patternFill patternType="none"/></fill></fills><borders '
                'count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
                '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                'borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" '
                'fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs></styleSheet>'),
        }
        encoded = {name: text.encode("utf-8") for name, text in parts.items()}
        encoded.update(self.parts)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in encoded.items():
                if data is not None:  # a fixed date: the same book, byte for byte, every time
                    entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                    entry.compress_type = zipfile.ZIP_DEFLATED
                    archive.writestr(entry, data)
        return out.getvalue()


def without_part(content: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != name:
                archive.writestr(item, source.read(item))
    return out.getvalue()


def declared_size(content: bytes, name: str, size: int) -> bytes:
    """The archive with the central directory claiming *size* unpacked bytes for *name*."""
    data = bytearray(content)
    encoded = name.encode()
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise ValueError(name)
