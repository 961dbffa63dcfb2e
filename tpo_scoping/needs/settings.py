"""Settings of the needs analysis, read from ``tpo_scoping/data/needs_defaults.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from tpo_scoping.reference import load_reference


@dataclass(frozen=True)
class NeedsSettings:
    """Thresholds and defaults of the needs analysis; every default has a source in the YAML.

    Examples
    --------
    >>> settings = NeedsSettings.defaults()
    >>> settings.pass_mark, settings.weight_for("hipaa_privacy") > settings.weight_for("typing")
    (70.0, True)
    >>> NeedsSettings.defaults(pass_mark=75).pass_mark
    75.0
    """

    pass_mark: float = 70.0
    target_proficiency: float = 80.0
    confidence: float = 0.95
    alpha: float = 0.05
    min_group_size: int = 3
    min_test_group_size: int = 10
    """Smallest group tested against others; smaller ones are pooled or left out, with a note."""
    proficiency_share: float = 0.9
    ramp_bin_weeks: float = 2.0
    ramp_max_weeks: float = 156.0
    ramp_min_employees: int = 5
    retention_days: tuple[int, ...] = (30, 90, 180)
    cohort_frequency: str = "Q"
    expiring_windows: tuple[int, ...] = (30, 60, 90)
    impact_window_months: int = 3
    impact_min_trained: int = 5
    impact_tenure_bands: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 18, 24, 36)
    """Upper bounds (months) of the tenure bands trainees are matched on."""
    impact_placebo_runs: int = 10
    impact_placebo_dates: int = 3
    best_quartile: float = 0.25
    best_quartile_min_groups: int = 4
    top_priorities: int = 10
    default_weight: float = 1.0
    weight_groups: tuple[tuple[str, tuple[str, ...], float], ...] = field(default=())
    """(group name, name patterns, weight), first match wins."""
    competency_weights: dict[str, float] = field(default_factory=dict)
    """Explicit weights per competency (the prospect's own ranking), ahead of the patterns."""

    @classmethod
    def defaults(cls, **overrides: Any) -> NeedsSettings:
        """The packaged defaults, with optional overrides by field name."""
        raw = load_reference("needs_defaults")
        values: dict[str, Any] = {}
        names = {f.name: f for f in fields(cls)}
        for key, entry in raw["settings"].items():
            if key not in names:
                continue
            value = entry["value"]
            values[key] = tuple(value) if isinstance(value, list) else value
        for key in ("pass_mark", "target_proficiency", "ramp_bin_weeks", "ramp_max_weeks"):
            values[key] = float(values[key])
        weights = raw["business_weights"]
        values["default_weight"] = float(weights["default"]["value"])
        values["weight_groups"] = tuple(
            (g["name"], tuple(str(p).lower() for p in g["patterns"]), float(g["value"]))
            for g in weights.get("groups", [])
        )
        settings = cls(**values)
        if overrides:
            unknown = sorted(set(overrides) - set(names))
            if unknown:
                raise TypeError(f"unknown needs settings: {', '.join(unknown)}")
            for key in ("pass_mark", "target_proficiency"):
                if key in overrides:
                    overrides[key] = float(overrides[key])
            settings = replace(settings, **overrides)
        return settings

    def weight_for(self, competency: str) -> float:
        """Business weight of a competency: explicit, else the first matching group, else 1."""
        if competency in self.competency_weights:
            return float(self.competency_weights[competency])
        name = competency.lower()
        for _, patterns, weight in self.weight_groups:
            if any(p in name for p in patterns):
                return weight
        return self.default_weight

    def sources(self) -> dict[str, dict[str, Any]]:
        """Each default's value, unit and source, for reports."""
        return {k: dict(v) for k, v in load_reference("needs_defaults")["settings"].items()}
