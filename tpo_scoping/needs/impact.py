"""Training impact: before/after per trained employee, and difference-in-differences."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import METRIC_DIRECTIONS
from tpo_scoping.needs.settings import NeedsSettings

ASSUMPTIONS = (
    "Parallel trends: without the course, trained and untrained colleagues would have changed"
    " alike over the same months.",
    "Who took the course is unrelated to how their performance was about to change"
    " (no selection on expected improvement).",
    "The course did not change untrained colleagues' performance (no spill-over).",
    "Untrained colleagues are compared over the same calendar window, restricted to people at"
    " least as tenured as the least tenured trainee, so that ramp-up is not read as impact.",
)
"""What a difference-in-differences estimate assumes; stated with every result."""


def training_impact(
    training: pd.DataFrame,
    metrics: pd.DataFrame,
    employees: pd.DataFrame,
    settings: NeedsSettings,
    as_of: pd.Timestamp | None = None,
    positions: np.ndarray | None = None,
    metric_codes: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[dict[str, Any]]:
    """Before/after change of each metric around each course, and a difference-in-differences.

    For each course with at least ``impact_min_trained`` trainees and each metric with a known
    direction: each trainee's mean over the ``impact_window_months`` before the completion month
    and over the same number of months after it (the completion month itself is left out).
    Untrained colleagues get the same windows around the course's median completion date.

    * ``change``: mean of trainees' after − before, with a paired t interval;
    * ``did``: the coefficient β of the OLS ``Δᵢ = α + β·trainedᵢ + γ·roleᵢ + εᵢ`` on the
      per-person changes Δ (equivalent to a two-period difference-in-differences with person
      fixed effects), with heteroskedasticity-robust (HC1) standard errors.

    An estimate with a CI under the stated :data:`ASSUMPTIONS`, never proof that the course
    caused the change.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from tpo_scoping.synthetic import SCENARIOS, generate
    >>> big = replace(SCENARIOS["large_multicountry"], sites=tuple(
    ...     replace(s, target_fte=s.target_fte * 3) for s in SCENARIOS["large_multicountry"].sites))
    >>> t = generate(big, seed=3).tables
    >>> settings = NeedsSettings.defaults()
    >>> rows = training_impact(t["training"], t["metrics"], t["employees"], settings)
    >>> row = next(r for r in rows if r["metric"] == "productivity")
    >>> bool(row["did_ci_low"] < 4 < row["did_ci_high"])  # planted: +4
    True
    """
    if training is None or metrics is None or training.empty or metrics.empty:
        return []
    from scipy import stats

    from tpo_scoping.needs._keys import codes, employee_positions

    window = settings.impact_window_months
    pos = employee_positions(metrics, employees) if positions is None else positions
    period = metrics["period"].to_numpy(dtype="datetime64[ns]")
    metric_code, metric_names = codes(metrics["metric"]) if metric_codes is None else metric_codes
    use = (pos >= 0) & np.isin(metric_names, list(METRIC_DIRECTIONS))[metric_code]
    if as_of is not None:
        use &= period <= as_of.to_datetime64()
    pos, metric_code = pos[use], metric_code[use]
    month = _months(period[use])
    value = metrics["value"].to_numpy(dtype=float)[use]
    hire = employees["hire_date"].to_numpy(dtype="datetime64[ns]")
    n_emp = len(employees)
    role = employees["role"].to_numpy()
    # Each metric's rows (employee, month, value), split once for every course.
    by_metric = {}
    for mi in range(len(metric_names)):
        rows = np.flatnonzero(metric_code == mi)
        if len(rows):
            by_metric[mi] = (pos[rows], month[rows], value[rows])
    out: list[dict[str, Any]] = []
    for course, taken in training.groupby("course", sort=True):
        first = taken.sort_values("completed_on").drop_duplicates("employee_id")
        if len(first) < settings.impact_min_trained:
            continue
        trained_pos = employee_positions(first, employees)
        done = first["completed_on"].to_numpy(dtype="datetime64[ns]")[trained_pos >= 0]
        trained_pos = trained_pos[trained_pos >= 0]
        event = pd.Series(done).median().to_datetime64()
        min_tenure = (done - hire[trained_pos]).min()
        # Reference month per employee: their own completion month, or the course's median
        # completion month for eligible untrained colleagues; -1 marks everyone else.
        ref = np.full(n_emp, -1, dtype=np.int64)
        eligible = hire <= event - min_tenure
        ref[eligible] = _months(np.array([event]))[0]
        ref[trained_pos] = _months(done)
        trained = np.zeros(n_emp, dtype=bool)
        trained[trained_pos] = True
        for mi in np.argsort(metric_names):
            metric = str(metric_names[mi])
            if int(mi) not in by_metric:
                continue
            metric_pos, metric_month, metric_value = by_metric[int(mi)]
            metric_ref = ref[metric_pos]
            sel = metric_ref >= 0
            if not sel.any():
                continue
            who, offset, v = metric_pos[sel], metric_month[sel] - metric_ref[sel], metric_value[sel]
            before_sel = (offset >= -window) & (offset <= -1)
            after_sel = (offset >= 1) & (offset <= window)
            b_n = np.bincount(who[before_sel], minlength=n_emp)
            b_sum = np.bincount(who[before_sel], weights=v[before_sel], minlength=n_emp)
            a_n = np.bincount(who[after_sel], minlength=n_emp)
            a_sum = np.bincount(who[after_sel], weights=v[after_sel], minlength=n_emp)
            both_idx = np.flatnonzero((b_n > 0) & (a_n > 0))
            both = pd.DataFrame(
                {
                    "before": b_sum[both_idx] / b_n[both_idx],
                    "after": a_sum[both_idx] / a_n[both_idx],
                    "trained": trained[both_idx],
                },
                index=pd.Index(employees["employee_id"].to_numpy()[both_idx], name="employee_id"),
            )
            both["change"] = both["after"] - both["before"]
            trainees = both[both["trained"]]
            if len(trainees) < settings.impact_min_trained:
                continue
            tcrit = stats.t.ppf(0.5 + settings.confidence / 2, len(trainees) - 1)
            mean_change = float(trainees["change"].mean())
            se = float(trainees["change"].std(ddof=1) / math.sqrt(len(trainees)))
            row: dict[str, Any] = {
                "course": course,
                "metric": metric,
                "direction": METRIC_DIRECTIONS[metric],
                "n_trained": len(trainees),
                "n_control": int((~both["trained"]).sum()),
                "before": float(trainees["before"].mean()),
                "after": float(trainees["after"].mean()),
                "change": mean_change,
                "change_ci_low": float(mean_change - tcrit * se),
                "change_ci_high": float(mean_change + tcrit * se),
                "did": math.nan,
                "did_ci_low": math.nan,
                "did_ci_high": math.nan,
                "did_p_value": math.nan,
                "window_months": window,
                "assumptions": list(ASSUMPTIONS),
            }
            if row["n_control"] >= settings.impact_min_trained:
                row.update(_did(both, role[both_idx], settings))
            row["summary"] = _summary(row, settings)
            out.append(row)
    return out


def _months(dates: np.ndarray) -> np.ndarray:
    """Calendar months since 1970 of datetime64 values (so month differences are integers).

    Converted once per distinct date: a column of periods repeats a few dates many times, and
    the calendar conversion costs far more than finding the distinct values.
    """
    stamps = np.asarray(dates, dtype="datetime64[ns]").view(np.int64)
    code, distinct = pd.factorize(stamps)
    months = distinct.view("datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    return months[code]


def _did(both: pd.DataFrame, role: np.ndarray, settings: NeedsSettings) -> dict[str, float]:
    """Difference-in-differences by OLS; ``role`` holds the role of each row of ``both``."""
    from statsmodels.regression.linear_model import OLS

    roles = pd.Series(role, index=both.index).fillna("unknown").astype(str)
    design = pd.get_dummies(roles, prefix="role", drop_first=True, dtype=float)
    design.insert(0, "trained", both["trained"].astype(float))
    design.insert(0, "const", 1.0)
    fit = OLS(both["change"].to_numpy(), design.to_numpy()).fit(cov_type="HC1")
    low, high = fit.conf_int(alpha=1 - settings.confidence)[1]
    return {
        "did": float(fit.params[1]),
        "did_ci_low": float(low),
        "did_ci_high": float(high),
        "did_p_value": float(fit.pvalues[1]),
    }


def _summary(row: dict[str, Any], settings: NeedsSettings) -> str:
    metric = str(row["metric"]).replace("_", " ")
    level = f"{settings.confidence:.0%} CI"
    text = (
        f"{row['n_trained']} people who took {row['course'].replace('_', ' ')} changed their"
        f" {metric} by {row['change']:+.3g} ({level} {row['change_ci_low']:+.3g} to"
        f" {row['change_ci_high']:+.3g}) over {row['window_months']} months."
    )
    if math.isfinite(row["did"]):
        text += (
            f" Against {row['n_control']} untrained colleagues over the same months, the"
            f" difference-in-differences estimate is {row['did']:+.3g} ({level}"
            f" {row['did_ci_low']:+.3g} to {row['did_ci_high']:+.3g})."
        )
    return text + " An estimate under stated assumptions, not proof of cause."
