"""Ramp time: learning curves of performance against tenure, and weeks to proficiency."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tpo_scoping.data_contract import METRIC_DIRECTIONS
from tpo_scoping.needs.row_keys import MetricKeys, codes, group_sums
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
    keys: MetricKeys | None = None,
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
    >>> from tpo_scoping.synthetic import SCENARIOS, generate
    >>> data = generate(SCENARIOS["growing_healthcare"], seed=3).tables
    >>> ramp = ramp_times(data["metrics"], data["employees"], NeedsSettings.defaults()).ramp
    >>> row = ramp.query("role == 'claims_specialist' and site == 'all'"
    ...                  " and metric == 'productivity'")
    >>> 9 < float(row["weeks_to_proficiency"].iloc[0]) < 15  # planted: 12 weeks
    True
    """
    keys = keys or MetricKeys.of(metrics, employees)
    pos, metric_code, metric_names = keys.positions, keys.codes, keys.names
    known = np.isin(metric_names, list(METRIC_DIRECTIONS))
    period = metrics["period"].to_numpy(dtype="datetime64[ns]")
    # Unknown employees (position -1) pick the NaT appended last: no tenure, left out below.
    hire = np.append(employees["hire_date"].to_numpy(dtype="datetime64[ns]"), np.datetime64("NaT"))
    tenure = (period - hire[pos]) / np.timedelta64(7, "D")
    keep = known[metric_code] & (tenure >= 0) & (tenure <= settings.ramp_max_weeks)
    if as_of is not None:
        keep &= period <= as_of.to_datetime64()
    kept = np.flatnonzero(keep)
    pos, metric_code, tenure = pos[kept], metric_code[kept], tenure[kept]
    value = metrics["value"].to_numpy(dtype=float)[kept]
    if len(value) == 0:
        return RampAnalysis(pd.DataFrame(columns=RAMP_COLUMNS), pd.DataFrame())
    role_code, roles = codes(employees["role"])
    site_code, sites = codes(employees["site"])
    n_bins = int(settings.ramp_max_weeks // settings.ramp_bin_weeks) + 1
    b = np.floor(tenure / settings.ramp_bin_weeks).astype(np.int64)
    r, st = role_code[pos], site_code[pos]
    n_r, n_s, n_m = len(roles), len(sites), len(metric_names)
    # Groups: (role, site, metric) for each site, plus (role, "all", metric): site index n_s.
    group_site = (
        (r * (n_s + 1) + st) * n_m + metric_code,
        (r * (n_s + 1) + n_s) * n_m + metric_code,
    )
    n_groups = n_r * (n_s + 1) * n_m
    stats_n = np.zeros(n_groups * n_bins)
    stats_total = np.zeros(n_groups * n_bins)
    stats_sq = np.zeros(n_groups * n_bins)
    for group in group_site:
        n, total, sq = group_sums(group * n_bins + b, n_groups * n_bins, value)
        stats_n += n
        stats_total += total
        stats_sq += sq
    # People per group: each employee × metric observed counts once in its site's group and
    # once in the role's "all" group.
    pairs = np.flatnonzero(np.bincount(pos * n_m + metric_code, minlength=len(employees) * n_m))
    pair_pos, pair_metric = np.divmod(pairs, n_m)
    pair_role, pair_site = role_code[pair_pos], site_code[pair_pos]
    people = np.bincount(
        (pair_role * (n_s + 1) + pair_site) * n_m + pair_metric, minlength=n_groups
    ) + np.bincount((pair_role * (n_s + 1) + n_s) * n_m + pair_metric, minlength=n_groups)
    grid_n = stats_n.reshape(n_groups, n_bins)
    grid_total = stats_total.reshape(n_groups, n_bins)
    grid_sq = stats_sq.reshape(n_groups, n_bins)
    sites_per_role = np.count_nonzero(
        np.bincount(r * n_s + st, minlength=n_r * n_s).reshape(n_r, n_s), axis=1
    )
    rows = []
    curves: dict[str, list[np.ndarray]] = {
        k: [] for k in ("bin", "n", "observed", "fitted", "role", "site", "metric")
    }
    for g in np.flatnonzero(grid_n.sum(axis=1) > 0):
        ri, rest = divmod(int(g), (n_s + 1) * n_m)
        si, mi = divmod(rest, n_m)
        if si < n_s and sites_per_role[ri] == 1:
            continue  # a role at one site only: its "all" row says the same
        role, site, metric = roles[ri], ("all" if si == n_s else sites[si]), metric_names[mi]
        filled = np.flatnonzero(grid_n[g] > 0)
        n = grid_n[g, filled]
        total = grid_total[g, filled]
        fit = _fit_group(filled, n, total, grid_sq[g, filled], METRIC_DIRECTIONS[metric], settings)
        rows.append(
            {"role": role, "site": site, "metric": metric, "n": int(people[g]), **fit["row"]}
        )
        # The binned curve, for charts: gathered here, built into one frame below.
        for key, value in (
            ("bin", filled),
            ("n", n),
            ("observed", total / n),
            ("fitted", fit["fitted"]),
            ("role", np.full(len(filled), role, dtype=object)),
            ("site", np.full(len(filled), site, dtype=object)),
            ("metric", np.full(len(filled), metric, dtype=object)),
        ):
            curves[key].append(value)
    ramp = pd.DataFrame(rows, columns=RAMP_COLUMNS)
    ramp = ramp.sort_values(["role", "site", "metric"], key=_all_last, kind="stable")
    if rows:
        joined = {k: np.concatenate(v) for k, v in curves.items()}
        curve_frame = pd.DataFrame(
            {
                "n": joined["n"].astype(int),
                "tenure_weeks": (joined["bin"] + 0.5) * settings.ramp_bin_weeks,
                "observed": joined["observed"],
                "fitted": joined["fitted"],
                "role": joined["role"],
                "site": joined["site"],
                "metric": joined["metric"],
            },
            copy=False,  # fresh arrays: no need to copy them into consolidated blocks
        )
    else:
        curve_frame = pd.DataFrame(
            columns=["role", "site", "metric", "tenure_weeks", "observed", "n"]
        )
    return RampAnalysis(ramp.reset_index(drop=True), curve_frame)


def _all_last(column: pd.Series) -> pd.Series:
    """Sort key: alphabetical, with the pooled ``"all"`` rows after the sites."""
    if column.name == "site":
        return column.map(lambda v: (v == "all", v))
    return column


def _fit_group(
    bins: np.ndarray,
    n: np.ndarray,
    total: np.ndarray,
    sq: np.ndarray,
    direction: int,
    settings: NeedsSettings,
) -> dict:
    """Fit one group's learning curve from its tenure bins' counts, sums and sums of squares."""
    n = np.asarray(n, dtype=float)
    mean = total / n
    var = (sq - n * mean**2) / np.maximum(n - 1, 1)
    t = (bins + 0.5) * settings.ramp_bin_weeks
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
    fit = fit_learning_curve(t, mean, n / var)
    if fit is None:
        return {"row": {**empty, "note": "learning curve did not converge"}, "fitted": nothing}
    params, cov = fit
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
    tcrit = _t_quantile(0.5 + settings.confidence / 2, dof)
    if var_weeks >= 0 and math.isfinite(var_weeks):
        se_log = math.sqrt(var_weeks) / weeks
        # An interval wider than e^50 is no interval: leave it open rather than overflow.
        if math.isfinite(se_log) and tcrit * se_log < 50:
            row["ci_low"] = weeks * math.exp(-tcrit * se_log)
            row["ci_high"] = weeks * math.exp(tcrit * se_log)
        else:
            row["note"] = "too few or too scattered observations for a confidence interval"
    if tau > 0.9 * t.max():
        row["note"] = "plateau not reached within the observed tenure; treat as a lower bound"
    return {"row": row, "fitted": fitted}


@functools.cache
def _t_quantile(q: float, dof: int) -> float:
    """Student-t quantile; groups share a few degrees of freedom, so each is computed once."""
    from scipy import stats

    return float(stats.t.ppf(q, dof))


def fit_learning_curve(
    t: np.ndarray, y: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Weighted least-squares fit of ``y = plateau + excess · exp(-t/τ)``.

    Variable projection: for a fixed ``τ`` the model is linear in ``(plateau, excess)``, solved
    exactly; ``τ`` is found on a log-spaced grid (0.1 to 1,000 weeks), then refined with a
    bounded scalar search. The covariance is ``s² (JᵀWJ)⁻¹`` with ``s²`` the weighted residual
    variance (as ``scipy.optimize.curve_fit`` with ``absolute_sigma=False``).

    Returns ``(params, cov)`` with params ``(plateau, excess, tau)``, or None when degenerate.

    Examples
    --------
    >>> t = np.arange(0, 60, 2.0)
    >>> params, _ = fit_learning_curve(t, learning_curve(t, 60, -30, 7.5), np.ones_like(t))
    >>> np.round(params, 6).tolist()
    [60.0, -30.0, 7.5]
    """
    from scipy import optimize

    def solve(log_taus: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Closed-form weighted least squares of (plateau, excess) for each τ; SSE too."""
        x = np.exp(-t[None, :] / np.exp(log_taus)[:, None])
        sw, sy = weight.sum(), weight @ y
        sx, sxx, sxy = x @ weight, (x * x) @ weight, x @ (weight * y)
        det = sw * sxx - sx * sx
        with np.errstate(divide="ignore", invalid="ignore"):
            excess = (sw * sxy - sx * sy) / det
            plateau = (sy - excess * sx) / sw
        resid = y[None, :] - plateau[:, None] - excess[:, None] * x
        sse = (resid * resid) @ weight
        return np.where(np.isfinite(sse), sse, np.inf), plateau, excess

    grid = np.linspace(math.log(0.1), math.log(1000.0), 80)
    losses = solve(grid)[0]
    best = int(np.argmin(losses))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    found = optimize.minimize_scalar(
        lambda g: float(solve(np.array([g]))[0][0]),
        bounds=(low, high),
        method="bounded",
        options={"xatol": 1e-9},
    )
    log_tau = float(found.x) if found.fun <= losses[best] else float(grid[best])
    sse_a, plateau_a, excess_a = solve(np.array([log_tau]))
    sse, plateau, excess = float(sse_a[0]), float(plateau_a[0]), float(excess_a[0])
    if not (math.isfinite(sse) and math.isfinite(plateau) and math.isfinite(excess)):
        return None
    tau = math.exp(log_tau)
    x = np.exp(-t / tau)
    jac = np.column_stack([np.ones_like(t), x, excess * x * t / tau**2])
    dof = len(t) - 3
    if dof <= 0:
        return None
    info = jac.T @ (jac * weight[:, None])
    try:
        cov = np.linalg.inv(info) * (sse / dof)
    except np.linalg.LinAlgError:
        return None
    return np.array([plateau, excess, tau]), cov
