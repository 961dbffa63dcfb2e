"""Detectability of a KPI change: Cohen's effect sizes solved with statsmodels' power classes.

The minimum detectable change (MDC) compares one measurement period with a baseline period of the
same size at a two-sided significance level ``alpha`` and a ``power``:

* proportions: Cohen's h, :math:`h = 2\\arcsin\\sqrt{p_2} - 2\\arcsin\\sqrt{p_1}`, solved with
  ``statsmodels.stats.power.NormalIndPower``; the MDC is the change in :math:`p` whose h equals
  the detectable h;
* means: Cohen's d solved with ``TTestIndPower``, times the between-employee standard deviation.
"""

from __future__ import annotations

import functools
import math
from typing import Any


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's effect size for two proportions, :math:`2\\arcsin\\sqrt{p_2}-2\\arcsin\\sqrt{p_1}`.

    Examples
    --------
    >>> round(cohens_h(0.80, 0.90), 4)
    0.2838
    """
    return 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))


def required_n_per_group(
    baseline: float,
    target: float,
    *,
    kind: str = "proportion",
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float:
    """Observations per group to detect ``baseline -> target`` (two-sided test, equal groups).

    Proportions use Cohen's h with ``NormalIndPower``:
    :math:`n = 2 ((z_{1-\\alpha/2} + z_{power}) / h)^2` (statsmodels also counts the far tail);
    means use Cohen's :math:`d = |target - baseline| / sd` with ``TTestIndPower``.

    Examples
    --------
    >>> round(required_n_per_group(0.80, 0.90))
    195
    """
    if kind == "proportion":
        effect = abs(cohens_h(baseline, target))
    else:
        if not sd or sd <= 0:
            raise ValueError("a mean KPI needs a positive standard deviation")
        effect = abs(target - baseline) / sd
    if effect == 0:
        return math.inf
    return _required_n(effect, kind, alpha, power)


@functools.lru_cache(maxsize=4096)
def _required_n(effect: float, kind: str, alpha: float, power: float) -> float:
    # Cached: the calculators ask the same power questions on every keystroke, and each
    # statsmodels root-finding solve costs a few milliseconds.
    from statsmodels.stats.power import NormalIndPower, TTestIndPower

    solver: Any = NormalIndPower() if kind == "proportion" else TTestIndPower()
    return float(
        solver.solve_power(effect_size=effect, nobs1=None, alpha=alpha, power=power, ratio=1.0)
    )


def min_detectable_change(
    baseline: float,
    n_per_group: float,
    *,
    kind: str = "proportion",
    direction: str = "higher",
    sd: float | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> float | None:
    """Smallest change from ``baseline`` detectable with ``n_per_group`` observations per group.

    Proportions: solve Cohen's h for ``n_per_group`` with ``NormalIndPower``, then move
    ``baseline`` by h in the improving direction,
    :math:`p_2 = \\sin^2(\\arcsin\\sqrt{p_1} \\pm h/2)`; returns :math:`|p_2 - p_1|`, or ``None``
    when no reachable proportion is that far away. Means: ``TTestIndPower`` d times ``sd``.

    Examples
    --------
    >>> round(min_detectable_change(0.80, 195), 3)
    0.1
    """
    if not n_per_group or n_per_group < 2:
        return None
    effect = _detectable_effect(n_per_group, kind, alpha, power)
    if kind == "proportion":
        p1 = min(max(baseline, 0.0), 1.0)
        sign = 1 if direction == "higher" else -1
        angle = math.asin(math.sqrt(p1)) + sign * effect / 2
        if angle > math.pi / 2 or angle < 0:
            return None
        return abs(math.sin(angle) ** 2 - p1)
    if not sd or sd <= 0:
        return None
    return effect * sd


def no_detectable_change(kind: str, n_per_period: float) -> str:
    """Why no minimum detectable change exists: too little data, or none within the scale.

    >>> no_detectable_change("proportion", 12.0)
    'larger than any possible change'
    """
    if not n_per_period or n_per_period < 2:
        return "undefined with under 2 observations"
    if kind == "proportion":
        return "larger than any possible change"
    return "unknown without a standard deviation"


@functools.lru_cache(maxsize=4096)
def _detectable_effect(n: float, kind: str, alpha: float, power: float) -> float:
    from statsmodels.stats.power import NormalIndPower, TTestIndPower

    solver: Any = NormalIndPower() if kind == "proportion" else TTestIndPower()
    try:
        return float(
            solver.solve_power(effect_size=None, nobs1=n, alpha=alpha, power=power, ratio=1.0)
        )
    except Exception:  # pragma: no cover - root finding failed; use the normal approximation
        from scipy.stats import norm

        return float((norm.ppf(1 - alpha / 2) + norm.ppf(power)) * math.sqrt(2 / n))
