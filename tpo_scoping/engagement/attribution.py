"""Attribution, honestly: did cohorts onboarded under the engagement do better than those before?

**Ramp-up (difference-in-differences across staggered hire cohorts).** Each hire cohort (the
calendar quarter of hire) is compared with older cohorts *at the same tenure*, net of what
moved everyone in the same calendar month. A two-way fixed-effects regression of the primary
metric (productivity) per person and month,

.. math::

    y_{it} = \\alpha_{role(i),\\,tenure(i,t)} + \\gamma_t
             + \\sum_c \\beta_c [cohort(i) = c] [tenure(i,t) < 6\\ months] + \\varepsilon_{it},

estimated by OLS (statsmodels) with standard errors clustered by person. Tenure is in whole
months (12 and over pooled), so the learning curve itself is absorbed by
:math:`\\alpha` and never credited to the engagement; tenured staff identify the calendar
effects :math:`\\gamma`. The reference is every cohort hired more than a year before the start.
:math:`\\beta_c` for cohorts hired under the engagement are its effects; the headline is their
average weighted by observations, with its interval from the coefficients' covariance. For the
four cohorts hired in the year before the start, whom the engagement never onboarded,
:math:`\\beta_c` should be zero: that is the parallel-trends check (each shown, with a joint Wald
test).

Why not a staggered-adoption estimator such as Callaway and Sant'Anna's: it needs each unit
observed before its treatment, and a new hire is onboarded under the engagement from day one;
the comparison here is between cohorts at equal tenure instead.

**90-day retention by site.** The share of hires still there 90 days after hire, among those
followed that long: hires under the engagement against every hire before the start (followed
up to the day before it), per site, with Wilson intervals and Newcombe's interval for the
difference (statsmodels).

Neither is proof of cause: other changes in the same months (a new team lead, a new client
process, a different labour market) move the same cohorts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tpo_scoping.serialize import FlatResult

if TYPE_CHECKING:
    from tpo_scoping.ingest import PerformanceData

EARLY_MONTHS = 6
"""Tenure window in which onboarding can show (months); assumption: the planted and the
benchmark ramp-ups (3-6 months for routine work, domain reference) fall inside it."""

CAVEAT = (
    "Not proof of cause: other changes in the same months (a new team lead, a new client process,"
    " a different labour market) move the same cohorts; the comparison holds only as far as its"
    " assumptions do."
)
RAMP_ASSUMPTIONS = (
    "Without the engagement, new cohorts would have ramped up as the cohorts before them did"
    " (parallel trends; checked on the four cohorts hired in the year before the start).",
    "Whatever changed everyone's output in a month (systems, workload, seasons) changed tenured"
    " staff too, so tenured staff measure it.",
    "The engagement changed how new hires ramp up, not tenured staff's output.",
    "Who was hired did not change with the engagement (same roles, same hiring bar).",
)


@dataclass(frozen=True)
class CohortEffect(FlatResult):
    """Difference of one hire cohort's first six months from older cohorts at equal tenure."""

    cohort: str
    quarters_from_start: int
    engaged: bool
    effect: float
    ci_low: float
    ci_high: float
    people: int


@dataclass(frozen=True)
class RampAttribution:
    """The engagement's estimated effect on new hires' output in their first six months."""

    metric: str
    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    people_engaged: int
    people_before: int
    observations: int
    cohorts: tuple[CohortEffect, ...]
    pretrend_p_value: float | None
    pretrend_holds: bool | None
    method: str
    assumptions: tuple[str, ...] = RAMP_ASSUMPTIONS

    def to_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "effect": self.effect,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "p_value": self.p_value,
            "people_engaged": self.people_engaged,
            "people_before": self.people_before,
            "observations": self.observations,
            "cohorts": [c.to_dict() for c in self.cohorts],
            "parallel_trends": {
                "p_value": self.pretrend_p_value,
                "holds": self.pretrend_holds,
            },
            "method": self.method,
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class SiteRetention:
    """90-day retention of hires under the engagement and before it, at one site."""

    site: str
    engaged: float | None
    engaged_ci: tuple[float, float] | None
    engaged_n: int
    before: float | None
    before_ci: tuple[float, float] | None
    before_n: int
    difference: float | None
    difference_ci: tuple[float, float] | None

    @property
    def improved(self) -> bool:
        """The difference's whole interval is above zero."""
        return self.difference_ci is not None and self.difference_ci[0] > 0

    def to_dict(self) -> dict[str, object]:
        return {
            "site": self.site,
            "engaged": self.engaged,
            "engaged_ci": list(self.engaged_ci) if self.engaged_ci else None,
            "engaged_n": self.engaged_n,
            "before": self.before,
            "before_ci": list(self.before_ci) if self.before_ci else None,
            "before_n": self.before_n,
            "difference": self.difference,
            "difference_ci": list(self.difference_ci) if self.difference_ci else None,
        }


@dataclass(frozen=True)
class Attribution:
    """Both comparisons, with why one is missing when the data cannot support it."""

    ramp: RampAttribution | None
    ramp_missing_reason: str
    retention: tuple[SiteRetention, ...]
    caveat: str = CAVEAT

    def to_dict(self) -> dict[str, object]:
        return {
            "ramp": None if self.ramp is None else self.ramp.to_dict(),
            "ramp_missing_reason": self.ramp_missing_reason or None,
            "retention_by_site": [r.to_dict() for r in self.retention],
            "caveat": self.caveat,
        }


def attribute(data: PerformanceData, start: dt.date, as_of: dt.date) -> Attribution:
    """Compare cohorts onboarded under the engagement with those before, on the latest drop."""
    ramp, reason = ramp_effect(data, start, as_of)
    return Attribution(ramp, reason, retention_by_site(data, start, as_of))


_COHORT = "cohort:"


def _rel(column: str) -> int:
    """Quarters from the start of a cohort column (``cohort:-2`` -> -2)."""
    return int(column.removeprefix(_COHORT))


def _primary_metric(metrics: pd.DataFrame) -> str | None:
    present = set(metrics["metric"].unique())
    for metric in ("productivity", "handle_time", "error_rate", "quality", "csat"):
        if metric in present:
            return metric
    return None


def ramp_effect(
    data: PerformanceData, start: dt.date, as_of: dt.date
) -> tuple[RampAttribution | None, str]:
    """The difference-in-differences of the module description; ``(None, reason)`` when the
    data cannot support it."""
    from statsmodels.regression.linear_model import OLS

    if not data.has("metrics"):
        return None, "no metrics table: the ramp-up comparison needs monthly output per person"
    metrics = data.tables["metrics"]
    metric = _primary_metric(metrics)
    if metric is None:
        return None, "no productivity (or other output) metric to compare cohorts on"
    employees = data.tables["employees"].set_index("employee_id")
    rows = metrics[metrics["metric"] == metric]
    rows = rows[rows["employee_id"].isin(employees.index)]
    stamp_start, stamp_end = pd.Timestamp(start), pd.Timestamp(as_of)
    window_start = stamp_start - pd.DateOffset(months=24)
    rows = rows[(rows["period"] >= window_start) & (rows["period"] <= stamp_end)]
    hire = employees.loc[rows["employee_id"], "hire_date"].to_numpy()
    tenure = ((rows["period"].to_numpy() - hire) / np.timedelta64(1, "D")) // (365.25 / 12)
    keep = tenure >= 0
    rows, hire, tenure = rows[keep], hire[keep], tenure[keep].astype(int)
    frame = pd.DataFrame(
        {
            "person": rows["employee_id"].to_numpy(),
            "y": rows["value"].to_numpy(dtype=float),
            "month": rows["period"].dt.strftime("%Y-%m").to_numpy(),
            "role": employees.loc[rows["employee_id"], "role"].astype(str).to_numpy(),
            "tenure": np.minimum(tenure, 12),
            "hire": pd.to_datetime(hire),
        }
    )
    frame["cohort"] = frame["hire"].dt.to_period("Q")
    first = pd.Period(start, freq="Q")
    frame["rel"] = [(c - first).n for c in frame["cohort"]]
    frame["early"] = frame["tenure"] < EARLY_MONTHS
    # Cohorts with their own coefficient: the year before the start (placebo) and after it.
    own = frame["early"] & (frame["rel"] >= -4)
    engaged_obs = own & (frame["rel"] >= 0)
    if engaged_obs.sum() < 10 or frame.loc[engaged_obs, "person"].nunique() < 3:
        return None, "too few months of new hires under the engagement to compare cohorts yet"
    reference = frame["early"] & (frame["rel"] < -4)
    if reference.sum() < 10:
        return None, "no cohort hired more than a year before the start to compare with"
    cells = frame.loc[own, "rel"].map(lambda r: f"{_COHORT}{r:+d}")
    design = pd.concat(
        [
            pd.get_dummies(
                "role:" + frame["role"] + ":" + frame["tenure"].astype(str), dtype=float
            ),
            pd.get_dummies(frame["month"], prefix="m", drop_first=True, dtype=float),
            pd.get_dummies(cells.reindex(frame.index), dtype=float).reindex(
                frame.index, fill_value=0.0
            ),
        ],
        axis=1,
    ).fillna(0.0)
    groups = pd.factorize(frame["person"])[0]
    fit = OLS(frame["y"].to_numpy(), design).fit(cov_type="cluster", cov_kwds={"groups": groups})
    cohort_cols = sorted(
        (c for c in design.columns if c.startswith(_COHORT)), key=lambda c: _rel(c)
    )
    z = 1.959963984540054
    cohorts = []
    for col in cohort_cols:
        rel = _rel(col)
        mask = own & (frame["rel"] == rel)
        b, se = float(fit.params[col]), float(fit.bse[col])
        cohorts.append(
            CohortEffect(
                cohort=str(first + rel),
                quarters_from_start=rel,
                engaged=rel >= 0,
                effect=b,
                ci_low=b - z * se,
                ci_high=b + z * se,
                people=int(frame.loc[mask, "person"].nunique()),
            )
        )
    engaged_cols = [c for c in cohort_cols if _rel(c) >= 0]
    counts = np.array([float((own & (frame["rel"] == _rel(c))).sum()) for c in engaged_cols])
    weights = pd.Series(0.0, index=fit.params.index)
    weights[engaged_cols] = counts / counts.sum()
    effect = float(weights @ fit.params)
    se = float(math.sqrt(weights @ fit.cov_params() @ weights))
    from scipy import stats

    p_value = float(2 * stats.norm.sf(abs(effect) / se)) if se > 0 else 0.0
    pre_cols = [c for c in cohort_cols if _rel(c) < 0]
    pre_p: float | None = None
    if pre_cols:
        matrix = np.zeros((len(pre_cols), len(fit.params)))
        for i, col in enumerate(pre_cols):
            matrix[i, list(fit.params.index).index(col)] = 1.0
        pre_p = float(np.asarray(fit.wald_test(matrix, scalar=True).pvalue))
    before_people = frame.loc[frame["rel"] < 0, "person"].nunique()
    return (
        RampAttribution(
            metric=metric,
            effect=effect,
            ci_low=effect - z * se,
            ci_high=effect + z * se,
            p_value=p_value,
            people_engaged=int(frame.loc[engaged_obs, "person"].nunique()),
            people_before=int(before_people),
            observations=len(frame),
            cohorts=tuple(cohorts),
            pretrend_p_value=pre_p,
            pretrend_holds=None if pre_p is None else pre_p >= 0.05,
            method=(
                f"two-way fixed effects (role x tenure month, calendar month) on monthly {metric},"
                f" first {EARLY_MONTHS} months of tenure, cohorts by quarter of hire; OLS with"
                " standard errors clustered by person (statsmodels)"
            ),
        ),
        "",
    )


def _stayed(
    employees: pd.DataFrame, followed_to: pd.Timestamp, day: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hires followed for ``day`` days by ``followed_to``, and whether each was still there."""
    hire = employees["hire_date"]
    followed = (hire + pd.Timedelta(days=day)) <= followed_to
    exit_ = employees["exit_date"]
    stayed = exit_.isna() | (exit_ > hire + pd.Timedelta(days=day))
    return followed.to_numpy(), stayed.to_numpy()


def retention_by_site(
    data: PerformanceData, start: dt.date, as_of: dt.date, day: int = 90
) -> tuple[SiteRetention, ...]:
    """90-day retention per site: hires under the engagement against every hire before it.

    Only hires followed for the full 90 days count (binomial shares, so a site where nobody
    left yet still has an honest interval): Wilson intervals for each share and Newcombe's
    interval for their difference (``statsmodels.stats.proportion``).
    """
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

    employees = data.tables["employees"]
    stamp = pd.Timestamp(start)
    engaged_rows = employees["hire_date"] >= stamp
    groups = {
        "engaged": (employees[engaged_rows], pd.Timestamp(as_of)),
        "before": (employees[~engaged_rows], stamp - pd.Timedelta(days=1)),
    }
    out = []
    for site in sorted(employees["site"].dropna().unique()):
        counts = {}
        for name, (frame, until) in groups.items():
            followed, stayed = _stayed(frame[frame["site"] == site], until, day)
            counts[name] = (int(stayed[followed].sum()), int(followed.sum()))
        shares: dict[str, tuple[float, tuple[float, float]] | None] = {}
        for name, (k, n) in counts.items():
            if n == 0:
                shares[name] = None
                continue
            low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
            shares[name] = (k / n, (float(low), float(high)))
        eng, bef = shares["engaged"], shares["before"]
        diff = diff_ci = None
        if eng is not None and bef is not None:
            (k1, n1), (k0, n0) = counts["engaged"], counts["before"]
            low, high = confint_proportions_2indep(
                k1, n1, k0, n0, method="newcomb", compare="diff", alpha=0.05
            )
            diff, diff_ci = eng[0] - bef[0], (float(low), float(high))
        out.append(
            SiteRetention(
                site=str(site),
                engaged=None if eng is None else eng[0],
                engaged_ci=None if eng is None else eng[1],
                engaged_n=counts["engaged"][1],
                before=None if bef is None else bef[0],
                before_ci=None if bef is None else bef[1],
                before_n=counts["before"][1],
                difference=diff,
                difference_ci=diff_ci,
            )
        )
    return tuple(out)
