"""Integer keys for fast grouping: employees are joined by position, not by merging strings."""

from __future__ import annotations

import numpy as np
import pandas as pd


def employee_positions(table: pd.DataFrame, employees: pd.DataFrame) -> np.ndarray:
    """Row position in ``employees`` of each row's ``employee_id`` (-1 when unknown)."""
    return pd.Index(employees["employee_id"]).get_indexer(table["employee_id"])


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
