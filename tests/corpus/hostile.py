"""Small files that would eat memory if read naively: workbooks built part by part.

Each builder returns the bytes of a file well under the needs app's 10 MB upload limit. The
tests (``tests/test_ingest_limits.py``) check that the loader refuses each with a message naming
the limit; ``bench/bench_hostile.py`` measures the peak memory while it does.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

_SHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _override(part: str, kind: str) -> str:
    return f'<Override PartName="{part}" ContentType="{_SHEETML}.{kind}+xml"/>'


def _relationship(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{_OFFICE}/{kind}" Target="{target}"/>'


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    f'<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + _override("/xl/workbook.xml", "sheet.main")
    + _override("/xl/worksheets/sheet1.xml", "worksheet")
    + _override("/xl/sharedStrings.xml", "sharedStrings")
    + "</Types>"
).encode()
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}/relationships">'
    + _relationship("rId1", "officeDocument", "xl/workbook.xml")
    + "</Relationships>"
).encode()
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}">'
    '<sheets><sheet name="employees" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE}/relationships">'
    + _relationship("rId1", "worksheet", "worksheets/sheet1.xml")
    + _relationship("rId2", "sharedStrings", "sharedStrings.xml")
    + "</Relationships>"
).encode()
SHEET_OPEN = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">'.encode()
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>employee_id</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>role</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>hire_date</t></is></c></row>'
)


def workbook(
    sheet: Iterable[bytes], shared: Iterable[bytes] | None = None, large: bool = False
) -> bytes:
    """An .xlsx from the chunks of its sheet part (and of its shared strings), deflated;
    ``large`` parts (over 2 GiB unzipped) need zip64 headers."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=large) as part:
            for chunk in sheet:
                part.write(chunk)
        with book.open("xl/sharedStrings.xml", "w", force_zip64=large) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
            for chunk in shared or ():
                part.write(chunk)
            part.write(b"</sst>")
    return buffer.getvalue()


def declared_far_cell() -> bytes:
    """About 1.7 KB: one value in cell XFD5000, and a dimension saying so (82 million cells)."""
    return workbook(
        [
            SHEET_OPEN,
            b'<dimension ref="A1:XFD5000"/><sheetData>',
            b'<row r="5000"><c r="XFD5000" t="inlineStr"><is><t>x</t></is></c></row>',
            b"</sheetData></worksheet>",
        ]
    )


def undeclared_far_cell(row: int = 5000) -> bytes:
    """A header, then one value in column XFD of row ``row``, with no dimension to warn of it."""
    return workbook(
        [
            SHEET_OPEN,
            b"<sheetData>",
            HEADER_ROW,
            f'<row r="{row}"><c r="XFD{row}" t="inlineStr"><is><t>x</t></is></c></row>'.encode(),
            b"</sheetData></worksheet>",
        ]
    )


def long_strings(count: int = 60_000, length: int = 32_767) -> bytes:
    """A text table of ``count`` strings of ``length`` characters (Excel's longest), which
    compresses about a thousandfold: 60,000 of them are about 2.5 MB zipped, 2 GB unzipped."""
    text = b"<si><t>" + b"a" * length + b"</t></si>"
    cells = b"".join(
        f'<c r="{col}{r}" t="s"><v>{r % count}</v></c>'.encode()
        for r in range(2, 12)
        for col in "ABC"
    )
    return workbook(
        [
            SHEET_OPEN,
            b"<sheetData>",
            HEADER_ROW,
            b'<row r="2">',
            cells,
            b"</row></sheetData></worksheet>",
        ],
        (text for _ in range(count)),
        large=True,
    )


def many_cells(rows: int = 600_000) -> bytes:
    """``rows`` rows of three small numbers (1.8 million cells), no dimension, about 9 MB zipped."""

    def chunks() -> Iterable[bytes]:
        yield SHEET_OPEN + b"<sheetData>" + HEADER_ROW
        block = []
        for r in range(2, rows + 2):
            block.append(
                f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c>'
                f'<c r="C{r}"><v>45000</v></c></row>'
            )
            if len(block) == 10_000:
                yield "".join(block).encode()
                block = []
        yield "".join(block).encode()
        yield b"</sheetData></worksheet>"

    return workbook(chunks())


def lying_size() -> bytes:
    """A workbook whose zip directory declares a small sheet part that inflates far larger."""
    honest = workbook(
        [SHEET_OPEN, b"<sheetData>", HEADER_ROW, b" " * 50_000_000, b"</sheetData></worksheet>"]
    )
    # Rewrite the declared uncompressed size of the sheet part in both zip headers.
    data = bytearray(honest)
    name = b"xl/worksheets/sheet1.xml"
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = int.from_bytes(data[at + 28 : at + 30], "little")
        if bytes(data[at + 46 : at + 46 + name_len]) == name:
            data[at + 24 : at + 28] = (1000).to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)
