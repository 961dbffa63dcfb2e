"""Integer keys for fast grouping: employees are joined by position, not by merging strings."""

from __future__ import annotations

import numpy as np
import pandas as pd


def employee_positions(table: pd.DataFrame, employees: pd.DataFrame) -> np.ndarray:
    """Row position in ``employees`` of each row's ``employee_id`` (-1 when unknown).

    The same as ``Index(employees.employee_id).get_indexer(table.employee_id)``, looked up once
    per distinct ID (a table repeats each ID many times).
    """
    return lookup(pd.Index(employees["employee_id"]), table["employee_id"])


def lookup(index: pd.Index, values: pd.Series | np.ndarray) -> np.ndarray:
    """``index.get_indexer(values)``, looked up once per distinct value."""
    values = np.asarray(values, dtype=object)
    found, distinct = pd.factorize(values)
    positions = np.append(index.get_indexer(distinct), -1)[found]
    missing = np.flatnonzero(found < 0)
    if len(missing):  # missing values (None, NaN) are matched as get_indexer matches them
        positions[missing] = index.get_indexer(values[missing])
    return positions


def codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and the distinct values, in order of first appearance."""
    found, uniques = pd.factorize(np.asarray(values, dtype=object))
    return found.astype(np.int64), np.asarray(uniques, dtype=object)


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
