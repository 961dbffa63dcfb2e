"""Break-even economics of managed training (TPO) against catalog licensing and the alternatives.

Entry points:

* :func:`break_even` - the full analysis of one prospect (cash and imputed costs, break-evens,
  conservative views, sensitivity, Monte Carlo) as a :class:`BreakEvenResult`;
* :func:`what_would_have_to_be_true` - the retainer, team size, overhead and hiring pace at
  which TPO and catalog licensing cost the same.

The model lives in :mod:`~tpo_scoping.economics.model`, the typed result in
:mod:`~tpo_scoping.economics.result`, the solvers in :mod:`~tpo_scoping.economics.solve`, the
uncertainty in :mod:`~tpo_scoping.economics.uncertainty` and the tipping points in
:mod:`~tpo_scoping.economics.thresholds`.
Every default comes from ``tpo_scoping/data/assumptions.yaml``.
"""

from tpo_scoping.economics.analysis import CONSERVATIVE_SHARES, break_even, default_params
from tpo_scoping.economics.model import CURRENT_PRACTICE, OPTIONS
from tpo_scoping.economics.result import (
    BreakEvenResult,
    Comparison,
    ConservativeView,
    CostLine,
    MonteCarloSummary,
    OptionCost,
    QuotedBreakEven,
    SensitivityRow,
)
from tpo_scoping.economics.solve import MAX_FTE
from tpo_scoping.economics.thresholds import Threshold, what_would_have_to_be_true
from tpo_scoping.economics.uncertainty import MonteCarlo, draw_assumptions, monte_carlo, tornado
from tpo_scoping.labels import OPTION_LABELS

__all__ = [
    "CONSERVATIVE_SHARES",
    "CURRENT_PRACTICE",
    "MAX_FTE",
    "OPTIONS",
    "OPTION_LABELS",
    "BreakEvenResult",
    "Comparison",
    "ConservativeView",
    "CostLine",
    "MonteCarlo",
    "MonteCarloSummary",
    "OptionCost",
    "QuotedBreakEven",
    "SensitivityRow",
    "Threshold",
    "break_even",
    "default_params",
    "draw_assumptions",
    "monte_carlo",
    "tornado",
    "what_would_have_to_be_true",
]
