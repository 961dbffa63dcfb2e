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
    >>> from tpo_scoping.sample import SCENARIOS, generate
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

    window = settings.impact_window_months
    months = metrics["period"].dt.to_period("M")
    m = metrics.assign(month=months)
    if as_of is not None:
        m = m[m["period"] <= as_of]
    m = m[m["metric"].isin(list(METRIC_DIRECTIONS))]
    out: list[dict[str, Any]] = []
    for course, taken in training.groupby("course", sort=True):
        first = taken.sort_values("completed_on").drop_duplicates("employee_id")
        if len(first) < settings.impact_min_trained:
            continue
        done = first.set_index("employee_id")["completed_on"]
        event = done.median()
        event_month = event.to_period("M")
        trained_month = done.dt.to_period("M")
        hire = employees.set_index("employee_id")["hire_date"]
        min_tenure = (done - hire.reindex(done.index)).min()
        eligible_controls = hire[(hire <= event - min_tenure) & ~hire.index.isin(done.index)]
        role = employees.set_index("employee_id")["role"]
        for metric, series in m.groupby("metric", sort=True):
            per = series[series["employee_id"].isin(done.index.union(eligible_controls.index))]
            if per.empty:
                continue
            ref = per["employee_id"].map(trained_month).fillna(event_month)
            offset = _month_diff(per["month"], ref)
            before = per[(offset >= -window) & (offset <= -1)]
            after = per[(offset >= 1) & (offset <= window)]
            b = before.groupby("employee_id")["value"].mean()
            a = after.groupby("employee_id")["value"].mean()
            both = pd.concat([b.rename("before"), a.rename("after")], axis=1).dropna()
            both["change"] = both["after"] - both["before"]
            both["trained"] = both.index.isin(done.index)
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
                "change_ci_low": mean_change - tcrit * se,
                "change_ci_high": mean_change + tcrit * se,
                "did": math.nan,
                "did_ci_low": math.nan,
                "did_ci_high": math.nan,
                "did_p_value": math.nan,
                "window_months": window,
                "assumptions": list(ASSUMPTIONS),
            }
            if row["n_control"] >= settings.impact_min_trained:
                row.update(_did(both, role, settings))
            row["summary"] = _summary(row, settings)
            out.append(row)
    return out


def _month_diff(month: pd.Series, ref: pd.Series) -> np.ndarray:
    a = month.dt.year.to_numpy() * 12 + month.dt.month.to_numpy()
    b = ref.dt.year.to_numpy() * 12 + ref.dt.month.to_numpy()
    return a - b


def _did(both: pd.DataFrame, role: pd.Series, settings: NeedsSettings) -> dict[str, float]:
    from statsmodels.regression.linear_model import OLS

    roles = role.reindex(both.index).fillna("unknown").astype(str)
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
