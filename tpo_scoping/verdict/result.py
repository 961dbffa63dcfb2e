"""The fit verdict's typed result: a recommendation, its headline, reasons, criteria and risks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from tpo_scoping.serialize import FlatResult

Recommendation = Literal["tpo", "catalog_licensing", "custom_course_development", "not_ready"]
Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER: tuple[Severity, ...] = ("high", "medium", "low")
"""Risks are listed in this order, the most serious first."""

LABELS = {
    "tpo": "Managed training (TPO)",
    "catalog_licensing": "Catalog licensing",
    "custom_course_development": "Custom course development",
    "not_ready": "Not ready yet",
}
"""Plain names of the verdicts, for headlines and tables."""


@dataclass(frozen=True)
class Criterion(FlatResult):
    """One of the TPO guide's criteria, whether it holds for this prospect, and the evidence."""

    key: str
    label: str
    met: bool | None
    detail: str
    source: str


@dataclass(frozen=True)
class Risk(FlatResult):
    """A risk to the engagement, how serious it is, and what mitigates it."""

    key: str
    risk: str
    severity: Severity
    mitigation: str
    failure_mode: bool = False


@dataclass(frozen=True)
class FitVerdict:
    """The recommendation, its one-sentence headline, the deciding reasons and the risks.

    ``basis`` says what the recommendation rests on: ``"cost"`` (the recommended option is not
    dearer than the alternatives the headline names), ``"compliance"`` (TPO recommended in a
    regulated domain although it costs more, the extra cost stated in the headline),
    ``"criteria"`` (no economics were given) or ``"readiness"`` (not ready).
    """

    recommendation: Recommendation
    headline: str
    reasons: list[str]
    risks: list[Risk]
    criteria: list[Criterion] = field(default_factory=list)
    interim: str | None = None
    basis: Literal["cost", "compliance", "criteria", "readiness"] = "criteria"

    @property
    def label(self) -> str:
        return LABELS[self.recommendation]

    def criterion(self, key: str) -> Criterion:
        return next(c for c in self.criteria if c.key == key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recommendation": self.recommendation,
            "label": self.label,
            "basis": self.basis,
            "headline": self.headline,
            "reasons": list(self.reasons),
            "risks": [r.to_dict() for r in self.risks],
            "criteria": [c.to_dict() for c in self.criteria],
            "interim": self.interim,
        }
