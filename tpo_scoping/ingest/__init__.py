"""Load a prospect's performance data as it really arrives, and report its quality.

Sources: an ``.xlsx`` workbook, a folder of CSV and workbook files, a single CSV, or uploaded
files as ``{file name: bytes}`` (nothing is written to disk). Tables are recognised by their
headers, whatever the files and sheets are called. Real exports are handled: headers as HR and
learning systems spell them (``EmpID``, ``DateofHire``, ``Termination Date``; the list, with
sources, is ``data/export_headers.yaml``), chosen only when the column's values fit;
comma/semicolon/tab delimiters, UTF-8 with or without BOM, cp1252/Latin-1 (also line by line),
decimal commas, the day/month order of dates decided per file, month names (``20-Sep-19``),
Excel serial dates and percentages such as "85%". Reading is bounded (:mod:`.limits`).

Every row that fails a check is dropped and recorded in the :class:`QualityReport` with its
table, row number, column and reason; input that cannot be read at all raises
:class:`~tpo_scoping.errors.InputError` naming the file, row and column.

Examples
--------
>>> data = load_performance_data({"staff.csv": b"Emp No;Location;Job Title;Start Date\\n"
...                               b"7;Bogot\\xe1;agent;31/01/2025\\n"})
>>> data.tables["employees"].loc[0, "site"], data.quality.mapping["employees"]["hire_date"]
('Bogotá', 'Start Date')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import TABLES
from tpo_scoping.errors import InputError, Problem
from tpo_scoping.ingest._csv import sniff_delimiter
from tpo_scoping.ingest._dates import parse_dates
from tpo_scoping.ingest._parse import parse_numbers, parse_table
from tpo_scoping.ingest._read import normalise, printable, read_tables
from tpo_scoping.ingest.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, ReadLimits
from tpo_scoping.ingest.matching import SAMPLE_ROWS, TableMatch, match_table
from tpo_scoping.ingest.quality import QualityReport
from tpo_scoping.labels import WHOLE_TEAM

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "PerformanceData",
    "QualityReport",
    "ReadLimits",
    "from_frames",
    "load_performance_data",
    "normalise",
    "parse_dates",
    "parse_numbers",
    "sniff_delimiter",
]

_ORDER = ("employees", "assessments", "compliance", "metrics", "training")


@dataclass
class PerformanceData:
    """Canonical, parsed performance tables and the report of how they were obtained.

    Attributes
    ----------
    tables : dict[str, pandas.DataFrame]
        Canonical tables (see :mod:`tpo_scoping.data_contract`); ``employees`` is always there.
    quality : QualityReport
        Rows read/used/dropped with reasons, the column mapping used, missing shares.
    source : str
        The path, or ``"upload"`` for in-memory files.
    """

    tables: dict[str, pd.DataFrame]
    quality: QualityReport = field(default_factory=QualityReport)
    source: str = ""

    @property
    def employees(self) -> pd.DataFrame:
        return self.tables["employees"]

    def has(self, table: str) -> bool:
        """True when the table was supplied and kept at least one row."""
        return table in self.tables and len(self.tables[table]) > 0

    def supplied(self, table: str, column: str) -> bool:
        """True when the data had a column for ``table.column`` (optional ones may be absent).

        Examples
        --------
        >>> csv = b"Employee ID,Role,Hire Date\\nE1,agent,2025-01-06\\n"
        >>> load_performance_data({"staff.csv": csv}).supplied("employees", "exit_date")
        False
        """
        return column in self.quality.mapping.get(table, {})

    def latest_date(self) -> dt.date | None:
        """The latest date of anything that happened in the data (expiry dates excluded)."""
        latest: pd.Timestamp | None = None
        for table, frame in self.tables.items():
            for col in TABLES[table].columns:
                if col.kind != "date" or col.name == "expires_on" or col.name not in frame:
                    continue
                value = frame[col.name].max()
                if pd.notna(value) and (latest is None or value > latest):
                    latest = value
        return None if latest is None else latest.date()


def load_performance_data(
    source: str | Path | Mapping[str, bytes],
    mapping: Mapping[str, Mapping[str, str]] | None = None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    reference_date: dt.date | None = None,
    dayfirst: bool | None = None,
    tables: Mapping[str, str] | None = None,
    limits: ReadLimits | None = None,
) -> PerformanceData:
    """Read, map, parse and check a prospect's performance tables.

    Parameters
    ----------
    source : str, Path or Mapping[str, bytes]
        An ``.xlsx`` workbook, a folder of CSV and workbook files, a single CSV, or
        ``{file name: bytes}`` of uploaded files. Tables are recognised by their headers,
        whatever the files or sheets are called.
    mapping : Mapping[str, Mapping[str, str]], optional
        Per table, canonical column -> the prospect's header (a profile's ``data.mapping`` and
        the command line's ``--map``); overrides the detection.
    max_rows, max_bytes : int
        Guards: a table with more rows or a file with more bytes is refused with an InputError.
        The other limits (cells, characters, unzipped size) scale with ``max_bytes`` unless
        ``limits`` gives them all.
    reference_date : date, optional
        Event dates after this day are "future dates" and dropped (default: today).
    dayfirst : bool, optional
        The order of day and month for every file (a profile's ``data.date_order``). Default:
        decided per file from its dates; day-first, with a warning, when nothing decides.
    tables : Mapping[str, str], optional
        Canonical table -> the file or sheet that holds it (a profile's ``data.tables``).
    limits : ReadLimits, optional
        Every reading limit at once.

    Returns
    -------
    PerformanceData

    Raises
    ------
    InputError
        For files that cannot be read as tables (empty, binary, damaged, too large, rows with
        the wrong number of fields, no employees table, required columns missing), naming the
        file, the row and the column.

    Examples
    --------
    >>> csv = b"Employee ID,Location,Role,Hire Date,Exit Date\\nE1,Manila,agent,2025-01-06,\\n"
    >>> data = load_performance_data({"employees.csv": csv})
    >>> data.quality.rows_used
    {'employees': 1}
    """
    try:
        return _load(source, mapping, max_rows, max_bytes, reference_date, dayfirst, tables, limits)
    except InputError as exc:
        # Messages quote headers and cells from the files: no escape sequence reaches a terminal.
        raise InputError(
            [Problem(printable(p.where, 300), printable(p.message, 4000)) for p in exc.problems],
            printable(exc.source, 300),
        ) from None


def _load(
    source: str | Path | Mapping[str, bytes],
    mapping: Mapping[str, Mapping[str, str]] | None,
    max_rows: int,
    max_bytes: int,
    reference_date: dt.date | None,
    dayfirst: bool | None,
    tables: Mapping[str, str] | None,
    limits: ReadLimits | None,
) -> PerformanceData:
    limits = limits or ReadLimits.for_size(max_bytes, max_rows)
    for key in mapping or {}:
        if key not in TABLES:
            raise InputError(
                [Problem(f"data.mapping.{key}", f"unknown table (known: {', '.join(TABLES)})")]
            )
    if isinstance(source, str | Path):
        from tpo_scoping.paths import DATA_HINT, refuse_special_file

        refuse_special_file(source, DATA_HINT)  # a FIFO would block the open below
    raws, notes, label = read_tables(source, limits, tables)
    report = QualityReport(notes=list(notes))
    reference = reference_date or dt.date.today()
    out: dict[str, pd.DataFrame] = {}
    employee_ids: pd.Index | None = None
    for name in _ORDER:
        raw = raws.get(name)
        if raw is None:
            continue
        spec = TABLES[name]
        explicit = (mapping or {}).get(name)
        try:
            match = match_table(spec, raw.source, raw.columns, raw.sample(SAMPLE_ROWS), explicit)
        except InputError as exc:
            if name == "employees" or explicit:
                raise
            reason = "; ".join(exc.lines())
            report.unused[name] = f"{raw.source}: its columns do not fit: {reason}"
            continue
        _record_match(report, match)
        frame = parse_table(
            raw,
            match,
            report,
            employee_ids=employee_ids,
            reference_date=reference,
            dayfirst=dayfirst,
        )
        if name == "employees":
            if frame.empty:
                read = report.rows_read[name]
                raise InputError(
                    "no data rows under the header"
                    if read == 0
                    else f"none of the {read} employee rows is usable: "
                    + "; ".join(
                        f"row {i['row']}, column {i['column']}: {i['problem']}"
                        for i in report.issues[:5]
                    ),
                    raw.source,
                )
            employee_ids = pd.Index(frame["employee_id"])
            _check_exits(report, match, frame)
        out[name] = _typed(name, frame)
    _validate(out)
    report.notes = [printable(n, 2000) for n in report.notes]
    report.warnings = [printable(w, 2000) for w in report.warnings]
    return PerformanceData(tables=out, quality=report, source=label)


def _record_match(report: QualityReport, match: TableMatch) -> None:
    """The chosen columns, the columns left out and what is missing, into the report."""
    name, source = match.table, match.source
    report.mapping[name] = match.mapping
    report.sources[name] = source
    report.notes.extend(match.notes)
    if match.unused:
        shown = ", ".join(f"'{printable(h, 60)}'" for h in match.unused[:20])
        more = f" and {len(match.unused) - 20} more" if len(match.unused) > 20 else ""
        report.notes.append(f"{source}: ignored columns {shown}{more}")
    for column, missing in match.missing.items():
        report.missing_fields[f"{name}.{column}"] = {
            "consequence": missing.consequence,
            "candidates": [printable(c) for c in missing.candidates],
        }
        report.warnings.append(f"{name}: {printable(missing.line(name), 600)}")


def _check_exits(report: QualityReport, match: TableMatch, frame: pd.DataFrame) -> None:
    """Warn when an exit-date column exists but is empty on every row kept."""
    header = match.mapping.get("exit_date")
    if header is None or frame["exit_date"].notna().any():
        return
    report.warnings.append(
        f"employees: the exit-date column '{printable(header, 60)}' is empty on every row, so"
        " retention reads as 100 %; check that the export includes people who have left"
    )


def from_frames(tables: Mapping[str, pd.DataFrame], source: str = "frames") -> PerformanceData:
    """Wrap canonical tables already in memory (e.g. from :mod:`tpo_scoping.synthetic`).

    The frames are copied, typed and checked against the contract: required columns present,
    no missing IDs, names or dates, numbers finite, each employee once. A failed check raises
    :class:`~tpo_scoping.errors.InputError` naming the table and column. Unlike the file
    loaders, nothing is repaired or dropped, so this suits data that is already clean.

    Examples
    --------
    >>> from tpo_scoping.synthetic import SCENARIOS, generate
    >>> data = from_frames(generate(SCENARIOS["small_simple"], seed=1).tables)
    >>> data.has("metrics")
    True
    """
    given = {name: list(frame.columns) for name, frame in tables.items() if name in TABLES}
    out = {name: _typed(name, frame.copy()) for name, frame in tables.items() if name in TABLES}
    if "employees" not in out:
        raise InputError("no employees table", source=source)
    _check_frames(out, source)
    quality = QualityReport(
        rows_read={n: len(f) for n, f in out.items()},
        rows_used={n: len(f) for n, f in out.items()},
        mapping={n: {c: c for c in given[n] if c in TABLES[n].column_names} for n in out},
        missing={n: {c: float(f[c].isna().mean()) for c in f.columns} for n, f in out.items()},
    )
    return PerformanceData(tables=out, quality=quality, source=source)


def _check_frames(tables: Mapping[str, pd.DataFrame], source: str) -> None:
    """Every frame against its pandera schema, and unique employee IDs; all problems at once."""
    from pandera.errors import SchemaErrors

    problems: list[Problem] = []
    for name, frame in tables.items():
        try:
            _schema(name).validate(frame, lazy=True)
        except SchemaErrors as exc:
            for case in exc.failure_cases.itertuples(index=False):
                problem = _contract_problem(name, case)
                if problem not in problems:
                    problems.append(problem)
    ids = tables["employees"]["employee_id"]
    repeated = ids[ids.duplicated()].astype(str).unique()
    if len(repeated):
        shown = ", ".join(repeated[:5]) + (" …" if len(repeated) > 5 else "")
        problems.append(
            Problem("employees.employee_id", f"{len(repeated)} ID(s) appear twice: {shown}")
        )
    if problems:
        raise InputError(problems, source=source)


def _contract_problem(table: str, case: Any) -> Problem:
    """One of pandera's failure cases, in words."""
    check = str(case.check)
    if check == "column_in_dataframe":
        return Problem(f"{table}.{case.failure_case}", "required column is missing")
    words = {
        "not_nullable": "has missing values",
        "finite": "has infinite values",
        "in_range(0, 100)": "has values outside 0-100",
    }
    message = words.get(check, f"has values of the wrong type ({check})")
    return Problem(f"{table}.{case.column}", message)


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical column order and dtypes: ids/text as object, dates as datetime64[ns]."""
    spec = TABLES[name]
    for col in spec.columns:
        if col.name not in frame.columns:
            if col.name == "site":
                # No site column: the team is one site (the quality report says so).
                frame[col.name] = pd.Series(WHOLE_TEAM, index=frame.index, dtype=object)
            elif col.name in spec.optional_columns and col.kind == "date":
                frame[col.name] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            elif col.name in spec.optional_columns:
                frame[col.name] = None
            continue
        # Columns the parser already gave the right dtype are left as they are (no copy).
        column = frame[col.name]
        if col.kind == "date":
            if column.dtype != "datetime64[ns]":
                if column.dtype.kind != "M":  # already datetime64 from the parser: no re-parsing
                    column = pd.to_datetime(column)
                frame[col.name] = column.astype("datetime64[ns]")
        elif col.kind == "number":
            if column.dtype != float:
                frame[col.name] = column.astype(float)
        elif column.dtype != object:
            frame[col.name] = column.astype(object)
    order = [c for c in spec.column_names if c in frame.columns]
    return frame if list(frame.columns) == order else frame[order]


def _validate(tables: dict[str, pd.DataFrame]) -> None:
    """Check the parsed tables against the contract's pandera schemas (a guard against bugs)."""
    for name, frame in tables.items():
        if len(frame) > 1_000:
            # The row checks above already enforce the contract; a sample keeps this guard cheap
            # (drawn without shuffling every row, as ``DataFrame.sample`` would).
            rows = np.random.default_rng(0).choice(len(frame), 1_000, replace=False)
            frame = frame.take(np.sort(rows))
        _schema(name).validate(frame)


@cache
def _schema(name: str) -> Any:
    from tpo_scoping.data_contract import pandera_schema

    return pandera_schema(name)
