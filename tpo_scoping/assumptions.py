"""Default assumptions as data: every cost and benchmark the economics uses.

Each value lives in ``tpo_scoping/data/assumptions.yaml`` with a unit, a plausible range (used by
the sensitivity analysis and the Monte Carlo) and either a public source or the word
``assumption`` with a rationale. A profile's ``assumptions:`` section overrides any value by name.

Examples
--------
>>> table = resolve_assumptions({})
>>> all(a.low <= a.value <= a.high for a in table.values())
True
"""

from __future__ import annotations

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
    raw = load_reference("assumptions")["assumptions"]
    table = {}
    for name, spec in raw.items():
        low, high = spec["range"]
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
        )
        if not item.low <= item.value <= item.high:  # pragma: no cover - guarded by a test
            raise RuntimeError(f"assumptions.yaml: {name} value outside its range")
        table[name] = item
    return table


def resolve_assumptions(overrides: Mapping[str, float] | None = None) -> dict[str, Assumption]:
    """Defaults with a profile's overrides applied.

    An overridden value keeps the default's unit; its source becomes ``"profile override"`` and
    its range widens, if needed, to include the new value.

    Raises
    ------
    InputError
        When an override names no known assumption.
    """
    table = dict(default_assumptions())
    problems = []
    for name, value in (overrides or {}).items():
        if name not in table:
            hint = did_you_mean(name, table)
            problems.append(Problem(f"assumptions.{name}", f"unknown assumption{hint}"))
            continue
        base = table[name]
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
