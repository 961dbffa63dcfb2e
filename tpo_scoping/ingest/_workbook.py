"""Read an ``.xlsx`` workbook with bounded memory: check what it declares, then stream its rows.

Before anything is parsed, the zip directory is checked: the unzipped size of all parts and of
the shared strings (which the reader holds in memory), and each sheet's declared dimensions
(rows × columns). Then every sheet is streamed row by row with openpyxl's read-only reader,
counting cells and characters; past a limit of :class:`~tpo_scoping.ingest.limits.ReadLimits`
the load stops with an :class:`~tpo_scoping.errors.InputError` that names the limit.

Cells are read as text the way the CSV reader reads them: dates as ISO dates, whole numbers
without ``.0``, the usual "not available" markers as empty.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pandas as pd

from tpo_scoping.errors import InputError
from tpo_scoping.ingest._raw import NA_VALUES, RawTable
from tpo_scoping.ingest.limits import MAX_COLUMNS, ReadLimits

_NA = frozenset(NA_VALUES)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
HEADER_SEARCH_ROWS = 10
"""Title rows above the header are looked for among this many first non-empty rows."""


def column_letter(index: int) -> str:
    """Excel's letters for a 1-based column number (1 -> A, 16384 -> XFD)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: bytes) -> int:
    number = 0
    for code in letters:  # bytes iterate as integers
        number = number * 26 + code - 64
    return number


def check_parts(name: str, data: bytes, limits: ReadLimits) -> None:
    """Refuse a workbook whose zip directory or sheet dimensions exceed the limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(
            f"cannot open the workbook ({type(exc).__name__}); save it again as .xlsx", name
        ) from None
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped:
        raise InputError(
            f"the workbook unzips to {total:,} bytes, over the limit of {limits.max_unzipped:,};"
            " save the tables as CSV files or split the workbook",
            name,
        )
    for info in infos:
        lower = info.filename.lower()
        if lower.endswith("sharedstrings.xml") and info.file_size > limits.max_shared_strings:
            raise InputError(
                f"the workbook's text table unzips to {info.file_size:,} bytes, over the limit"
                f" of {limits.max_shared_strings:,}; save the tables as CSV files",
                name,
            )
        if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
            try:
                with archive.open(info) as part:
                    head = part.read(4096)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise InputError(
                    f"cannot open the workbook ({type(exc).__name__}); save it again as .xlsx",
                    name,
                ) from None
            cells = _count_cells(archive, info, name)
            if cells > limits.max_cells:
                raise InputError(
                    f"a sheet holds {cells:,} cells, over the limit of {limits.max_cells:,};"
                    " save the tables as CSV files or split the workbook",
                    name,
                )
            found = _DIMENSION.search(head)
            if found and found.group(3):
                first_col, first_row, last_col, last_row = found.groups()
                rows = int(last_row) - int(first_row or 1) + 1
                cols = _column_number(last_col) - _column_number(first_col or b"A") + 1
                if rows * cols > limits.max_cells:
                    corner = (last_col + last_row).decode()
                    raise InputError(
                        f"a sheet declares {rows:,} rows × {cols:,} columns (up to cell"
                        f" {corner}), over the limit of {limits.max_cells:,} cells; delete the"
                        " stray cells or save the table as CSV",
                        name,
                    )


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _count_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> int:
    """Cells in a sheet part, counted on its XML as it unzips, before anything parses it.

    Unzipping is far faster than parsing, so a sheet of millions of cells is refused in a
    second, not after minutes of streaming.
    """
    count = 0
    tail = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                block = tail + chunk
                count += len(_CELL.findall(block)) - len(_CELL.findall(tail))
                tail = block[-32:]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(
            f"cannot open the workbook ({type(exc).__name__}); save it again as .xlsx", name
        ) from None
    return count


def _text(value: Any) -> str | None:
    """A cell as text, as the CSV reader would see it (None for empty)."""
    if value is None:
        return None
    if isinstance(value, str):
        return None if value.strip() in _NA else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return str(value)


class _Budget:
    """Cells and characters streamed so far, against the limits."""

    def __init__(self, name: str, limits: ReadLimits) -> None:
        self.name = name
        self.limits = limits
        self.cells = 0
        self.chars = 0

    def spend(self, cells: int, chars: int) -> None:
        self.cells += cells
        self.chars += chars
        if self.cells > self.limits.max_cells:
            raise InputError(
                f"more than {self.limits.max_cells:,} cells; save the tables as CSV files or"
                " split the workbook",
                self.name,
            )
        if self.chars > self.limits.max_chars:
            raise InputError(
                f"more than {self.limits.max_chars:,} characters of text; save the tables as"
                " CSV files or split the workbook",
                self.name,
            )


def _sheet_rows(
    sheet: Any, label: str, budget: _Budget, limits: ReadLimits
) -> list[tuple[int, list[str | None]]]:
    """Non-empty rows of a sheet as (row number, cells as text), streamed within the budget."""
    rows: list[tuple[int, list[str | None]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        if number > limits.max_rows + 1:
            raise InputError(
                f"more than {limits.max_rows:,} rows; split or filter the sheet", label
            )
        if not values:
            continue
        cells = [_text(v) for v in values]
        width = len(cells)
        while width and cells[width - 1] is None:
            width -= 1
        if not width:
            continue
        if width > MAX_COLUMNS:
            raise InputError(
                f"row {number} has a value in column {column_letter(width)}, beyond the"
                f" {MAX_COLUMNS:,} columns a table may have; delete the stray cells",
                label,
            )
        del cells[width:]
        budget.spend(len(values), sum(len(c) for c in cells if c is not None))
        rows.append((number, cells))
    return rows


def _header_at(rows: list[tuple[int, list[str | None]]]) -> int:
    """Index of the header among the first rows: the first one about as wide as the table
    (title rows such as "Employee report, March" sit above it in some exports)."""
    head = rows[:HEADER_SEARCH_ROWS]
    widest = max(sum(c is not None for c in cells) for _, cells in head)
    for i, (_, cells) in enumerate(head):
        filled = sum(c is not None for c in cells)
        if filled >= max(2, widest // 2) or filled == widest:
            return i
    return 0


def _unique_headers(cells: list[str | None]) -> list[str]:
    """Header names as pandas makes them: blanks "Unnamed: i", repeats "Name.1"."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        base = str(cell).strip() if cell is not None and str(cell).strip() else f"Unnamed: {i}"
        name = base
        while name in seen:
            seen[base] += 1
            name = f"{base}.{seen[base]}"
        seen[name] = 0
        out.append(name)
    return out


def read_workbook(name: str, data: bytes, limits: ReadLimits, notes: list[str]) -> list[RawTable]:
    """Every sheet with data, as raw tables (their canonical table is decided later)."""
    check_parts(name, data, limits)
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(
            f"cannot open the workbook ({type(exc).__name__}); save it again as .xlsx", name
        ) from None
    budget = _Budget(name, limits)
    out = []
    found: list[str] = []
    try:
        for sheet in book.worksheets:
            label = f"{name}[{sheet.title}]"
            found.append(sheet.title)
            sheet.reset_dimensions()  # stream every cell, whatever the sheet declares
            try:
                rows = _sheet_rows(sheet, label, budget, limits)
            except InputError:
                raise
            except Exception as exc:  # a damaged sheet part
                raise InputError(
                    f"cannot read the sheet ({type(exc).__name__}); save it again as .xlsx",
                    label,
                ) from None
            if not rows:
                continue
            at = _header_at(rows)
            if at:
                notes.append(f"{label}: skipped {at} title row(s) above the header")
            header_cells = rows[at][1]
            columns = _unique_headers(header_cells)
            width = len(columns)
            body = rows[at + 1 :]
            for number, cells in body:
                if len(cells) > width:
                    raise InputError(
                        f"row {number} has a value in column {column_letter(len(cells))}, right"
                        f" of the header's last column ({column_letter(width)}); values would"
                        " be lost",
                        label,
                    )
            frame = pd.DataFrame(
                [cells + [None] * (width - len(cells)) for _, cells in body],
                columns=columns,
                index=pd.Index([number for number, _ in body], dtype="int64"),
                dtype=object,
            )
            del body
            out.append(RawTable("", label, frame, name=str(sheet.title)))
    finally:
        book.close()
    if not out:
        raise InputError(
            f"the workbook has no sheet with data (sheets: {', '.join(found) or 'none'})", name
        )
    return out
