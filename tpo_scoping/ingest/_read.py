"""Turn whatever arrived (a workbook, a folder of files, one CSV, uploaded bytes) into raw tables.

Files are taken one at a time: every size is checked before any file is read, and each file is
read, checked and classified before the next one. A raw table's canonical table is decided by
its headers (:func:`~tpo_scoping.ingest.matching.table_fit`), whatever the file or sheet is
called; a name that says the table outright ("employees.csv", a sheet "Training") settles ties,
and a profile's ``data.tables`` names the file or sheet of a table explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from tpo_scoping.data_contract import TABLES
from tpo_scoping.errors import InputError, Problem
from tpo_scoping.ingest import headers
from tpo_scoping.ingest._csv import read_csv_table
from tpo_scoping.ingest._raw import RawTable
from tpo_scoping.ingest._workbook import read_workbook
from tpo_scoping.ingest.limits import ReadLimits
from tpo_scoping.ingest.matching import table_fit

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def normalise(name: str) -> str:
    """Lower-case, with runs of non-alphanumerics turned into single underscores.

    Examples
    --------
    >>> normalise("  Emp No. ")
    'emp_no'
    """
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: object, limit: int = 200) -> str:
    """Text from a file, safe to echo to a terminal: control characters and escape sequences
    (which could move the cursor or retitle the window) shown as ``\\xNN``, length capped.

    Examples
    --------
    >>> printable("Site\\x1b[2J")
    'Site\\\\x1b[2J'
    """
    shown = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _check_size(name: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(
            f"file is {size:,} bytes, over the limit of {max_bytes:,}; split or filter it", name
        )


def _open_path(source: str | Path) -> Path:
    if "\x00" in str(source):  # the operating system refuses such a name
        raise InputError(
            "not a usable file name (it contains a null character)", ascii(str(source))[:200]
        )
    try:
        path = Path(source)
        exists = path.exists()
    except OSError as exc:  # a name too long for the file system, a loop of links
        raise InputError(f"cannot open ({exc.strerror})", str(source)[:200]) from None
    if not exists:
        raise InputError("file or folder not found", str(path))
    return path


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    _check_size(str(path), path.stat().st_size, max_bytes)
    try:
        with path.open("rb") as handle:  # bounded: /dev/zero reports size 0
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", str(path)) from None
    _check_size(str(path), len(data), max_bytes)
    return data


def iter_files(
    source: str | Path | Mapping[str, bytes], limits: ReadLimits
) -> tuple[str, list[tuple[str, Path | None]], Mapping[str, bytes] | None]:
    """The label of the source and its files, every size checked before any file is read.

    Returns ``(label, [(name, path or None)], uploaded bytes or None)``.
    """
    if isinstance(source, Mapping):
        files: list[tuple[str, Path | None]] = []
        for name, payload in source.items():
            if not isinstance(payload, bytes | bytearray | memoryview):
                raise InputError(f"expected the file's bytes, got {type(payload).__name__}", name)
            _check_size(str(name), len(payload), limits.max_bytes)
            files.append((str(name), None))
        if not files:
            raise InputError("no files were given")
        return "upload", files, source
    path = _open_path(source)
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
        for p in candidates:
            _check_size(str(p), p.stat().st_size, limits.max_bytes)
        return str(path), [(str(p), p) for p in candidates], None
    return str(path), [(str(path), path)], None


def _kind(name: str, data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        return "workbook"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError("old binary .xls workbook; save it as .xlsx or as CSV files", name)
    if Path(name).suffix.lower() in WORKBOOK_SUFFIXES:
        raise InputError("not a valid .xlsx workbook (the file is damaged or not a workbook)", name)
    return "csv"


def _raw_tables(
    files: list[tuple[str, Path | None]],
    uploaded: Mapping[str, bytes] | None,
    limits: ReadLimits,
    notes: list[str],
) -> Iterator[RawTable]:
    """Each file read, checked and split into raw tables, one file at a time."""
    for name, path in files:
        if path is not None:
            data = _read_bounded(path, limits.max_bytes)
        else:
            assert uploaded is not None
            data = bytes(uploaded[name])
        if _kind(name, data) == "workbook":
            yield from read_workbook(name, data, limits, notes)
        else:
            yield read_csv_table(name, data, limits, notes, path)
        del data


def _stem(raw: RawTable) -> str:
    return raw.name if raw.frame is not None else Path(raw.name).stem


def _names_match(wanted: str, raw: RawTable) -> bool:
    key = headers.header_key(wanted)
    return key in {headers.header_key(raw.name), headers.header_key(_stem(raw))}


def read_tables(
    source: str | Path | Mapping[str, bytes],
    limits: ReadLimits,
    named: Mapping[str, str] | None = None,
) -> tuple[dict[str, RawTable], list[str], str]:
    """Read every file of ``source`` and assign each raw table to a canonical table.

    ``named`` is a profile's ``data.tables``: canonical table -> file or sheet name. Returns
    the raw tables by canonical table, notes for the quality report, and the source's label.
    """
    for key in named or {}:
        if key not in TABLES:
            raise InputError(
                [Problem(f"data.tables.{key}", f"unknown table (known: {', '.join(TABLES)})")]
            )
    label, files, uploaded = iter_files(source, limits)
    notes: list[str] = []
    raws = list(_raw_tables(files, uploaded, limits, notes))
    found: dict[str, RawTable] = {}
    forced = set(named or {})
    fit_of: dict[int, float] = {}
    unplaced: list[RawTable] = []
    for table, wanted in (named or {}).items():
        match = [r for r in raws if _names_match(wanted, r)]
        if not match:
            raise InputError(
                [
                    Problem(
                        f"data.tables.{table}",
                        f"no file or sheet called '{wanted}' (found: "
                        + ", ".join(printable(r.name, 60) for r in raws)
                        + ")",
                    )
                ]
            )
        match[0].table = table
        found[table] = match[0]
    for raw in raws:
        if raw.table:
            continue
        hint = headers.table_named(_stem(raw))
        fits = {t: table_fit(raw.columns, spec) for t, spec in TABLES.items() if t not in forced}
        complete = {t: f[2] for t, f in fits.items() if f[0] == f[1]}
        if hint and hint in fits:
            table, score = hint, fits[hint][2] + 10.0  # a name that says the table wins
        elif complete:
            table = max(complete, key=lambda t: complete[t])
            score = complete[table]
        else:
            unplaced.append(raw)
            continue
        if table in found:
            other = found[table]
            if fit_of.get(id(other), 0.0) == score:
                raise InputError(
                    [
                        Problem(
                            raw.source,
                            f"both this and {other.source} look like the {table} table; name"
                            f" one in the profile (data.tables.{table}: NAME)",
                        )
                    ]
                )
            if fit_of.get(id(other), 0.0) > score:
                notes.append(
                    f"{raw.source}: read but not used: it also looks like the {table} table,"
                    f" and {other.source} fits better"
                )
                continue
            notes.append(
                f"{other.source}: read but not used: it also looks like the {table} table,"
                f" and {raw.source} fits better"
            )
        raw.table = table
        found[table] = raw
        fit_of[id(raw)] = score
        if not hint:
            notes.append(f"{raw.source}: read as the {table} table (by its columns)")
    if "employees" not in found and len(raws) == 1 and unplaced:
        # One table and nothing recognised: it can only be the employees table, and the
        # mapping's message then says which columns are missing.
        unplaced[0].table = "employees"
        found["employees"] = unplaced.pop()
    for raw in unplaced:
        notes.append(
            f"{raw.source}: ignored (read, not used: its columns match none of the tables:"
            f" {_columns(raw)})"
        )
    if "employees" not in found:
        listing = "; ".join(f"{r.source} ({_columns(r)})" for r in raws)
        raise InputError(
            "no employees table (a file or sheet with employee IDs, roles and hire dates);"
            f" found: {listing}. Name it in the profile (data.tables.employees: NAME) or map"
            " its columns"
        )
    return found, notes, label


def _columns(raw: RawTable, limit: int = 12) -> str:
    shown = ", ".join(printable(c, 40) for c in raw.columns[:limit])
    more = len(raw.columns) - limit
    return shown + (f", … {len(raw.columns)} columns" if more > 0 else "")
