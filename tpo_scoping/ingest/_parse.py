"""Map raw headers onto the canonical columns, parse values, and drop bad rows with reasons."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import Table
from tpo_scoping.errors import InputError, Problem
from tpo_scoping.ingest._read import RawTable, normalise
from tpo_scoping.ingest.quality import QualityReport

EARLIEST_DATE = pd.Timestamp("1950-01-01")
"""Dates before this are typos (a year of 1025), not history."""

DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("%Y-%m-%d", "iso"),
    ("%Y-%m-%d %H:%M:%S", "iso"),
    ("%Y-%m-%dT%H:%M:%S", "iso"),
    ("%Y/%m/%d", "iso"),
    ("%d/%m/%Y", "dayfirst"),
    ("%m/%d/%Y", "monthfirst"),
    ("%d.%m.%Y", "dayfirst"),
    ("%d-%m-%Y", "dayfirst"),
    ("%m-%d-%Y", "monthfirst"),
    ("%d/%m/%y", "dayfirst"),
    ("%m/%d/%y", "monthfirst"),
    ("%d/%m/%Y %H:%M", "dayfirst"),
    ("%m/%d/%Y %H:%M", "monthfirst"),
    ("%d-%b-%Y", "text"),
    ("%d %b %Y", "text"),
    ("%d %B %Y", "text"),
    ("%b %d, %Y", "text"),
    ("%B %d, %Y", "text"),
    ("%Y-%m", "iso"),
    ("%b %Y", "text"),
    ("%B %Y", "text"),
    ("%m/%Y", "monthfirst"),
)
"""Date layouts tried on each date column; the one that parses most distinct values wins."""


def resolve_mapping(
    raw: RawTable, spec: Table, explicit: Mapping[str, str] | None
) -> tuple[dict[str, str], list[str]]:
    """Canonical column -> header, from the explicit mapping, then names, then synonyms.

    Returns the mapping and the headers left unused. Raises :class:`InputError` naming the file
    when a required column has no header or an explicit mapping names a header that is absent.
    """
    headers = list(raw.frame.columns)
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise(h), h)
    mapping: dict[str, str] = {}
    used: set[str] = set()
    problems = []
    for canonical, header in (explicit or {}).items():
        if canonical not in spec.column_names:
            problems.append(
                Problem(
                    f"data.mapping.{spec.name}.{canonical}",
                    f"'{canonical}' is not a column of {spec.name}"
                    f" (columns: {', '.join(spec.column_names)})",
                )
            )
            continue
        match = header if header in headers else by_norm.get(normalise(header))
        if match is None:
            problems.append(
                Problem(
                    raw.source,
                    f"the mapping says {canonical} is in column '{header}', which is not in the"
                    f" header{_closest(header, headers)}",
                )
            )
            continue
        mapping[canonical] = match
        used.add(match)
    if problems:
        raise InputError(problems)
    # Canonical names win over synonyms, so "score" beats a synonym "Score %" elsewhere.
    for col in spec.columns:
        if col.name in mapping:
            continue
        found = by_norm.get(normalise(col.name))
        if found is not None and found not in used:
            mapping[col.name] = found
            used.add(found)
    for col in spec.columns:
        if col.name in mapping:
            continue
        for synonym in col.synonyms:
            found = by_norm.get(normalise(synonym))
            if found is not None and found not in used:
                mapping[col.name] = found
                used.add(found)
                break
    required = [c.name for c in spec.columns if c.name not in spec.optional_columns]
    missing = [name for name in required if name not in mapping]
    if missing:
        problems = []
        for name in missing:
            looked = [name, *spec.column(name).synonyms][:8]
            problems.append(
                Problem(
                    raw.source,
                    f"no column for {spec.name}.{name} (looked for: {', '.join(looked)});"
                    f" the header has: {', '.join(map(str, headers))[:300]}"
                    f"{_closest(name, [h for h in headers if h not in used])}."
                    f" Map it in the profile: data.mapping.{spec.name}.{name}",
                )
            )
        raise InputError(problems)
    ordered = {c.name: mapping[c.name] for c in spec.columns if c.name in mapping}
    return ordered, [h for h in headers if h not in used]


def _closest(name: str, options: list[str]) -> str:
    norm = {normalise(o): o for o in options}
    match = difflib.get_close_matches(normalise(name), list(norm), n=1, cutoff=0.6)
    return f" (did you mean '{norm[match[0]]}'?)" if match else ""


# --------------------------------------------------------------------------------------------
# Value parsing


def parse_dates(raw: pd.Series, dayfirst: bool | None = None) -> tuple[pd.Series, str | None]:
    """Parse a column of date strings, choosing the layout that reads most distinct values.

    Day-first and month-first layouts read the same values when every day is 12 or less; then
    ``dayfirst`` decides (default: day-first, the convention of Latin America and India), and a
    note says so. Values no layout reads come back as NaT.

    Examples
    --------
    >>> s, note = parse_dates(pd.Series(["31/01/2025", "01/02/2025", None]))
    >>> [str(x.date()) if pd.notna(x) else None for x in s]
    ['2025-01-31', '2025-02-01', None]
    """
    text = raw.astype("string").str.strip()
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    values = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    note = None
    if len(values) == 0:
        return pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]"), None
    scores: list[tuple[int, int, str, str]] = []
    results: dict[str, pd.Series] = {}
    for order, (fmt, family) in enumerate(DATE_FORMATS):
        if family == "dayfirst" and dayfirst is False:
            continue
        if family == "monthfirst" and dayfirst is True:
            continue
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        count = int(parsed.notna().sum())
        if count:
            scores.append((count, -order, fmt, family))
            results[fmt] = parsed
        if count == len(values) and family in ("iso", "text"):
            break
    if not scores:
        parsed_u = _excel_serials(values)
    else:
        scores.sort(reverse=True)
        count, _, fmt, family = scores[0]
        parsed_u = results[fmt]
        rival = {"dayfirst": "monthfirst", "monthfirst": "dayfirst"}.get(family)
        if rival and dayfirst is None:
            rivals = [s for s in scores if s[3] == rival and s[0] == count]
            if rivals:
                note = "read as day-first (DD/MM/YYYY): every day in the column is 12 or less"
        if count < len(values):
            # Mixed layouts in one column (e.g. ISO dates and DD/MM/YYYY): fill the rest with
            # the unambiguous layouts, plus one numeric order (never both day- and month-first).
            numeric = family if family in ("dayfirst", "monthfirst") else None
            if numeric is None:
                rest = parsed_u.isna()
                reach = {
                    fam: max(
                        (
                            int(results[f][rest].notna().sum())
                            for f, fa in DATE_FORMATS
                            if fa == fam and f in results
                        ),
                        default=0,
                    )
                    for fam in ("dayfirst", "monthfirst")
                }
                if reach["dayfirst"] or reach["monthfirst"]:
                    numeric = (
                        "monthfirst" if reach["monthfirst"] > reach["dayfirst"] else "dayfirst"
                    )
                    if reach["monthfirst"] == reach["dayfirst"] and dayfirst is None:
                        note = (
                            "read as day-first (DD/MM/YYYY): every day in the column is 12 or less"
                        )
            for fmt2, family2 in DATE_FORMATS:
                if fmt2 in results and fmt2 != fmt and family2 in ("iso", "text", numeric):
                    parsed_u = parsed_u.fillna(results[fmt2])
            parsed_u = parsed_u.fillna(_excel_serials(values))
    parsed_u = pd.to_datetime(parsed_u).dt.normalize()
    out = np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = codes >= 0
    out[ok] = parsed_u.to_numpy(dtype="datetime64[ns]")[codes[ok]]
    return pd.Series(out, index=raw.index), note


def _excel_serials(values: pd.Series) -> pd.Series:
    """Excel serial day numbers (e.g. 45292 = 2024-01-01) stored as text."""
    numbers = pd.to_numeric(values, errors="coerce")
    plausible = numbers.between(18264, 73051)  # 1950 to 2100
    days = numbers.where(plausible)
    return pd.to_datetime(days, unit="D", origin="1899-12-30", errors="coerce")


def parse_numbers(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse numbers written as "85", "85.5", "85,5", "1.234,5", "85 %" or "85%".

    Returns the values (NaN where unreadable) and a mask of the values written with a percent
    sign. A single comma is a decimal comma; with both separators, the last one is decimal.

    Examples
    --------
    >>> values, percent = parse_numbers(pd.Series(["85%", "72,5", "1.234,5", "abc"]))
    >>> values.tolist()[:3], bool(percent.iloc[0]), bool(values.isna().iloc[3])
    ([85.0, 72.5, 1234.5], True, True)
    """
    text = raw.astype("string").str.strip()
    fast = pd.to_numeric(text, errors="coerce").astype(float)
    percent = pd.Series(False, index=raw.index)
    slow = fast.isna() & text.notna()
    if not slow.any():
        return fast, percent
    t = text[slow]
    pct = t.str.endswith("%").fillna(False).astype(bool)
    t = t.str.rstrip("%").str.replace(r"[\s\u00a0']", "", regex=True)
    commas = t.str.count(",")
    dots = t.str.count(r"\.")
    last_comma = t.str.rfind(",")
    last_dot = t.str.rfind(".")
    comma_decimal = (commas == 1) & ((dots == 0) | (last_comma > last_dot))
    t = t.where(
        ~comma_decimal, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    t = t.where(comma_decimal, t.str.replace(",", "", regex=False))
    parsed = pd.to_numeric(t, errors="coerce").astype(float)
    fast.loc[slow] = parsed
    percent.loc[slow] = pct.to_numpy()
    return fast, percent


# --------------------------------------------------------------------------------------------
# Row checks

_EVENT_DATES = {"hire_date", "exit_date", "assessed_on", "completed_on", "period"}
"""Dates of things that happened, so they cannot lie in the future (``expires_on`` can)."""

_DUPLICATE_KEYS = {
    "employees": ["employee_id"],
    "assessments": ["employee_id", "competency", "assessed_on"],
    "compliance": ["employee_id", "module", "completed_on"],
    "metrics": ["employee_id", "period", "metric"],
    "training": ["employee_id", "course", "completed_on"],
}


class _Rows:
    """Drops rows of one table, recording one issue per dropped row."""

    def __init__(self, table: str, frame: pd.DataFrame, report: QualityReport) -> None:
        self.table = table
        self.frame = frame
        self.report = report

    def drop(self, mask: pd.Series, column: str, problem: str | pd.Series) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        rows = self.frame.index[mask.to_numpy()]
        texts = problem.reindex(rows) if isinstance(problem, pd.Series) else [problem] * len(rows)
        for row, text in zip(rows, texts, strict=True):
            self.report.add(self.table, int(row), column, str(text))
        self.frame = self.frame.loc[~mask.to_numpy()].copy()


def _quoted(raw: pd.Series, template: str) -> pd.Series:
    return template.replace("{}", "'") + raw.astype(str).str.slice(0, 40) + "'"


def parse_table(
    raw: RawTable,
    spec: Table,
    mapping: dict[str, str],
    report: QualityReport,
    *,
    employee_ids: pd.Index | None,
    reference_date: date,
    dayfirst: bool | None,
) -> pd.DataFrame:
    """Canonical, typed rows of one table; every dropped row is recorded in ``report``."""
    name = spec.name
    frame = pd.DataFrame({c: raw.frame[h] for c, h in mapping.items()}, index=raw.frame.index)
    report.rows_read[name] = len(frame)
    report.missing[name] = {
        c: float(frame[c].isna().mean()) if len(frame) else 0.0 for c in frame.columns
    }
    rows = _Rows(name, frame, report)
    rows.drop(frame.isna().all(axis=1), "", "empty row")
    today = pd.Timestamp(reference_date)
    for col in spec.columns:
        if col.name not in rows.frame.columns:
            continue
        values = rows.frame[col.name]
        if not col.nullable:
            rows.drop(values.isna(), col.name, f"missing {col.name}")
            values = rows.frame[col.name]
        if col.kind in ("id", "text", "country"):
            text = values.astype("string").str.strip().str.replace(r"\s+", " ", regex=True)
            if col.kind == "country":
                text = text.str.upper()
            if not col.nullable:
                rows.drop(text.eq("").fillna(False), col.name, f"missing {col.name}")
                text = text.loc[rows.frame.index]
            rows.frame[col.name] = text.astype(object).where(text.notna(), None)
        elif col.kind == "date":
            parsed, note = parse_dates(values, dayfirst)
            if note:
                report.notes.append(f"{raw.source}, column '{mapping[col.name]}': {note}")
            bad = parsed.isna() & values.notna()
            rows.drop(bad, col.name, _quoted(values, "unparseable date {}"))
            parsed = parsed.loc[rows.frame.index]
            values = values.loc[rows.frame.index]
            rows.drop(parsed < EARLIEST_DATE, col.name, _quoted(values, "implausible date {}"))
            parsed = parsed.loc[rows.frame.index]
            values = values.loc[rows.frame.index]
            if col.name in _EVENT_DATES:
                rows.drop(
                    parsed > today,
                    col.name,
                    _quoted(values, "future date {}") + f" (after {today.date()})",
                )
                parsed = parsed.loc[rows.frame.index]
            rows.frame[col.name] = parsed
        elif col.kind == "number":
            number, percent = parse_numbers(values)
            rows.drop(number.isna(), col.name, _quoted(values, "not a number {}"))
            number = number.loc[rows.frame.index]
            percent = percent.loc[rows.frame.index]
            values = values.loc[rows.frame.index]
            rows.drop(~np.isfinite(number), col.name, _quoted(values, "not a finite number {}"))
            number, percent = number.loc[rows.frame.index], percent.loc[rows.frame.index]
            values = values.loc[rows.frame.index]
            if name == "assessments":
                if len(number) and not percent.any() and number.max() <= 1 and number.max() > 0:
                    number = number * 100
                    report.notes.append(
                        f"{raw.source}: scores are all between 0 and 1; read as fractions and"
                        " multiplied by 100"
                    )
                rows.drop(
                    (number < 0) | (number > 100),
                    col.name,
                    _quoted(values, "impossible score {}") + " (scores run from 0 to 100)",
                )
            else:
                number = number.where(~percent, number / 100)
            rows.frame[col.name] = number.loc[rows.frame.index].astype(float)
    frame = rows.frame
    if name == "employees" and "exit_date" in frame.columns:
        rows.drop(
            frame["exit_date"] < frame["hire_date"], "exit_date", "exit date before hire date"
        )
    if name == "compliance" and "expires_on" in rows.frame.columns:
        f = rows.frame
        rows.drop(
            f["expires_on"] < f["completed_on"], "expires_on", "expiry date before completion"
        )
    if name == "metrics":
        rows.frame["metric"] = rows.frame["metric"].map(normalise)
    if name != "employees" and employee_ids is not None:
        known = rows.frame["employee_id"].isin(employee_ids)
        rows.drop(
            ~known,
            "employee_id",
            _quoted(rows.frame["employee_id"], "unknown employee ID {}")
            + " (not in the employees table)",
        )
    keys = [k for k in _DUPLICATE_KEYS[name] if k in rows.frame.columns]
    dup = rows.frame.duplicated(keys, keep="first")
    if dup.any():
        order = pd.Series(rows.frame.index, index=rows.frame.index)
        first_row = order.groupby([rows.frame[k] for k in keys], dropna=False, sort=False)
        first_row = first_row.transform("first")[dup]
        label = "duplicate employee ID" if name == "employees" else "duplicate row"
        msg = pd.Series(
            [f"{label} (first seen at row {r}, which is kept)" for r in first_row],
            index=first_row.index,
        )
        rows.drop(dup, ",".join(keys) if name != "employees" else "employee_id", msg)
    frame = rows.frame
    report.rows_used[name] = len(frame)
    return frame.reset_index(drop=True)
