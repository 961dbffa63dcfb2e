"""Turn whatever arrived (a workbook, a folder of CSVs, one CSV, uploaded bytes) into raw tables.

A raw table is a DataFrame of strings with the prospect's own headers, plus where it came from.
Nothing here knows about canonical columns; :mod:`tpo_scoping.ingest._parse` does the mapping.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import TABLES
from tpo_scoping.errors import InputError, Problem

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "employees": (
        "employee",
        "employees",
        "staff",
        "roster",
        "headcount",
        "people",
        "hris",
        "workers",
        "agents",
        "employee_list",
        "employee_roster",
    ),
    "assessments": (
        "assessment",
        "assessments",
        "scores",
        "skills",
        "skill_assessments",
        "quiz_results",
        "test_scores",
        "competencies",
    ),
    "compliance": (
        "compliance",
        "compliance_training",
        "certifications",
        "certificates",
        "mandatory_training",
    ),
    "metrics": ("metrics", "metric", "performance", "kpis", "kpi", "productivity"),
    "training": (
        "training",
        "trainings",
        "courses",
        "course_completions",
        "completions",
        "lms",
        "learning",
    ),
}
"""File-name stems and sheet names recognised for each canonical table (after normalising)."""


_NA_VALUES = ["", "NA", "N/A", "n/a", "NULL", "null", "None", "NaN", "nan", "-", "#N/A"]


@dataclass
class RawTable:
    """One table as read: the prospect's headers, its origin, and its cells.

    A workbook sheet arrives whole (strings). A CSV is read in two steps: the header first, so
    the columns can be mapped, then only the mapped columns, with numbers left to pandas' fast
    parser (:meth:`load`) and text read as categoricals: pandas' reader then hashes each distinct
    cell once, and the parser works on the distinct values and their codes.
    """

    table: str
    source: str
    frame: pd.DataFrame | None = None
    """Cells; the index is the row number in the file or sheet (the header is row 1)."""
    columns: list[str] = field(default_factory=list)
    csv: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.frame is not None and not self.columns:
            self.columns = [str(c) for c in self.frame.columns]

    def load(self, headers: list[str], numeric: set[str] = frozenset()) -> pd.DataFrame:  # type: ignore[assignment]
        """The cells of ``headers``: text, except ``numeric`` columns of a CSV (parsed).

        Text cells of a CSV come as a categorical of the strings (the same strings as
        ``dtype=str`` would give, empty cells missing); a workbook's are plain strings.
        """
        if self.frame is not None:
            return self.frame[headers]
        assert self.csv is not None
        raw_names = self.csv["raw_names"]
        positions = [self.columns.index(h) for h in headers]
        usecols = None if self.csv.get("all_columns") else sorted(set(positions))
        dtype = {
            raw_names[i]: "category"
            for i, h in zip(positions, headers, strict=True)
            if h not in numeric
        }
        try:
            frame = pd.read_csv(
                io.BytesIO(self.csv["data"]),
                sep=self.csv["sep"],
                encoding=self.csv["encoding"],
                usecols=usecols,
                dtype=dtype,
                skipinitialspace=True,
                skip_blank_lines=True,
                keep_default_na=False,
                na_values=_NA_VALUES,
                low_memory=False,
            )
        except pd.errors.ParserError as exc:
            raise InputError(
                f"not a readable CSV table ({_parser_message(exc)})", self.source
            ) from None
        except (pd.errors.EmptyDataError, UnicodeDecodeError):  # pragma: no cover - checked
            raise InputError("cannot read the table", self.source) from None
        order = [frame.columns.get_loc(raw_names[i]) for i in positions]
        if order != list(range(len(frame.columns))):  # else already so: no copy
            frame = frame.iloc[:, order]
        frame.columns = headers
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        return frame


def normalise(name: str) -> str:
    """Lower-case, with runs of non-alphanumerics turned into single underscores.

    Examples
    --------
    >>> normalise("  Emp No. ")
    'emp_no'
    """
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def table_for(name: str) -> str | None:
    """The canonical table a file stem or sheet name stands for, if any."""
    key = normalise(name)
    for table, aliases in TABLE_ALIASES.items():
        if key in aliases or key == table:
            return table
    return None


def gather_files(
    source: str | Path | Mapping[str, bytes], max_bytes: int
) -> tuple[dict[str, bytes], str]:
    """Read the source into ``{file name: bytes}`` and a label for messages."""
    if isinstance(source, Mapping):
        files = {}
        for name, payload in source.items():
            if not isinstance(payload, bytes | bytearray | memoryview):
                raise InputError(f"expected the file's bytes, got {type(payload).__name__}", name)
            data = bytes(payload)
            _check_size(name, len(data), max_bytes)
            files[str(name)] = data
        if not files:
            raise InputError("no files were given")
        return files, "upload"
    path = Path(source)
    try:
        exists = path.exists()
    except OSError as exc:  # a name too long for the file system, a loop of links
        raise InputError(f"cannot open ({exc.strerror})", str(path)[:200]) from None
    if not exists:
        raise InputError("file or folder not found", str(path))
    if path.is_dir():
        candidates = sorted(
            p
            for p in path.iterdir()
            if p.is_file()
            and p.suffix.lower() in CSV_SUFFIXES + WORKBOOK_SUFFIXES
            and not p.name.startswith((".", "~$"))
        )
        if not candidates:
            raise InputError(
                "the folder holds no .csv or .xlsx files (expected employees.csv, ...)", str(path)
            )
        files = {}
        for p in candidates:
            _check_size(str(p), p.stat().st_size, max_bytes)
            files[str(p)] = p.read_bytes()
        return files, str(path)
    _check_size(str(path), path.stat().st_size, max_bytes)
    try:
        with path.open("rb") as handle:  # bounded: /dev/zero or a FIFO reports size 0
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", str(path)) from None
    _check_size(str(path), len(data), max_bytes)
    return {str(path): data}, str(path)


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes, over the limit of {max_bytes:,}; split or filter it", name
        )


def read_tables(files: dict[str, bytes], max_rows: int) -> tuple[dict[str, RawTable], list[str]]:
    """Classify each file (workbook or CSV), read it, and assign it to a canonical table."""
    notes: list[str] = []
    found: dict[str, RawTable] = {}
    single = len(files) == 1

    def place(raw: RawTable | None, label: str, guess_employees: bool) -> None:
        if raw is None:
            return
        if raw.table == "":
            if guess_employees:
                raw.table = "employees"
                notes.append(f"{label}: read as the employees table")
            else:
                known = ", ".join(TABLES)
                notes.append(f"{label}: ignored (name matches none of: {known})")
                return
        if raw.table in found:
            raise InputError(
                [
                    Problem(
                        label,
                        f"a second source for the {raw.table} table"
                        f" (already read from {found[raw.table].source})",
                    )
                ]
            )
        found[raw.table] = raw

    for name, data in files.items():
        kind = _kind(name, data)
        if kind == "workbook":
            sheets = _read_workbook(name, data, max_rows)
            lone = single and len(sheets) == 1
            for raw in sheets:
                place(raw, raw.source, lone)
        else:
            table = table_for(Path(name).stem) or ""
            if not table and not single:
                notes.append(
                    f"{name}: ignored (file name matches none of: {', '.join(TABLES)};"
                    " name it after its table, e.g. employees.csv)"
                )
                continue
            place(_read_csv(name, data, table, max_rows), name, single)
    if "employees" not in found:
        raise InputError(
            "no employees table: name the file or sheet 'employees'"
            f" (read: {', '.join(files) or 'nothing'})"
        )
    return found, notes


def _kind(name: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "workbook"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError("old binary .xls workbook; save it as .xlsx or as CSV files", name)
    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
        raise InputError("not a valid .xlsx workbook (the file is damaged or not a workbook)", name)
    return "csv"


MAX_COLUMNS = 1_000
"""Widest CSV accepted: pandas spends about half a millisecond per column, so a header of
hundreds of thousands of fields would stall the loader for minutes."""

_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _from_wide_unicode(name: str, data: bytes) -> bytes:
    """UTF-16/32 text with a BOM (Excel's "Unicode Text") re-encoded as UTF-8; else unchanged."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                raise InputError(
                    f"the file starts like {codec.upper()} text but is not", name
                ) from None
    return data


def _decode_check(name: str, data: bytes) -> str:
    """Pick an encoding: UTF-8 (BOM or not), else cp1252, else Latin-1; refuse binary data."""
    head = data[:65536]
    if b"\x00" in head:
        raise InputError("this is a binary file, not a CSV (save the table as CSV or .xlsx)", name)
    if data.isascii():  # ASCII is valid UTF-8: no need to decode it all to find out
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(header_line: str) -> str:
    """The delimiter among comma, semicolon, tab and pipe that splits the header most often.

    Examples
    --------
    >>> sniff_delimiter("Emp No;Location;Start Date")
    ';'
    """
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(name: str, data: bytes, table: str, max_rows: int) -> RawTable | None:
    data = _from_wide_unicode(name, data)
    if not data or data.isspace():  # nothing but whitespace (without copying the bytes)
        raise InputError("the file is empty", name)
    encoding = _decode_check(name, data)
    if _count_byte(data, b"\n") > max_rows + 1:
        raise InputError(f"more than {max_rows:,} rows; split or filter the file", name)
    text_head = data[:65536].decode(encoding, errors="replace").lstrip("\ufeff")
    first = next((line for line in text_head.splitlines() if line.strip()), "")
    sep = sniff_delimiter(first)
    if first.count(sep) >= MAX_COLUMNS:
        raise InputError(
            f"the header has more than {MAX_COLUMNS:,} columns;"
            " export only the columns of the table",
            name,
        )
    try:
        header = pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            dtype=str,
            encoding=encoding,
            skipinitialspace=True,
            skip_blank_lines=True,
            nrows=0,
        )
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", name) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"not a readable CSV table ({_parser_message(exc)})", name) from None
    except UnicodeDecodeError:  # pragma: no cover - _decode_check picked a working codec
        raise InputError("cannot decode the text; save it as UTF-8", name) from None
    raw_names = list(header.columns)
    columns = [str(c).strip().lstrip("\ufeff") for c in raw_names]
    quoted = b'"' in data
    if not quoted:
        _check_field_counts(name, data, sep, len(raw_names))
    spec: dict[str, Any] = {"data": data, "sep": sep, "encoding": encoding, "raw_names": raw_names}
    # With quotes a separator may sit inside a field: then read every column, so that pandas'
    # own tokenizer reports rows with too many fields.
    spec["all_columns"] = quoted
    return RawTable(table, name, None, columns, spec)


def _count_byte(data: bytes, byte: bytes) -> int:
    """How many times ``byte`` occurs in ``data`` (vectorised; ``bytes.count`` is slower)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == ord(byte)))


def _check_field_counts(name: str, data: bytes, sep: str, n_fields: int) -> None:
    """Refuse a row with more fields than the header (a shifted row), naming the line.

    Separators are counted between newlines on the bytes with everything else deleted (a
    C-level pass): no run of ``n_fields`` separators there means no row is too long. Only
    valid without quotes, where every separator byte separates fields.
    """
    newline = b"\n" if b"\n" in data else b"\r"  # old Mac files end lines with a lone CR
    marks = data.translate(None, _all_bytes_but(newline + sep.encode()))
    if sep.encode() * n_fields not in marks:
        return
    is_end = np.frombuffer(marks, dtype=np.uint8) == ord(newline)
    ends = np.flatnonzero(is_end)  # the line ends' indexes among the marks
    if len(ends) == 0 or not data.endswith(newline):
        ends = np.append(ends, len(marks))  # the last line has no line end
    # Separators before the k-th line end: its index among the marks minus the k ends before.
    per_line = np.diff(np.concatenate([[0], ends - np.arange(len(ends))]))
    over = np.flatnonzero(per_line > n_fields - 1)
    if len(over):
        line = int(over[0]) + 1
        raise InputError(
            f"not a readable CSV table (row {line} has {int(per_line[over[0]]) + 1} fields"
            f" where the header has {n_fields})",
            name,
        )


@cache
def _all_bytes_but(kept: bytes) -> bytes:
    """Every byte value except those in ``kept`` (to delete them with ``bytes.translate``)."""
    return bytes(b for b in range(256) if b not in kept)


def _parser_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if match:
        want, line, saw = match.groups()
        return f"row {line} has {saw} fields where the header has {want}"
    return text


def _read_workbook(name: str, data: bytes, max_rows: int) -> list[RawTable]:
    try:
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise InputError(
            f"cannot open the workbook ({type(exc).__name__}); save it again as .xlsx", name
        ) from None
    out = []
    for sheet, frame in sheets.items():
        label = f"{name}[{sheet}]"
        frame = frame.dropna(how="all")
        if frame.empty and len(frame.columns) == 0:
            continue
        if len(frame) > max_rows:
            raise InputError(f"more than {max_rows:,} rows; split or filter the sheet", label)
        frame.columns = [str(c).strip() for c in frame.columns]
        frame.index = frame.index + 2
        out.append(RawTable(table_for(str(sheet)) or "", label, frame))
    if not out:
        raise InputError("the workbook has no sheet with data", name)
    return out
