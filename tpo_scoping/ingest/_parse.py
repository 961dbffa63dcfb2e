"""Parse the chosen columns of a raw table, check every row, and drop bad rows with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import METRIC_ALIASES, METRIC_DIRECTIONS, TABLES, metric_scales
from tpo_scoping.ingest import headers
from tpo_scoping.ingest._dates import DateOrder, DateTrial, decide_order, order_of, try_dates
from tpo_scoping.ingest._raw import RawTable
from tpo_scoping.ingest._read import normalise, printable
from tpo_scoping.ingest.matching import TableMatch
from tpo_scoping.ingest.quality import QualityReport

EARLIEST_DATE = pd.Timestamp("1950-01-01")
"""Dates before this are typos (a year of 1025), not history."""

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
        return [f"{self.prefix} '{printable(v)}'{self.suffix}" for v in shown]


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

    Cleaning trims the value and turns each run of whitespace into one space, and shows control
    characters as ``\\xNN`` (an escape sequence in a site name must not reach a terminal);
    ``upper`` also upper-cases it (country codes).
    """
    found = _categorical_codes(values)
    raw_codes, uniques = (
        found if found is not None else pd.factorize(np.asarray(values, dtype=object))
    )
    if upper:
        cleaned = [" ".join(str(u).split()).upper() for u in uniques]
    else:
        cleaned = [" ".join(str(u).split()) for u in uniques]
    # Control characters (a terminal's escape sequences) are shown, never passed on raw.
    cleaned = [c if c.isprintable() else printable(c, 10_000) for c in cleaned]
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


def _date_trials(cells: pd.DataFrame, spec_dates: dict[str, str]) -> dict[str, DateTrial]:
    """Every layout tried on each chosen date column (keyed by header), once."""
    trials: dict[str, DateTrial] = {}
    for header in spec_dates.values():
        if header not in trials:
            values = cells[header]
            trials[header] = try_dates(values, _categorical_codes(values, only_used=True))
    return trials


def _report_order(
    report: QualityReport,
    table: str,
    source: str,
    order: DateOrder,
    trials: dict[str, DateTrial],
    rows: np.ndarray,
) -> None:
    """Say in the report how the file's dates were read, and which rows a doubt touches."""
    numeric = [h for h, t in trials.items() if t.reach("dayfirst") or t.reach("monthfirst")]
    if not numeric and not order.ambiguous_columns:
        return
    affected = np.zeros(len(rows), dtype=bool)
    for header in order.ambiguous_columns:
        trial = trials.get(header)
        if trial is not None and order.decided_by is None:
            differing = np.append(trial.differing(), False)  # code -1 (empty) never differs
            affected |= differing[trial.codes]
    flagged = rows[affected]
    entry: dict[str, object] = {
        "order": order.order,
        "decided_by": order.decided_by,
        "ambiguous_rows": len(flagged),
        "rows": [int(r) for r in flagged[:20]],
    }
    report.date_orders[table] = entry
    if order.conflict:
        report.notes.append(
            f"{source}: date columns disagree on the order of day and month"
            f" ({', '.join(order.conflict)}); each is read by its own values"
        )
    elif order.decided_by is not None and len(numeric) > 1:
        report.notes.append(
            f"{source}: every date read as {order.words}, settled by {order.decided_by}"
        )
    if len(flagged):
        shown = ", ".join(str(r) for r in flagged[:8]) + (" …" if len(flagged) > 8 else "")
        columns = ", ".join(f"'{c}'" for c in order.ambiguous_columns if c in trials)
        report.warnings.append(
            f"{source}: the dates in {columns} could be day-first or month-first (no day above"
            f" 12 anywhere in the file); read as {order.words}. {len(flagged):,} row(s) would"
            f" read differently the other way (rows {shown}); set data.date_order in the"
            " profile if that is wrong"
        )


def _outcomes(
    values: pd.Series, report: QualityReport, table: str
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Training outcome of each row: completed / failed / incomplete / unrecognised masks."""
    mapped = _map_unique(values)
    kinds = np.array(
        [headers.training_outcome(u) or "unrecognised" for u in mapped.uniques] + ["empty"],
        dtype=object,
    )
    per_row = kinds[mapped.codes]
    kinds_all = ("completed", "failed", "incomplete", "unrecognised", "empty")
    masks = {k: per_row == k for k in kinds_all}
    report.outcomes[table] = {k: int(m.sum()) for k, m in masks.items()}
    unknown = sorted(
        {str(u) for u, k in zip(mapped.uniques, kinds, strict=False) if k == "unrecognised"}
    )
    if unknown:
        report.notes.append(
            f"training status value(s) {', '.join(repr(u) for u in unknown[:5])} are not"
            " recognised outcomes; those rows are not counted as completions"
        )
    return per_row, masks


def _scale_checks(
    numbers: np.ndarray,
    metric_codes: np.ndarray,
    code_names: dict[int, str],
    values: pd.Series,
    source: str,
    report: QualityReport,
) -> tuple[np.ndarray, list[tuple[np.ndarray, _Quoted]]]:
    """Metric values on their metric's scale: per-cent rates rescaled, the rest flagged."""
    scales = metric_scales()
    flagged: list[tuple[np.ndarray, _Quoted]] = []
    for code, metric in code_names.items():
        scale = scales.get(metric)
        if scale is None:
            continue
        rows = metric_codes == code
        if not rows.any():
            continue
        if scale.percent_allowed:
            finite = numbers[rows][np.isfinite(numbers[rows])]
            if len(finite) and np.median(finite) > 1 and finite.max() <= 100:
                numbers = np.where(rows, numbers / 100, numbers)
                report.notes.append(
                    f"{source}: {metric} values read as per cent (median above 1) and divided"
                    " by 100"
                )
        with np.errstate(invalid="ignore"):
            outside = rows & ((numbers < scale.low) | (numbers > scale.high))
        if outside.any():
            flagged.append(
                (
                    outside,
                    _quoted(
                        values,
                        f"outside the {metric} scale {{}}",
                        f" ({scale.low:g} to {scale.high:g}, {scale.unit})",
                    ),
                )
            )
    return numbers, flagged


def parse_table(
    raw: RawTable,
    match: TableMatch,
    report: QualityReport,
    *,
    employee_ids: pd.Index | None,
    reference_date: date,
    dayfirst: bool | None,
) -> pd.DataFrame:
    """Canonical, typed rows of one table; every dropped row is recorded in ``report``.

    Every column is parsed whole first; the day/month order of dates is decided once for the
    file, from every date column (and the unchosen ones' verdicts in ``match``). Then the
    checks run in a fixed order (empty row, training outcome, missing values, unreadable
    values, impossible values, cross-column rules, unknown IDs, duplicates) and each dropped
    row is recorded once, with its first problem.
    """
    spec = TABLES[match.table]
    name = spec.name
    mapping = match.mapping
    numeric = {h for c, h in mapping.items() if spec.column(c).kind == "number"}
    cells = raw.load(list(dict.fromkeys(mapping.values())), numeric)
    n = len(cells)
    report.rows_read[name] = n
    today = pd.Timestamp(reference_date).to_datetime64()
    row_numbers = cells.index.to_numpy()
    date_headers = {c: h for c, h in mapping.items() if spec.column(c).kind == "date"}
    trials = _date_trials(cells, date_headers)
    order = decide_order({**trials, **match.date_verdicts}, dayfirst)  # chosen columns first
    _report_order(report, name, raw.source, order, trials, row_numbers)
    parsed: dict[str, np.ndarray] = {}
    empty: dict[str, np.ndarray] = {}
    text_codes: dict[str, _Mapped] = {}
    key_codes: dict[str, np.ndarray] = {}
    problems: list[tuple[str, np.ndarray, str | _Quoted]] = []
    metric_rows: np.ndarray | None = None
    metric_names: dict[int, str] = {}
    for canonical, header in mapping.items():
        col = spec.column(canonical)
        values = cells[header]
        if col.kind in ("id", "text", "country"):
            mapped = _map_unique(values, upper=col.kind == "country")
            key_codes[canonical] = mapped.codes
            if name == "metrics" and canonical == "metric":
                names, same = _metric_names(mapped.uniques, raw.source, report)
                parsed[canonical] = names[mapped.codes]  # code -1 (empty) picks None
                metric_rows = same[mapped.codes]  # "AHT" and "aht" are one metric
                key_codes[canonical] = metric_rows
                metric_names = {int(c): str(m) for c, m in zip(same[:-1], names[:-1], strict=True)}
            else:
                parsed[canonical] = mapped.values
            empty[canonical] = mapped.empty
            text_codes[canonical] = mapped
        elif col.kind == "date":
            trial = trials[header]
            parsed_dates = trial.finish(order_of(order, header, trial))
            dates, blank = parsed_dates.values, parsed_dates.empty
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
    if name == "metrics" and metric_rows is not None and "value" in mapping:
        parsed["value"], scaled = _scale_checks(
            parsed["value"],
            metric_rows,
            metric_names,
            cells[mapping["value"]],
            raw.source,
            report,
        )
        problems += [("value", mask, text) for mask, text in scaled]
    report.missing[name] = {c: float(empty[c].mean()) if n else 0.0 for c in mapping}
    checks = _Checks(name, row_numbers, report)
    checks.fail(np.logical_and.reduce([empty[c] for c in mapping]), "", "empty row")
    if name == "training" and "status" in mapping:
        status = cells[mapping["status"]]
        _, outcome = _outcomes(status, report, name)
        checks.fail(outcome["empty"], "status", "not completed: no status")
        for kind in ("failed", "incomplete", "unrecognised"):
            words = "unknown status" if kind == "unrecognised" else kind
            checks.fail(outcome[kind], "status", _quoted(status, f"not completed: {words} {{}}"))
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
        order_rows = pd.Series(kept.index, index=kept.index)
        first_row = order_rows.groupby([kept[k] for k in keys], dropna=False, sort=False)
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
