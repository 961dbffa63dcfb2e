"""The typed result of the break-even economics, and the facts other analyses read from it.

Every option's cost over the horizon is split into **cash** (what is invoiced or paid) and
**imputed** cost (people's time and output, which no invoice shows), each itemised:
``total_cost = cash_cost + imputed_cost``, with imputed costs counted at the result's
``imputed_share`` (1 unless a conservative view asked for less). Totals are undiscounted, as is
the break-even; ``npv`` and ``present_value_cost`` are the only discounted figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from tpo_scoping.serialize import FlatResult

if TYPE_CHECKING:
    import pandas as pd

    from tpo_scoping.assumptions import Assumption

Basis = Literal["cash", "imputed"]

QUOTE_BAND = (0.4, 0.6)
"""The modelled break-even is quoted only where the simulation finds TPO cheaper in 40-60 % of
futures at that team size; otherwise the headline quotes the simulation's median and interval."""


@dataclass(frozen=True)
class CostLine:
    """One cost line of one option over the horizon (imputed lines as counted)."""

    key: str
    label: str
    basis: Basis
    total: float


@dataclass(frozen=True)
class OptionCost:
    """What one option costs over the horizon, split into cash and imputed cost."""

    key: str
    label: str
    cash_cost: float
    imputed_cost: float
    lines: tuple[CostLine, ...]
    manager_hours: float
    """Onshore managers' hours over the horizon (management time, re-onboarding, admin)."""
    monthly_cost_per_fte: float
    present_value_cost: float
    is_current_practice: bool
    saving_vs_current_practice: float
    cash_saving_vs_current_practice: float
    npv: float
    payback_month: int | None
    cash_payback_month: int | None

    @property
    def total_cost(self) -> float:
        return self.cash_cost + self.imputed_cost

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "total_cost": self.total_cost,
            "cash_cost": self.cash_cost,
            "imputed_cost": self.imputed_cost,
            "cash_lines": {ln.key: ln.total for ln in self.lines if ln.basis == "cash"},
            "imputed_lines": {ln.key: ln.total for ln in self.lines if ln.basis == "imputed"},
            "manager_hours": self.manager_hours,
            "monthly_cost_per_fte": self.monthly_cost_per_fte,
            "present_value_cost": self.present_value_cost,
            "is_current_practice": self.is_current_practice,
            "saving_vs_current_practice": self.saving_vs_current_practice,
            "cash_saving_vs_current_practice": self.cash_saving_vs_current_practice,
            "npv": self.npv,
            "payback_month": self.payback_month,
            "cash_payback_month": self.cash_payback_month,
        }


@dataclass(frozen=True)
class ConservativeView(FlatResult):
    """Break-even and cheapest option with imputed costs counted at ``imputed_share`` (0-1)."""

    imputed_share: float
    break_even_fte: float | None
    break_even_reason: str | None
    cheapest_option: str
    tpo_total: float
    best_alternative: str
    best_alternative_total: float


@dataclass(frozen=True)
class MonteCarloSummary:
    """What the simulation found, with the distribution it drew from.

    Break-even percentiles count a scenario where TPO is cheaper from 1 FTE as 1 FTE and one
    with no crossing up to the search limit as beyond it (``None`` where a percentile falls
    there).
    """

    n: int
    seed: int
    distribution: str
    break_even_percentiles: dict[str, float | None]
    share_tpo_cheaper_from_1_fte: float
    share_no_crossing: float
    max_fte_searched: float
    probability_tpo_cheaper: float
    probability_tpo_cheaper_cash: float
    probability_tpo_cheaper_at_break_even: float | None
    probability_cheapest: dict[str, float]
    saving_percentiles: dict[str, float]
    cash_saving_percentiles: dict[str, float]
    saving_vs_today_percentiles: dict[str, float]
    """TPO's total saving against today's practice across the futures (negative: it costs more)."""
    cash_saving_vs_today_percentiles: dict[str, float]

    @property
    def break_even_median(self) -> float | None:
        return self.break_even_percentiles.get("p50")

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "seed": self.seed,
            "distribution": self.distribution,
            "break_even_fte_percentiles": dict(self.break_even_percentiles),
            "share_tpo_cheaper_from_1_fte": self.share_tpo_cheaper_from_1_fte,
            "share_no_crossing_below_max_fte": self.share_no_crossing,
            "max_fte_searched": self.max_fte_searched,
            "probability_tpo_cheaper": self.probability_tpo_cheaper,
            "probability_tpo_cheaper_cash": self.probability_tpo_cheaper_cash,
            "probability_tpo_cheaper_at_break_even": self.probability_tpo_cheaper_at_break_even,
            "probability_cheapest": dict(self.probability_cheapest),
            "saving_vs_catalog_percentiles": dict(self.saving_percentiles),
            "cash_saving_vs_catalog_percentiles": dict(self.cash_saving_percentiles),
            "saving_vs_today_percentiles": dict(self.saving_vs_today_percentiles),
            "cash_saving_vs_today_percentiles": dict(self.cash_saving_vs_today_percentiles),
        }


@dataclass(frozen=True)
class SensitivityRow:
    """One assumption swung to the ends of its range, everything else at its value."""

    name: str
    description: str
    unit: str
    value: float
    low_value: float
    high_value: float
    break_even_at_low: float | None
    break_even_at_high: float | None
    swing: float | None
    saving_vs_catalog_at_low: float
    saving_vs_catalog_at_high: float
    saving_swing: float
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "value": self.value,
            "low_value": self.low_value,
            "high_value": self.high_value,
            "break_even_at_low": self.break_even_at_low,
            "break_even_at_high": self.break_even_at_high,
            "swing": self.swing,
            "saving_vs_catalog_at_low": self.saving_vs_catalog_at_low,
            "saving_vs_catalog_at_high": self.saving_vs_catalog_at_high,
            "saving_swing": self.saving_swing,
            "rank": self.rank,
        }


@dataclass(frozen=True)
class QuotedBreakEven(FlatResult):
    """The break-even a headline may quote, and which figure it is.

    ``source`` is ``"model"`` (the modelled break-even at the stated assumptions, confirmed by
    the simulation or quoted without one) or ``"simulation"`` (the simulation's median with its
    90 % interval, where the modelled figure sits outside the middle of the simulated futures).
    """

    fte: float
    low: float | None
    high: float | None
    source: Literal["model", "simulation"]


@dataclass(frozen=True)
class Comparison:
    """TPO against another option over the horizon: positive figures mean TPO costs more."""

    other: str
    cash_difference: float
    imputed_difference: float
    manager_hours_freed: float
    """Onshore managers' hours TPO saves against the other option."""

    @property
    def total_difference(self) -> float:
        return self.cash_difference + self.imputed_difference

    @property
    def rests_on_imputed_time(self) -> bool:
        """TPO costs more in cash, and its whole advantage is imputed (time and output)."""
        return self.cash_difference > 0 and self.total_difference <= 0


@dataclass(frozen=True)
class BreakEvenResult:
    """Everything :func:`~tpo_scoping.economics.break_even` computed. No display code.

    Numbers are in USD over the horizon, undiscounted, unless a name says otherwise.
    DataFrame attributes (``headcount``, ``monthly_costs``, ``cumulative_costs``,
    ``cost_vs_fte``, ``cost_breakdown``, ``monte_carlo_histogram``, ``monte_carlo_draws``) feed
    the charts and stay out of :meth:`to_dict`.
    """

    prospect: str
    horizon_months: int
    team_fte_now: float
    team_fte_end: float
    current_practice: str
    current_training: str
    imputed_share: float
    go_live_week: float
    break_even_fte: float | None
    break_even_reason: str | None
    break_even_fte_cash: float | None
    break_even_cash_reason: str | None
    break_even_fte_steady_team: float | None
    break_even_by_option: dict[str, float | None]
    break_even_reasons_by_option: dict[str, str | None]
    crossing_month: int | None
    crossing_reason: str | None
    options: dict[str, OptionCost]
    current_practice_costs: OptionCost
    conservative: tuple[ConservativeView, ...]
    monte_carlo: MonteCarloSummary | None
    sensitivity: tuple[SensitivityRow, ...]
    assumptions: dict[str, Assumption]
    discount_rate: float
    notes: tuple[str, ...]
    headcount: pd.DataFrame = field(repr=False)
    monthly_costs: pd.DataFrame = field(repr=False)
    cumulative_costs: pd.DataFrame = field(repr=False)
    cost_vs_fte: pd.DataFrame = field(repr=False)
    cost_breakdown: pd.DataFrame = field(repr=False)
    monte_carlo_histogram: pd.DataFrame | None = field(default=None, repr=False)
    monte_carlo_draws: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def cheapest_option(self) -> str:
        """The option with the lowest total cost (imputed at ``imputed_share``)."""
        return min(self.options, key=lambda o: self.options[o].total_cost)

    @property
    def cheapest_option_cash(self) -> str:
        """The option with the lowest cash cost."""
        return min(self.options, key=lambda o: self.options[o].cash_cost)

    @property
    def best_alternative(self) -> str:
        """The cheapest option other than TPO (total cost)."""
        others = [o for o in self.options if o != "tpo"]
        return min(others, key=lambda o: self.options[o].total_cost)

    @property
    def probability_tpo_cheaper(self) -> float | None:
        return None if self.monte_carlo is None else self.monte_carlo.probability_tpo_cheaper

    def tpo_against(self, other: str | None = None) -> Comparison:
        """TPO against ``other`` (default: the best alternative): cash, imputed, hours."""
        key = other or self.best_alternative
        tpo, alt = self.options["tpo"], self.options[key]
        return Comparison(
            key,
            tpo.cash_cost - alt.cash_cost,
            tpo.imputed_cost - alt.imputed_cost,
            alt.manager_hours - tpo.manager_hours,
        )

    def quoted_break_even(self) -> QuotedBreakEven | None:
        """The break-even a headline quotes: modelled, or the simulation's median.

        The modelled figure stands when there is no simulation, or when TPO is cheaper in
        40-60 % of simulated futures at that team size (:data:`QUOTE_BAND`). Otherwise the two
        would tell different stories, and the simulation's median and 90 % interval are quoted.
        ``None`` when neither finds a team size to reach: TPO cheaper from 1 FTE, or never.
        """
        mc = self.monte_carlo
        point = self.break_even_fte
        if point is not None and (mc is None or _in_band(mc.probability_tpo_cheaper_at_break_even)):
            return QuotedBreakEven(point, None, None, "model")
        median = None if mc is None else mc.break_even_median
        if mc is None or median is None or median <= 1.0:
            return None
        p = mc.break_even_percentiles
        return QuotedBreakEven(median, p.get("p5"), p.get("p95"), "simulation")

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready result (the ``tpo-scoping breakeven --format json`` payload)."""
        quoted = self.quoted_break_even()
        return {
            "prospect": self.prospect,
            "horizon_months": self.horizon_months,
            "team_fte_now": self.team_fte_now,
            "team_fte_end": self.team_fte_end,
            "current_practice": self.current_practice,
            "current_training": self.current_training,
            "imputed_share": self.imputed_share,
            "discounted": False,
            "go_live_week": self.go_live_week,
            "break_even_fte": self.break_even_fte,
            "break_even_reason": self.break_even_reason,
            "break_even_fte_cash": self.break_even_fte_cash,
            "break_even_cash_reason": self.break_even_cash_reason,
            "break_even_fte_steady_team": self.break_even_fte_steady_team,
            "quoted_break_even": None
            if quoted is None
            else {
                "fte": quoted.fte,
                "low": quoted.low,
                "high": quoted.high,
                "source": quoted.source,
            },
            "break_even_by_option": dict(self.break_even_by_option),
            "break_even_reasons_by_option": dict(self.break_even_reasons_by_option),
            "crossing_month": self.crossing_month,
            "crossing_reason": self.crossing_reason,
            "options": {k: v.to_dict() for k, v in self.options.items()},
            "current_practice_costs": self.current_practice_costs.to_dict(),
            "cheapest_option": self.cheapest_option,
            "cheapest_option_cash": self.cheapest_option_cash,
            "best_alternative": self.best_alternative,
            "conservative": [v.to_dict() for v in self.conservative],
            "probability_tpo_cheaper": self.probability_tpo_cheaper,
            "monte_carlo": None if self.monte_carlo is None else self.monte_carlo.to_dict(),
            "sensitivity": [r.to_dict() for r in self.sensitivity],
            "discount_rate": self.discount_rate,
            "assumptions": {k: _assumption_dict(a) for k, a in self.assumptions.items()},
            "notes": list(self.notes),
        }


def _in_band(p: float | None) -> bool:
    return p is not None and math.isfinite(p) and QUOTE_BAND[0] <= p <= QUOTE_BAND[1]


def _assumption_dict(a: Assumption) -> dict[str, Any]:
    d = a.to_dict()
    d.pop("name")
    return d
