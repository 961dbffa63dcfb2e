"""Map raw headers onto the canonical columns, parse values, and drop bad rows with reasons."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import METRIC_ALIASES, METRIC_DIRECTIONS, Table
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
    headers = list(raw.columns)
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


def _categorical_codes(
    values: pd.Series | np.ndarray, only_used: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """Code per cell (-1 where empty) and the distinct values of a categorical, else None.

    A CSV's text columns are read as categoricals (:meth:`RawTable.load`): the reader has
    already found each distinct string once, so nothing needs hashing again here. With
    ``only_used``, categories that no cell holds are left out.
    """
    if not isinstance(values, pd.Series) or not isinstance(values.dtype, pd.CategoricalDtype):
        return None
    codes, categories = values.array.codes, values.array.categories
    if only_used:
        used = np.zeros(len(categories) + 1, dtype=bool)
        used[codes] = True  # the last slot stands for code -1 (empty)
        if not used[:-1].all():
            values = values.cat.remove_unused_categories()
            codes, categories = values.array.codes, values.array.categories
    return codes, np.asarray(categories, dtype=object)


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
    parsed = _parse_date_codes(raw, dayfirst)
    return pd.Series(parsed.values, index=raw.index), parsed.note


@dataclass
class _Dates:
    """A date column parsed once per distinct value (see :func:`parse_dates`)."""

    values: np.ndarray
    """datetime64[ns] per cell, NaT where empty or unreadable."""
    empty: np.ndarray
    key_codes: np.ndarray
    """An integer per cell, equal where the dates are equal (every NaT alike), for row keys."""
    note: str | None
    codes: np.ndarray
    """Index of each cell's value in ``distinct`` (-1 where empty)."""
    distinct: np.ndarray
    """The date of each distinct value (NaT where unreadable), then NaT for empty cells."""

    def where(self, flags: np.ndarray) -> np.ndarray | None:
        """Cells whose distinct value is flagged (``flags`` over ``distinct``); None if none."""
        return flags[self.codes] if flags.any() else None


def _parse_date_codes(raw: pd.Series, dayfirst: bool | None) -> _Dates:
    """Parsed dates, the mask of empty cells, key codes and a note (see :func:`parse_dates`)."""
    # Only values that occur count: a date layout is chosen by how many values it reads.
    found = _categorical_codes(raw, only_used=True)
    codes, uniques = found if found is not None else pd.factorize(raw, use_na_sentinel=True)
    values = pd.Series([str(u).strip() for u in uniques], dtype=object)
    note = None
    if len(values) == 0:
        return _Dates(
            np.full(len(codes), np.datetime64("NaT"), dtype="datetime64[ns]"),
            codes < 0,
            np.zeros(len(codes), dtype=np.int64),
            None,
            codes,
            np.full(1, np.datetime64("NaT"), dtype="datetime64[ns]"),
        )
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
    if parsed_u.dtype.kind != "M":
        parsed_u = pd.to_datetime(parsed_u)
    distinct = parsed_u.dt.normalize().to_numpy(dtype="datetime64[ns]")
    # Empty cells (code -1) pick the NaT appended last.
    distinct = np.append(distinct, np.datetime64("NaT", "ns"))
    out = distinct[codes]
    key_codes = np.asarray(pd.factorize(distinct.view(np.int64))[0], dtype=np.int64)[codes]
    return _Dates(out, codes < 0, key_codes, note, codes, distinct)


def _excel_serials(values: pd.Series) -> pd.Series:
    """Excel serial day numbers (e.g. 45292 = 2024-01-01) stored as text."""
    numbers = pd.to_numeric(values, errors="coerce")
    plausible = numbers.between(18264, 73051)  # 1950 to 2100
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    # Only the plausible numbers are converted: with NaN among them, pandas 2's
    # to_datetime(unit=...) fails now and then with "FloatingPointError: overflow encountered
    # in multiply" (it rounds uninitialised memory; pandas-dev/pandas#58419, fixed in 3.0).
    if plausible.any():
        out[plausible] = pd.to_datetime(
            numbers[plausible], unit="D", origin="1899-12-30", errors="coerce"
        )
    return out


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
    fast = pd.to_numeric(raw, errors="coerce").astype(float)
    percent = pd.Series(False, index=raw.index)
    slow = fast.isna() & raw.notna()
    if not slow.any():
        return fast, percent
    t = raw[slow].astype(str).str.strip()
    pct = t.str.endswith("%").astype(bool)
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


class _Checks:
    """Row checks of one table over whole columns: the first problem of a row drops it."""

    def __init__(self, table: str, index: np.ndarray, report: QualityReport) -> None:
        self.table = table
        self.index = index
        self.keep = np.ones(len(index), dtype=bool)
        self.report = report

    def fail(self, mask: np.ndarray, column: str, problem: str | _Quoted) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():  # the usual case: nothing to drop, nothing to combine
            return
        new = mask & self.keep
        if not new.any():
            return
        positions = np.flatnonzero(new)
        texts = (
            problem.texts(positions) if isinstance(problem, _Quoted) else [problem] * len(positions)
        )
        for row, text in zip(self.index[positions], texts, strict=True):
            self.report.add(self.table, int(row), column, text)
        self.keep[new] = False


@dataclass
class _Quoted:
    """A problem text quoting the offending value, built only for the rows dropped."""

    values: pd.Series
    prefix: str
    suffix: str = ""

    def texts(self, positions: np.ndarray) -> list[str]:
        shown = self.values.iloc[positions].astype(str).str.slice(0, 40)
        return [f"{self.prefix} '{v}'{self.suffix}" for v in shown]


def _quoted(raw: pd.Series, template: str, suffix: str = "") -> _Quoted:
    return _Quoted(raw, template.replace(" {}", ""), suffix)


@dataclass
class _Mapped:
    """A text column cleaned once per distinct value."""

    empty: np.ndarray
    codes: np.ndarray
    """Integer code per row of the cleaned value (-1 where empty)."""
    uniques: np.ndarray
    """The distinct cleaned values, indexed by code."""
    cleaned: np.ndarray
    """Each distinct raw value cleaned, then None (for empty cells)."""
    raw_codes: np.ndarray
    """Integer code per row of the raw value (-1 where empty)."""

    @property
    def values(self) -> np.ndarray:
        """Cleaned strings per row (None where empty)."""
        return self.cleaned[self.raw_codes]


def _map_unique(values: pd.Series | np.ndarray, upper: bool = False) -> _Mapped:
    """Text cleaned once per distinct value (columns repeat a few values many times).

    Cleaning trims the value and turns each run of whitespace into one space; ``upper`` also
    upper-cases it (country codes).
    """
    found = _categorical_codes(values)
    raw_codes, uniques = (
        found if found is not None else pd.factorize(np.asarray(values, dtype=object))
    )
    if upper:
        cleaned = [" ".join(str(u).split()).upper() for u in uniques]
    else:
        cleaned = [" ".join(str(u).split()) for u in uniques]
    mapped = np.array(cleaned, dtype=object)
    # Two raw spellings may clean to one value (" E1" and "E1"): re-code the cleaned values.
    factorized, clean_uniques = pd.factorize(mapped)
    clean_codes = np.where(mapped == "", -1, factorized)
    if np.array_equal(clean_codes, np.arange(len(mapped))):
        row_codes = np.asarray(raw_codes)  # each value already its own code (kept as read)
    else:
        # Empty cells (code -1) pick the -1 appended last.
        row_codes = np.append(clean_codes, -1).astype(np.int64)[raw_codes]
    return _Mapped(
        row_codes < 0,
        row_codes,
        np.asarray(clean_uniques, dtype=object),
        np.append(mapped, np.array([None], dtype=object)),  # code -1 (empty) picks the None
        np.asarray(raw_codes),
    )


def _key_codes(values: np.ndarray, codes: np.ndarray | None) -> np.ndarray:
    """Small integer codes of a key column (from parsing it, or factorized values)."""
    if codes is not None:
        return codes
    plain = values.view(np.int64) if values.dtype.kind == "M" else values
    return np.asarray(pd.factorize(plain)[0], dtype=np.int64)


def _duplicated(columns: list[np.ndarray]) -> np.ndarray:
    """Rows whose combination of key codes appeared on an earlier row."""
    if not columns or len(columns[0]) == 0:
        return np.zeros(0 if not columns else len(columns[0]), dtype=bool)
    key: np.ndarray | None = None
    span = 1
    for col in columns:
        col = np.asarray(col, dtype=np.int64)  # codes may come as small integers
        low = int(col.min())
        if low:
            col = col - low
        width = int(col.max()) + 1
        if key is None:
            key, span = col, width
            continue
        if span * width >= 2**62:  # re-code before the combined key could overflow
            key = np.asarray(pd.factorize(key)[0], dtype=np.int64)
            span = int(key.max()) + 1
        key = key * width + col
        span *= width
    assert key is not None
    if span <= 8 * len(key) + 65_536 and np.bincount(key, minlength=span).max() <= 1:
        return np.zeros(len(key), dtype=bool)  # every key once: counting them is enough
    return pd.Series(key).duplicated(keep="first").to_numpy()


def _metric_names(
    uniques: np.ndarray, source: str, report: QualityReport
) -> tuple[np.ndarray, np.ndarray]:
    """Canonical metric names of the distinct cleaned names (then None), with integer codes that
    are equal for names that mean the same metric (then -1).

    Names are normalised ("Handle Time" -> "handle_time") and common export names mapped to the
    known metrics ("AHT" -> "handle_time"); both renamings and names without a known direction
    are noted in the quality report.
    """
    names = []
    for raw_name in uniques:
        key = normalise(raw_name)
        known = METRIC_ALIASES.get(key, key)
        if known != key:
            report.notes.append(f"{source}: metric '{raw_name}' read as {known}")
        names.append(known)
    unknown = sorted({n for n in names if n not in METRIC_DIRECTIONS})
    if unknown:
        report.notes.append(
            f"{source}: metric(s) {', '.join(unknown)} have no known direction (known: "
            f"{', '.join(METRIC_DIRECTIONS)}); their baselines read higher as better and they "
            "are left out of the ramp-up and training-impact fits"
        )
    same = pd.factorize(np.array(names, dtype=object))[0] if names else np.zeros(0, np.int64)
    return (
        np.array([*names, None], dtype=object),
        np.append(np.asarray(same, dtype=np.int64), -1),
    )


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
    """Canonical, typed rows of one table; every dropped row is recorded in ``report``.

    Every column is parsed whole first; then the checks run in a fixed order (empty row,
    missing values, unreadable values, impossible values, cross-column rules, unknown IDs,
    duplicates) and each dropped row is recorded once, with its first problem.
    """
    name = spec.name
    numeric = {h for c, h in mapping.items() if spec.column(c).kind == "number"}
    cells = raw.load(list(dict.fromkeys(mapping.values())), numeric)
    n = len(cells)
    report.rows_read[name] = n
    today = pd.Timestamp(reference_date).to_datetime64()
    parsed: dict[str, np.ndarray] = {}
    empty: dict[str, np.ndarray] = {}
    text_codes: dict[str, _Mapped] = {}
    key_codes: dict[str, np.ndarray] = {}
    problems: list[tuple[str, np.ndarray, str | _Quoted]] = []
    for canonical, header in mapping.items():
        col = spec.column(canonical)
        values = cells[header]
        if col.kind in ("id", "text", "country"):
            mapped = _map_unique(values, upper=col.kind == "country")
            key_codes[canonical] = mapped.codes
            if name == "metrics" and canonical == "metric":
                names, same = _metric_names(mapped.uniques, raw.source, report)
                parsed[canonical] = names[mapped.codes]  # code -1 (empty) picks None
                key_codes[canonical] = same[mapped.codes]  # "AHT" and "aht" are one metric
            else:
                parsed[canonical] = mapped.values
            empty[canonical] = mapped.empty
            text_codes[canonical] = mapped
        elif col.kind == "date":
            parsed_dates = _parse_date_codes(values, dayfirst)
            dates, blank = parsed_dates.values, parsed_dates.empty
            if parsed_dates.note:
                report.notes.append(f"{raw.source}, column '{header}': {parsed_dates.note}")
            parsed[canonical], empty[canonical] = dates, blank
            key_codes[canonical] = parsed_dates.key_codes
            # Each check looks at the distinct dates, then at the cells only if one fails.
            distinct = parsed_dates.distinct
            unread_value = np.append(np.isnat(distinct[:-1]), False)  # the last: empty cells
            checked = [(unread_value, "unparseable date {}", "")]
            with np.errstate(invalid="ignore"):
                checked.append(
                    (distinct < EARLIEST_DATE.to_datetime64(), "implausible date {}", "")
                )
                if canonical in _EVENT_DATES:
                    checked.append(
                        (distinct > today, "future date {}", f" (after {reference_date})")
                    )
            for flags, template, suffix in checked:
                rows = parsed_dates.where(flags)
                if rows is not None:
                    problems.append((canonical, rows, _quoted(values, template, suffix)))
        else:
            number, percent = parse_numbers(values)
            blank = values.isna().to_numpy()
            numbers = number.to_numpy(dtype=float)
            unread = np.isnan(numbers) & ~blank
            problems.append((canonical, unread, _quoted(values, "not a number {}")))
            problems.append(
                (canonical, np.isinf(numbers), _quoted(values, "not a finite number {}"))
            )
            if name == "assessments":
                finite = numbers[np.isfinite(numbers)]
                if len(finite) and not percent.any() and 0 < finite.max() <= 1:
                    numbers = numbers * 100
                    report.notes.append(
                        f"{raw.source}: scores are all between 0 and 1; read as fractions and"
                        " multiplied by 100"
                    )
                with np.errstate(invalid="ignore"):
                    out_of_range = (numbers < 0) | (numbers > 100)
                problems.append(
                    (
                        canonical,
                        out_of_range,
                        _quoted(values, "impossible score {}", " (scores run from 0 to 100)"),
                    )
                )
            else:
                pct = percent.to_numpy()
                if pct.any():
                    numbers = np.where(pct, numbers / 100, numbers)
            parsed[canonical], empty[canonical] = numbers, blank
    report.missing[name] = {c: float(empty[c].mean()) if n else 0.0 for c in mapping}
    checks = _Checks(name, cells.index.to_numpy(), report)
    checks.fail(np.logical_and.reduce([empty[c] for c in mapping]), "", "empty row")
    for col in spec.columns:
        if col.name in mapping and not col.nullable:
            checks.fail(empty[col.name], col.name, f"missing {col.name}")
    for canonical, mask, problem in problems:
        checks.fail(mask, canonical, problem)
    if name == "employees" and "exit_date" in parsed:
        with np.errstate(invalid="ignore"):
            checks.fail(
                parsed["exit_date"] < parsed["hire_date"], "exit_date", "exit date before hire date"
            )
    if name == "compliance" and "expires_on" in parsed:
        with np.errstate(invalid="ignore"):
            checks.fail(
                parsed["expires_on"] < parsed["completed_on"],
                "expires_on",
                "expiry date before completion",
            )
    if name != "employees" and employee_ids is not None:
        ids = pd.Series(parsed["employee_id"])
        id_codes = text_codes["employee_id"]
        known = np.append(employee_ids.get_indexer(id_codes.uniques) >= 0, True)
        checks.fail(
            ~known[id_codes.codes],
            "employee_id",
            _quoted(ids, "unknown employee ID {}", " (not in the employees table)"),
        )
    keys = [k for k in _DUPLICATE_KEYS[name] if k in parsed]
    kept_at = np.flatnonzero(checks.keep)
    dup = _duplicated([_key_codes(parsed[k], key_codes.get(k))[kept_at] for k in keys])
    if dup.any():
        kept = pd.DataFrame({k: parsed[k][kept_at] for k in keys}, index=cells.index[kept_at])
        order = pd.Series(kept.index, index=kept.index)
        first_row = order.groupby([kept[k] for k in keys], dropna=False, sort=False)
        firsts = first_row.transform("first").to_numpy()[dup]
        label = "duplicate employee ID" if name == "employees" else "duplicate row"
        column = "employee_id" if name == "employees" else ",".join(keys)
        positions = kept_at[dup]
        for pos, first in zip(positions, firsts, strict=True):
            report.add(
                name,
                int(checks.index[pos]),
                column,
                f"{label} (first seen at row {first}, which is kept)",
            )
        checks.keep[positions] = False
    # Only the rows kept are built into a frame (one copy of each column, none when all stay).
    if checks.keep.all():
        frame = pd.DataFrame(parsed, copy=False)
    else:
        rows = np.flatnonzero(checks.keep)
        frame = pd.DataFrame({c: v[rows] for c, v in parsed.items()}, copy=False)
    report.rows_used[name] = len(frame)
    return frame
