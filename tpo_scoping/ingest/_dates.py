"""Date columns as exports write them, with the day/month order decided once per file.

A column is parsed once per distinct value: each layout of :data:`DATE_FORMATS` is tried on the
distinct values (:func:`try_dates`), which also tells what the column says about the order of
day and month (:attr:`DateTrial.verdict`). The loader collects the verdicts of every date column
of a file, decides the order for the whole file (:func:`decide_order`), then finishes each
column with that order (:meth:`DateTrial.finish`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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
    ("%d.%m.%y", "dayfirst"),
    ("%d-%m-%y", "dayfirst"),
    ("%m-%d-%y", "monthfirst"),
    ("%d/%m/%Y %H:%M", "dayfirst"),
    ("%m/%d/%Y %H:%M", "monthfirst"),
    ("%d/%m/%Y %H:%M:%S", "dayfirst"),
    ("%m/%d/%Y %H:%M:%S", "monthfirst"),
    ("%m/%d/%Y %I:%M:%S %p", "monthfirst"),
    ("%d-%b-%y", "text"),
    ("%d-%b-%Y", "text"),
    ("%d %b %Y", "text"),
    ("%d %b %y", "text"),
    ("%d %B %Y", "text"),
    ("%d-%B-%Y", "text"),
    ("%d/%b/%Y", "text"),
    ("%b %d, %Y", "text"),
    ("%B %d, %Y", "text"),
    ("%b %d %Y", "text"),
    ("%Y-%b-%d", "text"),
    ("%A, %B %d, %Y", "text"),
    ("%Y-%m", "iso"),
    ("%b %Y", "text"),
    ("%B %Y", "text"),
    ("%m/%Y", "monthfirst"),
)
"""Date layouts tried on each date column. ``iso`` and ``text`` (month names) layouts read
without doubt; ``dayfirst`` and ``monthfirst`` ones read 03/04/2025 differently."""

TWO_DIGIT_YEAR_CUTOFF = 2029
"""Two-digit years read as 1930-2029, as Excel reads them ("How Excel works with two-digit year
numbers", Microsoft Support); ``20-Sep-19`` is 2019 and ``01-Jan-65`` is 1965, not 2065."""

ORDER_WORDS = {"dayfirst": "day-first (DD/MM/YYYY)", "monthfirst": "month-first (MM/DD/YYYY)"}


@dataclass
class Dates:
    """A date column parsed once per distinct value."""

    values: np.ndarray
    """datetime64[ns] per cell, NaT where empty or unreadable."""
    empty: np.ndarray
    key_codes: np.ndarray
    """An integer per cell, equal where the dates are equal (every NaT alike), for row keys."""
    codes: np.ndarray
    """Index of each cell's value in ``distinct`` (-1 where empty)."""
    distinct: np.ndarray
    """The date of each distinct value (NaT where unreadable), then NaT for empty cells."""

    def where(self, flags: np.ndarray) -> np.ndarray | None:
        """Cells whose distinct value is flagged (``flags`` over ``distinct``); None if none."""
        return flags[self.codes] if flags.any() else None


@dataclass
class DateTrial:
    """Every layout tried on a column's distinct values, before the order is decided."""

    codes: np.ndarray
    """Index of each cell's value in ``values`` (-1 where empty)."""
    values: pd.Series
    """The distinct values, stripped."""
    results: dict[str, pd.Series] = field(default_factory=dict)
    """Layout -> the distinct values it reads (NaT elsewhere); only layouts that read some."""

    def reach(self, family: str) -> int:
        """The most distinct values one layout of ``family`` reads."""
        counts = [
            int(self.results[f].notna().sum())
            for f, fam in DATE_FORMATS
            if fam == family and f in self.results
        ]
        return max(counts, default=0)

    def _best(self, family: str) -> pd.Series | None:
        best: pd.Series | None = None
        for fmt, fam in DATE_FORMATS:
            if fam != family or fmt not in self.results:
                continue
            if best is None or self.results[fmt].notna().sum() > best.notna().sum():
                best = self.results[fmt]
        return best

    def differing(self) -> np.ndarray:
        """Distinct values that day-first and month-first layouts read as different dates."""
        day, month = self._best("dayfirst"), self._best("monthfirst")
        if day is None or month is None:
            return np.zeros(len(self.values), dtype=bool)
        return (day.notna() & month.notna() & (day != month)).to_numpy()

    @property
    def verdict(self) -> str | None:
        """``dayfirst`` or ``monthfirst`` when the values settle the order (a day above 12),
        ``ambiguous`` when they could be read either way with different dates, else None."""
        day, month = self.reach("dayfirst"), self.reach("monthfirst")
        if day > month:
            return "dayfirst"
        if month > day:
            return "monthfirst"
        if day and self.differing().any():
            return "ambiguous"
        return None

    def evidence(self, order: str) -> str:
        """A value of the column that only ``order`` reads, quoted (for the report)."""
        rival = self._best("monthfirst" if order == "dayfirst" else "dayfirst")
        own = self._best(order)
        if own is None:
            return ""
        only = own.notna() & (rival.isna() if rival is not None else True)
        shown = self.values[only.to_numpy()]
        return f"'{shown.iloc[0]}'" if len(shown) else ""

    def finish(self, order: str) -> Dates:
        """The column read with ISO and month-name layouts plus the ``order`` numeric ones."""
        allowed = [
            fmt
            for fmt, fam in DATE_FORMATS
            if fmt in self.results and fam in ("iso", "text", order)
        ]
        if allowed:
            primary = max(allowed, key=lambda f: int(self.results[f].notna().sum()))
            parsed = self.results[primary]
            for fmt in allowed:
                if fmt != primary and parsed.isna().any():
                    parsed = parsed.fillna(self.results[fmt])
        else:
            parsed = pd.Series(pd.NaT, index=self.values.index, dtype="datetime64[ns]")
        if parsed.isna().any():
            parsed = parsed.fillna(excel_serials(self.values))
        if parsed.dtype.kind != "M":
            parsed = pd.to_datetime(parsed)
        distinct = parsed.dt.normalize().to_numpy(dtype="datetime64[ns]")
        distinct = np.append(distinct, np.datetime64("NaT", "ns"))  # code -1 (empty) -> NaT
        codes = self.codes
        key_codes = np.asarray(pd.factorize(distinct.view(np.int64))[0], dtype=np.int64)[codes]
        return Dates(distinct[codes], codes < 0, key_codes, codes, distinct)


def try_dates(raw: pd.Series | np.ndarray, categorical: tuple | None = None) -> DateTrial:
    """Try every layout on the distinct values of ``raw`` (strings, empty cells missing).

    ``categorical`` gives the codes and categories when the column is a categorical (the CSV
    reader's text columns), so nothing is hashed twice.
    """
    if categorical is not None:
        codes, uniques = categorical
    else:
        codes, uniques = pd.factorize(np.asarray(raw, dtype=object), use_na_sentinel=True)
    values = pd.Series([str(u).strip() for u in uniques], dtype=object)
    trial = DateTrial(np.asarray(codes), values)
    if len(values) == 0:
        return trial
    for fmt, family in DATE_FORMATS:
        parsed = pd.to_datetime(values, format=fmt, errors="coerce")
        count = int(parsed.notna().sum())
        if not count:
            continue
        if "%y" in fmt:
            late = parsed.dt.year > TWO_DIGIT_YEAR_CUTOFF
            if late.any():
                parsed = parsed.where(~late, parsed - pd.DateOffset(years=100))
        trial.results[fmt] = parsed
        if count == len(values) and family in ("iso", "text"):
            break  # every value read without doubt: no other layout is needed
    return trial


@dataclass(frozen=True)
class DateOrder:
    """The order of day and month decided for one file, and why."""

    order: str
    """``dayfirst`` or ``monthfirst``."""
    decided_by: str | None
    """The column and value that settled it; None when nothing did (the order is a default)."""
    ambiguous_columns: tuple[str, ...] = ()
    """Columns whose values read as different dates either way, read by the default order."""
    conflict: tuple[str, ...] = ()
    """Columns that settle the order each their own way (each is then read by its own)."""

    @property
    def words(self) -> str:
        return ORDER_WORDS[self.order]


def decide_order(
    trials: Mapping[str, DateTrial | str | None], default: bool | None = None
) -> DateOrder:
    """The day/month order of a file from the verdicts of all its date columns.

    ``trials`` maps a column to its :class:`DateTrial` (or to a verdict already taken from a
    sample). One column with a day above 12 settles the order of every column; when none does,
    ``default`` (True: day-first) decides, day-first if it is None. When columns disagree, each
    is read by its own verdict (see :meth:`DateOrder.order_of`).

    Examples
    --------
    >>> decide_order({"StartDate": "monthfirst", "ExitDate": "ambiguous"}).order
    'monthfirst'
    >>> decide_order({"Hire": "ambiguous"}).decided_by is None
    True
    """
    verdicts = {
        col: (trial.verdict if isinstance(trial, DateTrial) else trial)
        for col, trial in trials.items()
    }
    fallback = "monthfirst" if default is False else "dayfirst"
    if default is not None:
        return DateOrder(fallback, "the profile's date order")
    settled = {col: v for col, v in verdicts.items() if v in ("dayfirst", "monthfirst")}
    orders = set(settled.values())
    ambiguous = tuple(col for col, v in verdicts.items() if v == "ambiguous")
    if len(orders) == 1:
        order = orders.pop()
        col = next(iter(settled))
        trial = trials[col]
        value = trial.evidence(order) if isinstance(trial, DateTrial) else ""
        by = f"column '{col}'" + (f" (value {value})" if value else "")
        return DateOrder(order, by)
    if len(orders) > 1:
        return DateOrder(fallback, None, ambiguous, tuple(settled))
    return DateOrder(fallback, None, ambiguous)


def order_of(order: DateOrder, column: str, trial: DateTrial) -> str:
    """The order to read ``column`` by: the file's, or the column's own when columns conflict."""
    if column in order.conflict:
        verdict = trial.verdict
        if verdict in ("dayfirst", "monthfirst"):
            return str(verdict)
    return order.order


def excel_serials(values: pd.Series) -> pd.Series:
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


def parse_dates(raw: pd.Series, dayfirst: bool | None = None) -> tuple[pd.Series, str | None]:
    """Parse one column of date strings on its own (see :func:`decide_order` for whole files).

    Day-first and month-first layouts read the same values when every day is 12 or less; then
    ``dayfirst`` decides (default: day-first, the convention of Latin America and India), and a
    note says so. Values no layout reads come back as NaT.

    Examples
    --------
    >>> s, note = parse_dates(pd.Series(["31/01/2025", "01/02/2025", None]))
    >>> [str(x.date()) if pd.notna(x) else None for x in s]
    ['2025-01-31', '2025-02-01', None]
    >>> parse_dates(pd.Series(["20-Sep-19", "Sep 21, 2019"]))[0].dt.day.tolist()
    [20, 21]
    """
    trial = try_dates(raw)
    order = decide_order({"column": trial}, dayfirst)
    dates = trial.finish(order.order)
    note = None
    if order.ambiguous_columns:
        note = f"read as {order.words}: every day in the column is 12 or less"
    return pd.Series(dates.values, index=raw.index), note
