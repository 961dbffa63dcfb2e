"""Default assumptions as data: every cost and benchmark the economics uses.

Each value lives in ``tpo_scoping/data/assumptions.yaml`` with a unit, a plausible range (used by
the sensitivity analysis and the Monte Carlo) and either a public source or the word
``assumption`` with a rationale. A profile's ``assumptions:`` section overrides any value by name.

Overrides are checked here, where they enter: each unit has hard bounds in the same file (the
values the assumption can take at all, each with its rationale). An override outside them is an
error naming the bounds; one inside them but outside the sourced range is accepted, widens the
range the uncertainty analyses sweep, and is reported by :func:`override_warnings` (which
``tpo-scoping validate`` prints).

Examples
--------
>>> table = resolve_assumptions({})
>>> all(a.min_value <= a.low <= a.value <= a.high <= a.max_value for a in table.values())
True
>>> print(override_warnings({"loaded_hourly_rate_onshore_manager": 150})[0][:89])
assumptions.loaded_hourly_rate_onshore_manager: 150 USD/hour is outside the sourced range

"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from tpo_scoping.errors import InputError, Problem, did_you_mean
from tpo_scoping.reference import load_reference


@dataclass(frozen=True)
class Assumption:
    """One named default with its unit, plausible range and provenance."""

    name: str
    value: float
    unit: str
    low: float
    high: float
    source: str
    rationale: str = ""
    group: str = ""
    description: str = ""
    vary: bool = True
    """False for contract structure (e.g. tier limits): the Monte Carlo holds it at its value."""
    min_value: float = float("-inf")
    max_value: float = float("inf")
    """Hard bounds: the values the assumption can take at all (``bounds`` in the data file)."""
    bounds_rationale: str = ""

    @property
    def is_assumption(self) -> bool:
        """True when no public source backs the value."""
        return self.source.strip().lower().startswith("assumption")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "range": [self.low, self.high],
            "source": self.source,
            "rationale": self.rationale,
            "group": self.group,
            "description": self.description,
            "vary": self.vary,
        }


@cache
def default_assumptions() -> dict[str, Assumption]:
    """The packaged defaults, keyed by name."""
    reference = load_reference("assumptions")
    raw = reference["assumptions"]
    bounds = reference["bounds"]
    table = {}
    for name, spec in raw.items():
        low, high = spec["range"]
        unit_bounds = bounds[str(spec["unit"])]
        item = Assumption(
            name=name,
            value=float(spec["value"]),
            unit=str(spec["unit"]),
            low=float(low),
            high=float(high),
            source=str(spec["source"]),
            rationale=str(spec.get("rationale", "")),
            group=str(spec.get("group", "")),
            description=str(spec.get("description", "")),
            vary=bool(spec.get("vary", True)),
            min_value=float(unit_bounds["min"]),
            max_value=float(unit_bounds["max"]),
            bounds_rationale=str(unit_bounds["rationale"]),
        )
        if not item.min_value <= item.low <= item.value <= item.high <= item.max_value:
            # pragma: no cover - guarded by a test
            raise RuntimeError(f"assumptions.yaml: {name} value outside its range or bounds")
        table[name] = item
    return table


def resolve_assumptions(overrides: Mapping[str, float] | None = None) -> dict[str, Assumption]:
    """Defaults with a profile's overrides applied.

    An overridden value keeps the default's unit; its source becomes ``"profile override"`` and
    its range widens, if needed, to include the new value (see :func:`override_warnings`).

    Raises
    ------
    InputError
        When an override names no known assumption, is not a finite number, or lies outside the
        assumption's hard bounds; one problem per override, naming it.
    """
    table = dict(default_assumptions())
    problems = []
    for name, value in (overrides or {}).items():
        if name not in table:
            hint = did_you_mean(name, table)
            problems.append(Problem(f"assumptions.{name}", f"unknown assumption{hint}"))
            continue
        base = table[name]
        problem = _out_of_bounds(base, value)
        if problem:
            problems.append(Problem(f"assumptions.{name}", problem))
            continue
        value = float(value)
        table[name] = replace(
            base,
            value=value,
            low=min(base.low, value),
            high=max(base.high, value),
            source="profile override",
            rationale=(
                f"set in the prospect profile (default {base.value:g} {base.unit}; {base.source})"
            ),
        )
    if problems:
        raise InputError(problems)
    return table


def _out_of_bounds(base: Assumption, value: Any) -> str:
    """Why ``value`` cannot stand for ``base`` ("" when it can)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number in {base.unit}, got {value!r}"
    number = float(value)
    if not math.isfinite(number):
        return f"must be a finite number, got {number}"
    if not base.min_value <= number <= base.max_value:
        return (
            f"{number:g} {base.unit} is outside what this value can be: "
            f"{base.min_value:,g} to {base.max_value:,g} {base.unit}"
            f" ({base.bounds_rationale.rstrip('.')})"
        )
    return ""


def override_warnings(overrides: Mapping[str, float] | None) -> list[str]:
    """A warning for each valid override outside its assumption's sourced range.

    Such a value is legal (inside the hard bounds) but not what the sources support; the
    sensitivity and the Monte Carlo sweep a range stretched to include it. Unknown or invalid
    overrides are left to :func:`resolve_assumptions`, which refuses them.
    """
    table = default_assumptions()
    warnings = []
    for name, value in (overrides or {}).items():
        base = table.get(name)
        if base is None or _out_of_bounds(base, value):
            continue
        number = float(value)
        if not base.low <= number <= base.high:
            warnings.append(
                f"assumptions.{name}: {number:g} {base.unit} is outside the sourced range "
                f"{base.low:g} to {base.high:g} {base.unit}; the sensitivity and the Monte Carlo "
                "stretch the range to include it; check the figure"
            )
    return warnings
