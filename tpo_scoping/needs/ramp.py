"""Ramp time: learning curves of performance against tenure, and weeks to proficiency."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import METRIC_DIRECTIONS
from tpo_scoping.needs.settings import NeedsSettings

RAMP_COLUMNS = [
    "role",
    "site",
    "metric",
    "weeks_to_proficiency",
    "ci_low",
    "ci_high",
    "n",
    "n_obs",
    "plateau",
    "start",
    "tau_weeks",
    "note",
]


@dataclass
class RampAnalysis:
    """Result of :func:`ramp_times`: one row per role × site × metric, and the binned curves."""

    ramp: pd.DataFrame
    curves: pd.DataFrame
    """Per group and tenure bin: observed mean, n, and the fitted value (for charts)."""


def learning_curve(t: np.ndarray, plateau: float, excess: float, tau: float) -> np.ndarray:
    """``y(t) = plateau + excess · exp(-t / tau)``: an exponential approach to a plateau.

    ``excess`` is negative for a metric that rises with tenure (productivity) and positive for
    one that falls (error rate).

    Examples
    --------
    >>> float(learning_curve(np.array([0.0]), 60, -30, 7.5)[0])
    30.0
    """
    return plateau + excess * np.exp(-t / tau)


def weeks_to_share(
    plateau: float, excess: float, tau: float, share: float, direction: int
) -> float:
    """Weeks until performance reaches ``share`` of the plateau (tenured performance).

    Higher-is-better: ``y ≥ share · plateau`` gives ``t = tau · ln(-excess / ((1 - share) ·
    plateau))``. Lower-is-better (errors): ``y ≤ plateau / share`` gives ``t = tau · ln(excess /
    (plateau · (1/share - 1)))``. Zero when the curve starts inside the band; NaN when it never
    gets there (no learning, or a plateau of zero or less).

    Examples
    --------
    >>> round(weeks_to_share(60, -30, 12 / math.log(5), 0.9, +1), 6)  # planted: 12 weeks
    12.0
    """
    if plateau <= 0 or not math.isfinite(tau) or tau <= 0:
        return math.nan
    allowed = (1 - share) * plateau if direction > 0 else plateau * (1 / share - 1)
    distance = -excess if direction > 0 else excess
    if distance <= 0:
        return 0.0 if distance == 0 else math.nan
    return max(0.0, tau * math.log(distance / allowed))


def ramp_times(
    metrics: pd.DataFrame,
    employees: pd.DataFrame,
    settings: NeedsSettings,
    as_of: pd.Timestamp | None = None,
) -> RampAnalysis:
    """Fit a learning curve per role × site × metric and report weeks to proficiency with a CI.

    Observations are binned by tenure (``ramp_bin_weeks``); the curve
    ``y = plateau + excess · exp(-t/τ)`` is fitted to the bin means by weighted least squares
    (``scipy.optimize.curve_fit``, weights ``n / s²`` per bin, ``s²`` the pooled within-bin
    variance), so the cost does not grow with
    the number of employees. Weeks to proficiency is :func:`weeks_to_share` at
    ``proficiency_share`` (90 %); its CI comes from the delta method on the fitted parameters'
    covariance, computed on the log scale so that it stays positive::

        se(ln t90) = sqrt(∇ᵀ Σ ∇) / t90,  ∇ = (∂t90/∂plateau, ∂t90/∂excess, ∂t90/∂τ)
        CI = t90 · exp(± t(0.975, bins - 3) · se(ln t90))

    Rows for ``site == "all"`` pool the sites of each role. Only metrics with a known direction
    (:data:`tpo_scoping.data_contract.METRIC_DIRECTIONS`) are fitted. The interval treats bins
    as independent; a person observed in several bins makes it somewhat too narrow.

    Examples
    --------
    >>> from tpo_scoping.sample import SCENARIOS, generate
    >>> data = generate(SCENARIOS["growing_healthcare"], seed=3).tables
    >>> ramp = ramp_times(data["metrics"], data["employees"], NeedsSettings.defaults()).ramp
    >>> row = ramp.query("role == 'claims_specialist' and site == 'all'"
    ...                  " and metric == 'productivity'")
    >>> 9 < float(row["weeks_to_proficiency"].iloc[0]) < 15  # planted: 12 weeks
    True
    """
    m = metrics[metrics["metric"].isin(list(METRIC_DIRECTIONS))]
    if as_of is not None:
        m = m[m["period"] <= as_of]
    m = m.merge(employees[["employee_id", "role", "site", "hire_date"]], on="employee_id")
    tenure = (m["period"] - m["hire_date"]).dt.days.to_numpy() / 7.0
    keep = (tenure >= 0) & (tenure <= settings.ramp_max_weeks)
    m = m.loc[keep, ["employee_id", "role", "site", "metric", "value"]]
    m["bin"] = np.floor(tenure[keep] / settings.ramp_bin_weeks).astype(int)
    if m.empty:
        return RampAnalysis(pd.DataFrame(columns=RAMP_COLUMNS), pd.DataFrame())
    m["sq"] = m["value"] ** 2
    per_site = (
        m.groupby(["role", "site", "metric", "bin"], sort=True)
        .agg(n=("value", "size"), total=("value", "sum"), sq=("sq", "sum"))
        .reset_index()
    )
    pooled = per_site.groupby(["role", "metric", "bin"], sort=True)[["n", "total", "sq"]].sum()
    pooled = pooled.reset_index().assign(site="all")
    bins = pd.concat([per_site, pooled], ignore_index=True)
    people = m.groupby(["role", "site", "metric"])["employee_id"].nunique()
    people_all = m.groupby(["role", "metric"])["employee_id"].nunique()
    rows = []
    curves = []
    for (role, site, metric), group in bins.groupby(["role", "site", "metric"], sort=True):
        n_people = int(
            people_all.get((role, metric), 0)
            if site == "all"
            else people.get((role, site, metric), 0)
        )
        if (
            site != "all"
            and bins[(bins["role"] == role) & (bins["site"] != "all")]["site"].nunique() == 1
        ):
            continue  # a role at one site only: its "all" row says the same
        fit = _fit_group(group, METRIC_DIRECTIONS[metric], settings)
        rows.append({"role": role, "site": site, "metric": metric, "n": n_people, **fit["row"]})
        curve = group[["bin", "n"]].copy()
        curve["tenure_weeks"] = (curve["bin"] + 0.5) * settings.ramp_bin_weeks
        curve["observed"] = group["total"].to_numpy() / group["n"].to_numpy()
        curve["fitted"] = fit["fitted"]
        curves.append(curve.assign(role=role, site=site, metric=metric).drop(columns="bin"))
    ramp = pd.DataFrame(rows, columns=RAMP_COLUMNS)
    curve_frame = (
        pd.concat(curves, ignore_index=True)
        if curves
        else pd.DataFrame(columns=["role", "site", "metric", "tenure_weeks", "observed", "n"])
    )
    return RampAnalysis(ramp, curve_frame)


def _fit_group(group: pd.DataFrame, direction: int, settings: NeedsSettings) -> dict:
    from scipy import optimize, stats

    n = group["n"].to_numpy(dtype=float)
    mean = group["total"].to_numpy() / n
    var = (group["sq"].to_numpy() - n * mean**2) / np.maximum(n - 1, 1)
    t = (group["bin"].to_numpy() + 0.5) * settings.ramp_bin_weeks
    empty = {
        "weeks_to_proficiency": math.nan,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "n_obs": int(n.sum()),
        "plateau": math.nan,
        "start": math.nan,
        "tau_weeks": math.nan,
        "note": "",
    }
    nothing = np.full(len(t), np.nan)
    if len(t) < 5 or n.sum() < settings.ramp_min_employees:
        return {
            "row": {**empty, "note": "too few observations for a learning curve"},
            "fitted": nothing,
        }
    # One pooled within-bin variance: per-bin variances from two or three people are too noisy
    # to weight by (a bin of two near-equal values would dominate the fit).
    dof_within = np.maximum(n - 1, 0)
    pooled = (
        float(np.sum(dof_within * np.nan_to_num(var)) / dof_within.sum())
        if dof_within.sum()
        else 0.0
    )
    var = np.full(len(n), pooled if pooled > 0 and math.isfinite(pooled) else 1.0)
    sigma = np.sqrt(var / n)
    late = t >= np.quantile(t, 0.75)
    plateau0 = float(np.average(mean[late], weights=n[late]))
    early = t <= np.quantile(t, 0.15)
    excess0 = float(np.average(mean[early], weights=n[early])) - plateau0
    scale = max(abs(plateau0), abs(excess0), 1e-9)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optimize.OptimizeWarning)
            params, cov = optimize.curve_fit(
                learning_curve,
                t,
                mean,
                p0=[plateau0, excess0 if excess0 else -0.1 * scale, 10.0],
                sigma=sigma,
                absolute_sigma=False,
                bounds=([-np.inf, -np.inf, 0.1], [np.inf, np.inf, 1000.0]),
                maxfev=5000,
            )
    except (RuntimeError, ValueError):
        return {"row": {**empty, "note": "learning curve did not converge"}, "fitted": nothing}
    plateau, excess, tau = (float(x) for x in params)
    share = settings.proficiency_share
    weeks = weeks_to_share(plateau, excess, tau, share, direction)
    row = {
        **empty,
        "plateau": plateau,
        "start": plateau + excess,
        "tau_weeks": tau,
        "weeks_to_proficiency": weeks,
    }
    fitted = learning_curve(t, plateau, excess, tau)
    if not math.isfinite(weeks):
        row["note"] = "no learning curve: performance does not improve with tenure"
        return {"row": row, "fitted": fitted}
    if weeks == 0:
        row["note"] = "new hires start within the proficiency band"
        row["ci_low"] = row["ci_high"] = 0.0
        return {"row": row, "fitted": fitted}
    # Delta method on t90 = tau * ln(distance / allowed(plateau)).
    grad = np.array([-tau / plateau, tau / excess, weeks / tau])
    var_weeks = float(grad @ cov @ grad)
    dof = max(len(t) - 3, 1)
    tcrit = float(stats.t.ppf(0.5 + settings.confidence / 2, dof))
    if var_weeks >= 0 and math.isfinite(var_weeks):
        se_log = math.sqrt(var_weeks) / weeks
        row["ci_low"] = weeks * math.exp(-tcrit * se_log)
        row["ci_high"] = weeks * math.exp(tcrit * se_log)
    if tau > 0.9 * t.max():
        row["note"] = "plateau not reached within the observed tenure; treat as a lower bound"
    return {"row": row, "fitted": fitted}
