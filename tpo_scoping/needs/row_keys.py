"""Integer keys for fast grouping: each row's employee and category by position, not by string."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class MetricKeys:
    """Each metrics row's employee (row position in ``employees``) and metric (integer code).

    Computed once by the needs analysis and shared by ramp time, training impact and the KPI
    baselines, which all group the same metrics table.
    """

    positions: np.ndarray
    codes: np.ndarray
    names: np.ndarray

    @classmethod
    def of(cls, metrics: pd.DataFrame, employees: pd.DataFrame) -> MetricKeys:
        found, names = codes(metrics["metric"])
        return cls(employee_positions(metrics, employees), found, names)


def employee_positions(table: pd.DataFrame, employees: pd.DataFrame) -> np.ndarray:
    """Row position in ``employees`` of each row's ``employee_id`` (-1 when unknown).

    The same as ``Index(employees.employee_id).get_indexer(table.employee_id)``, looked up once
    per distinct ID (a table repeats each ID many times).
    """
    return lookup(pd.Index(employees["employee_id"]), table["employee_id"])


def lookup(index: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    """``index.get_indexer(values)``, looked up once per distinct value."""
    values = np.asarray(values, dtype=object)
    runs = _runs(values)
    if runs is not None:  # rows come grouped: look up the first row of each run
        starts, lengths = runs
        return np.repeat(lookup(index, values[starts]), lengths)
    found, distinct = pd.factorize(values)
    positions = np.append(index.get_indexer(distinct), -1)[found]
    missing = np.flatnonzero(found < 0)
    if len(missing):  # missing values (None, NaN) are matched as get_indexer matches them
        positions[missing] = index.get_indexer(values[missing])
    return positions


def codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the distinct values, in order of first appearance."""
    values = np.asarray(values, dtype=object)
    runs = _runs(values)
    if runs is not None:  # rows come grouped: code the first row of each run
        starts, lengths = runs
        found, uniques = codes(values[starts])
        return np.repeat(found, lengths), uniques
    found, uniques = pd.factorize(values)
    return found.astype(np.int64), np.asarray(uniques, dtype=object)


def _runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Start and length of each run of equal consecutive values, when runs are long.

    Exports usually list each employee's (or each metric's) rows together; hashing the first
    row of each run then replaces hashing every row. None when the rows are not grouped so
    (judged on the first rows, then on all), or when values do not compare as plain values.
    """
    n = len(values)
    if n < 1024:
        return None
    try:
        sample = values[:1024]
        if np.count_nonzero(sample[1:] != sample[:-1]) > 256:
            return None
        change = np.empty(n, dtype=bool)
        change[0] = True
        np.not_equal(values[1:], values[:-1], out=change[1:])
    except (TypeError, ValueError):  # e.g. pd.NA, whose comparisons are not booleans
        return None
    starts = np.flatnonzero(change)
    if len(starts) > n // 4:
        return None
    return starts, np.diff(np.append(starts, n))


def group_sums(
    key: np.ndarray, size: int, values: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, sum and sum of squares of ``values`` per integer ``key`` in ``[0, size)``."""
    n = np.bincount(key, minlength=size).astype(float)
    if values is None:
        return n, np.zeros(size), np.zeros(size)
    total = np.bincount(key, weights=values, minlength=size)
    squares = np.bincount(key, weights=values * values, minlength=size)
    return n, total, squares


def recode(found: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a subset, as :func:`codes` of its values would give them.

    ``found`` are codes into ``uniques`` (-1 where missing), e.g. a subset of a column's codes;
    the result numbers the values in order of first appearance within ``found``, -1 kept.
    """
    again, first = pd.factorize(np.asarray(found, dtype=np.int64))
    again = again.astype(np.int64)
    missing = np.flatnonzero(first < 0)
    if len(missing):
        k = int(missing[0])
        again = np.where(again == k, -1, again - (again > k))
        first = np.delete(first, k)
    return again, np.asarray(uniques, dtype=object)[first]
