"""Retention of new hires: Kaplan–Meier by site and hire cohort, and a log-rank test."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tpo_scoping.needs.settings import NeedsSettings

RETENTION_COLUMNS = [
    "site",
    "cohort",
    "day",
    "estimate",
    "ci_low",
    "ci_high",
    "at_risk",
    "exits",
    "n",
]


@dataclass
class RetentionAnalysis:
    """Result of :func:`retention`."""

    retention: pd.DataFrame
    """One row per site (or ``"all"``) × cohort (or ``"all"``) × day."""
    curves: pd.DataFrame
    """Kaplan–Meier step curves per site (cohort ``"all"``), for charts."""
    logrank: dict[str, Any] = field(default_factory=dict)
    """Log-rank test between sites: statistic, df, p_value (empty with one site)."""
    notes: list[str] = field(default_factory=list)
    """What the test between sites left out or pooled, in words."""


def durations(employees: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Days from hire to exit (an event) or to ``as_of`` (censored), for hires up to ``as_of``.

    An exit after ``as_of`` has not happened yet on that date, so it is censored at ``as_of``.

    Examples
    --------
    >>> emp = pd.DataFrame({"hire_date": pd.to_datetime(["2025-01-01", "2025-01-01"]),
    ...                     "exit_date": pd.to_datetime(["2025-01-31", None])})
    >>> durations(emp, pd.Timestamp("2025-04-01"))[["duration", "observed"]].values.tolist()
    [[30, True], [90, False]]
    """
    hired, duration, observed = _durations(employees, as_of)
    out = employees[hired].copy()
    out["duration"] = duration
    out["observed"] = observed
    return out


def _durations(
    employees: pd.DataFrame, as_of: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`durations` as arrays: the mask of hires up to ``as_of``, their days and exits."""
    hire = employees["hire_date"].to_numpy(dtype="datetime64[ns]")
    stamp = as_of.to_datetime64()
    hired = hire <= stamp
    exit_ = employees["exit_date"].to_numpy(dtype="datetime64[ns]")[hired]
    observed = ~np.isnat(exit_) & (exit_ <= stamp)
    end = np.where(observed, exit_, stamp)
    duration = ((end - hire[hired]) // np.timedelta64(1, "D")).astype(int)
    return hired, duration, observed


def kaplan_meier(
    duration: np.ndarray, observed: np.ndarray, confidence: float = 0.95
) -> pd.DataFrame:
    """Kaplan–Meier survival with Greenwood variance and log(−log) confidence limits.

    The estimate and its Greenwood standard error come from statsmodels' ``SurvfuncRight``:
    ``S(t) = Π_{t_i ≤ t} (1 − d_i / n_i)`` and ``se(S) = S √V``, with Greenwood's
    ``V(t) = Σ d_i / (n_i (n_i − d_i))`` the variance of ``log S``. statsmodels gives no
    pointwise interval, so the log(−log) one is computed here, ``S^{exp(± z √V / log S)}``
    (lifelines' default). Rows: time 0, then every time at which someone left.

    Examples
    --------
    >>> km = kaplan_meier(np.array([5, 8, 8, 12]), np.array([True, True, False, False]))
    >>> km["time"].tolist(), km["survival"].round(3).tolist()
    ([0.0, 5.0, 8.0], [1.0, 0.75, 0.5])
    """
    return pd.DataFrame(_kaplan_meier(duration, observed, confidence))


def _kaplan_meier(
    duration: np.ndarray, observed: np.ndarray, confidence: float
) -> dict[str, np.ndarray]:
    """The columns of :func:`kaplan_meier` as arrays."""
    from statsmodels.duration.survfunc import SurvfuncRight

    duration = np.asarray(duration, dtype=float)
    observed = np.asarray(observed, dtype=float)
    if len(duration) and observed.any():
        fit = SurvfuncRight(duration, observed)
        times, survival = np.asarray(fit.surv_times, float), np.asarray(fit.surv_prob, float)
        at_risk, events = np.asarray(fit.n_risk, float), np.asarray(fit.n_events, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            greenwood = np.where(survival > 0, (fit.surv_prob_se / survival) ** 2, np.inf)
    else:  # nobody left: statsmodels needs at least one event
        times = survival = at_risk = events = greenwood = np.zeros(0)
    if len(times) == 0 or times[0] > 0:
        times = np.concatenate([[0.0], times])
        survival = np.concatenate([[1.0], survival])
        at_risk = np.concatenate([[float(len(duration))], at_risk])
        events = np.concatenate([[0.0], events])
        greenwood = np.concatenate([[0.0], greenwood])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = _normal_quantile(0.5 + confidence / 2)
        log_s = np.log(survival)
        spread = z * np.sqrt(greenwood) / log_s
        ci_low = np.exp(-np.exp(np.log(-log_s) - spread))
        ci_high = np.exp(-np.exp(np.log(-log_s) + spread))
    return {
        "time": times,
        "at_risk": at_risk.astype(int),
        "events": events.astype(int),
        "survival": survival,
        "greenwood": greenwood,
        "ci_low": ci_low,
        "ci_high": ci_high,
    }


@functools.cache
def _normal_quantile(q: float) -> float:
    """Standard normal quantile (one per confidence level, however many curves are drawn)."""
    from scipy import stats

    return float(stats.norm.ppf(q))


def survival_at(
    km: pd.DataFrame | dict[str, np.ndarray], day: float, n: int, duration: np.ndarray
) -> dict[str, Any]:
    """Read a Kaplan–Meier table at ``day``: estimate, CI, people at risk and exits so far.

    The estimate is missing when nobody was followed up to ``day`` (unless everyone had left).
    """
    idx = int(np.searchsorted(np.asarray(km["time"]), day, side="right") - 1)
    at_risk = int(np.sum(duration >= day))
    exits = int(np.asarray(km["events"])[: idx + 1].sum())
    estimate = float(np.asarray(km["survival"])[idx])
    ci_low, ci_high = float(np.asarray(km["ci_low"])[idx]), float(np.asarray(km["ci_high"])[idx])
    if at_risk == 0 and estimate > 0:
        estimate = ci_low = ci_high = math.nan
    elif estimate == 1.0:
        ci_low = ci_high = math.nan  # no exits yet: log(−log S) is undefined
    return {
        "estimate": estimate,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "at_risk": at_risk,
        "exits": exits,
        "n": n,
    }


def logrank_test(duration: np.ndarray, observed: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    """Log-rank test that several groups share one survival curve (statsmodels' ``survdiff``).

    The statistic ``(O − E)ᵀ V⁻¹ (O − E)`` (one group dropped) is χ² with ``k − 1`` degrees of
    freedom; at each exit time ``t_j`` with ``d_j`` exits among ``n_j`` at risk, group ``g``
    expects ``E_gj = n_gj d_j / n_j``. The observed and expected exits per group are reported
    with it, so a reader sees which group loses more people than the others.

    Examples
    --------
    >>> out = logrank_test(np.array([1, 2, 3, 4, 5, 6]), np.ones(6, bool), np.array(list("aaabbb")))
    >>> out["df"], round(out["statistic"], 3), out["expected"]
    (1, 5.052, [1.15, 4.85])
    """
    from scipy import stats
    from statsmodels.duration.survfunc import survdiff

    values = np.asarray(groups)
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string":
        # Text labels: sort the distinct ones only (as np.unique would order them).
        g, distinct = pd.factorize(values, sort=True)
        labels = np.asarray(distinct, dtype=object)
    else:
        labels, g = np.unique(values, return_inverse=True)
    k = len(labels)
    if k < 2:
        return {}
    duration = np.asarray(duration, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    try:
        statistic = float(survdiff(duration, observed.astype(int), g)[0])
    except np.linalg.LinAlgError:
        return {}  # e.g. no exits at all: nothing to compare
    # survdiff's p-value is 1 − cdf, which rounds to 0 below about 1e-16; the tail is exact.
    p_value = float(stats.chi2.sf(statistic, k - 1))
    times, t_idx = np.unique(duration, return_inverse=True)
    removed = np.zeros((len(times), k))
    np.add.at(removed, (t_idx, g), 1.0)
    events = np.zeros((len(times), k))
    np.add.at(events, (t_idx, g), observed.astype(float))
    at_risk = removed[::-1].cumsum(axis=0)[::-1]
    exits = events.sum(axis=1)
    expected = (at_risk * (exits / np.maximum(at_risk.sum(axis=1), 1))[:, None]).sum(axis=0)
    return {
        "groups": [str(x) for x in labels],
        "observed": events.sum(axis=0).round(6).tolist(),
        "expected": expected.round(6).tolist(),
        "statistic": float(statistic),
        "df": k - 1,
        "p_value": float(p_value),
        "test": "log-rank",
    }


def retention(
    employees: pd.DataFrame, as_of: pd.Timestamp, settings: NeedsSettings
) -> RetentionAnalysis:
    """Kaplan–Meier retention at ``settings.retention_days`` by site and by hire cohort.

    Employees hired after ``as_of`` are left out; exits after ``as_of`` are censored at it.
    Rows: each site with cohort ``"all"``, the whole team (site ``"all"``), and each hire
    cohort (calendar quarter by default) with site ``"all"``. Sites are compared with a
    log-rank test (:func:`logrank_test`).

    Examples
    --------
    >>> from tpo_scoping.synthetic import SCENARIOS, generate
    >>> emp = generate(SCENARIOS["growing_healthcare"], seed=3).tables["employees"]
    >>> out = retention(emp, pd.Timestamp("2026-09-30"), NeedsSettings.defaults())
    >>> row = out.retention.query("site == 'all' and cohort == 'all' and day == 90").iloc[0]
    >>> bool(0.6 < row["estimate"] < 1.0 and row["ci_low"] < row["estimate"] < row["ci_high"])
    True
    """
    hired, duration, observed = _durations(employees, as_of)
    rows: list[dict[str, Any]] = []
    curves = []
    if not hired.any():
        return RetentionAnalysis(pd.DataFrame(columns=RETENTION_COLUMNS), pd.DataFrame())
    # Each distinct hire date's cohort label, computed once per date.
    day_code, days = pd.factorize(employees["hire_date"].to_numpy()[hired])
    labels = pd.Series(days).dt.to_period(settings.cohort_frequency).astype(str).to_numpy()
    label_code, cohort_names = pd.factorize(labels)
    cohort_of = label_code[day_code]
    site_of = employees["site"].to_numpy()[hired]
    groups: list[tuple[str, str, np.ndarray]] = [("all", "all", np.ones(len(site_of), bool))]
    for site in sorted(pd.unique(site_of)):
        groups.append((site, "all", site_of == site))
    for k in sorted(range(len(cohort_names)), key=lambda i: cohort_names[i]):
        groups.append(("all", cohort_names[k], cohort_of == k))
    horizon = max(settings.retention_days) * 2
    for site, cohort, mask in groups:
        dur = duration[mask]
        km = _kaplan_meier(dur, observed[mask], settings.confidence)
        for day in settings.retention_days:
            rows.append(
                {
                    "site": site,
                    "cohort": cohort,
                    "day": int(day),
                    **survival_at(km, day, len(dur), dur),
                }
            )
        if cohort == "all":
            shown = km["time"] <= horizon
            curve = {c: km[c][shown] for c in ("time", "survival", "ci_low", "ci_high", "at_risk")}
            # The curve runs on, flat, to the longest follow-up after its last exit.
            end = min(float(dur.max()), horizon)
            if end > curve["time"][-1]:
                curve = {c: np.append(v, v[-1]) for c, v in curve.items()}
                curve["time"][-1] = end
                curve["at_risk"][-1] = int(np.sum(dur >= end))
            curves.append(pd.DataFrame(curve).assign(site=site))
    tested, notes = pool_small_groups(site_of, settings.min_test_group_size, "new hires")
    keep = pd.notna(tested)
    tests = logrank_test(duration[keep], observed[keep], tested[keep])
    return RetentionAnalysis(
        pd.DataFrame(rows, columns=RETENTION_COLUMNS),
        pd.concat(curves, ignore_index=True),
        tests,
        [f"log-rank test between sites: {n}" for n in notes],
    )


OTHER = "other"
"""The group that pools the sites too small to be tested on their own."""


def pool_small_groups(
    groups: np.ndarray, min_size: int, counted: str
) -> tuple[np.ndarray, list[str]]:
    """Groups for a test between groups: those under ``min_size`` pooled as ``"other"``.

    When the pooled groups together still number fewer than ``min_size``, they are left out
    (``None``). Returns the new labels (object array) and a note on what was pooled or left out.

    Examples
    --------
    >>> labels, notes = pool_small_groups(np.array(["A"] * 12 + ["B"] * 3 + ["C"] * 8), 10, "hires")
    >>> sorted(set(labels)), notes
    (['A', 'other'], ['2 sites with fewer than 10 hires (B, C) pooled as "other"'])
    """
    labels = np.asarray(groups, dtype=object).copy()
    names, sizes = np.unique(labels.astype(str), return_counts=True)
    small = names[sizes < min_size]
    if len(small) == 0:
        return labels, []
    is_small = np.isin(labels.astype(str), small)
    listed = ", ".join(str(x) for x in small[:10]) + (", …" if len(small) > 10 else "")
    what = f"{len(small)} site{'s' if len(small) > 1 else ''} with fewer than {min_size} {counted}"
    if is_small.sum() >= min_size and len(small) > 1:
        labels[is_small] = OTHER
        return labels, [f'{what} ({listed}) pooled as "{OTHER}"']
    labels[is_small] = None
    return labels, [f"{what} ({listed}) left out"]
