"""The cost model: six engagement options and today's practice, costed month by month.

Every option's monthly cost is a sum of named *components*. Each component is an amount (an
array with one value per assumption scenario) times a *driver* taken from the headcount
projection:

========================  ==========================================================
kind                      driver in month m
========================  ==========================================================
``fixed``                 1
``per_fte``               FTE(m)
``per_hire``              hires(m)
``per_leaver``            leavers(m)
``one_off``               1 in month 1, else 0
``tier``                  FTE(m) falling inside a pricing tier, clip(FTE − lo, 0, hi − lo)
``trainers``              ceil(FTE(m) / FTE per trainer)
``trainer_hiring``        trainers added beyond the running maximum (and existing staff)
========================  ==========================================================

Headcount follows the profile: FTE(m) = FTE(m−1) + hires per quarter / 3 − attrition / 12 ×
FTE(m−1), starting from today's FTE. Because FTE(m) = g(m)·n + k(m) is affine in the starting
size n, every component except ``tier`` and ``trainers`` is affine in n; the Monte Carlo uses
that to solve break-evens for 100,000 scenarios without a loop.

Hidden costs are components flagged ``hidden``: onshore management time, ramp-time productivity,
re-onboarding after attrition, compliance-gap exposure and client-side platform administration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile

OPTIONS: tuple[str, ...] = (
    "tpo",
    "catalog_licensing",
    "custom_course_development",
    "internal_ld",
    "lms_only",
    "adhoc_vendor",
)
"""The engagement options, in display order (colours in :data:`tpo_scoping.charts.PALETTE`)."""

CURRENT_PRACTICE = "current_practice"
"""Key of today's informal practice (manager walkthroughs) when it is not one of the options."""

OPTION_LABELS = {
    "tpo": "TPO (managed training)",
    "catalog_licensing": "Catalog licensing",
    "custom_course_development": "Custom course development",
    "internal_ld": "Internal L&D team",
    "lms_only": "LMS platform only",
    "adhoc_vendor": "Ad-hoc training vendor",
    CURRENT_PRACTICE: "Current practice (manager walkthroughs)",
}

COMPONENT_LABELS = {
    "setup_fee": "TPO setup fee",
    "retainer_base": "TPO retainer (base)",
    "retainer_per_fte": "TPO retainer (per-FTE tiers)",
    "licences": "Catalog licences",
    "development": "Course development",
    "refreshes": "Course refreshes",
    "lms_platform": "LMS subscription",
    "lms_users": "LMS per-user fees",
    "lms_implementation": "LMS implementation",
    "trainers": "Internal trainers",
    "trainer_recruiting": "Trainer recruiting",
    "content": "Content budget",
    "workshops": "Vendor workshops",
    "onboarding_sessions": "Vendor onboarding sessions",
    "platform_admin": "Client platform administration",
    "management_time": "Onshore management time",
    "ramp": "Ramp-time productivity lost",
    "reonboarding": "Re-onboarding after attrition",
    "compliance_gap": "Compliance-gap exposure",
}

AFFINE_KINDS = frozenset({"fixed", "per_fte", "per_hire", "per_leaver", "one_off"})
ONE_OFF_KINDS = frozenset({"one_off", "trainer_hiring"})
WEEKS_PER_MONTH = 52.0 / 12.0

Params = Mapping[str, np.ndarray]
"""Assumption values by name, each an array with one entry per scenario (shape ``(S,)``)."""


@dataclass(frozen=True)
class Context:
    """What the profile says that the cost model needs (not uncertain: the prospect's data)."""

    team_fte_now: float
    hires_per_month: float
    monthly_attrition: float
    regulated_domains: int
    current_training: str
    internal_ld_staff: float
    horizon_months: int

    @classmethod
    def from_profile(cls, profile: Profile, horizon_months: int) -> Context:
        """Read the headcount plan, compliance domains and current training from a profile."""
        return cls(
            team_fte_now=float(profile.total_fte),
            hires_per_month=float(profile.growth.hires_per_quarter) / 3.0,
            monthly_attrition=float(profile.growth.annual_attrition) / 12.0,
            regulated_domains=sum(1 for d in profile.compliance_domains if d != "general"),
            current_training=str(profile.current_training.value),
            internal_ld_staff=float(profile.internal_ld_staff),
            horizon_months=int(horizon_months),
        )

    @property
    def baseline(self) -> str:
        """The key of today's practice: an option, or :data:`CURRENT_PRACTICE`."""
        return self.current_training if self.current_training in OPTIONS else CURRENT_PRACTICE


@dataclass(frozen=True)
class Headcount:
    """Headcount projections for one or more starting team sizes.

    ``fte[p, m]`` is the team in month ``m + 1`` when it starts at ``start[p]`` FTE:
    FTE(m) = r^m · n + h · (1 + r + … + r^(m−1)), with r = 1 − attrition/12 and h the hires
    per month; leavers(m) = attrition/12 × FTE(m−1).

    Examples
    --------
    >>> ctx = Context(50, 10.0, 0.0, 0, "manager_walkthroughs", 0, 3)
    >>> Headcount.project([50.0], ctx).fte.tolist()
    [[60.0, 70.0, 80.0]]
    """

    start: np.ndarray
    fte: np.ndarray
    hires: np.ndarray
    leavers: np.ndarray
    growth_factor: np.ndarray = field(repr=False)
    growth_offset: np.ndarray = field(repr=False)

    @classmethod
    def project(cls, start_fte: Any, ctx: Context) -> Headcount:
        start = np.atleast_1d(np.asarray(start_fte, dtype=float))
        months = ctx.horizon_months
        r = 1.0 - ctx.monthly_attrition
        g = r ** np.arange(1, months + 1, dtype=float)
        # k(m) = h · Σ_{j<m} r^j, accumulated so that r = 1 needs no special case
        k = ctx.hires_per_month * np.cumsum(r ** np.arange(months, dtype=float))
        fte = start[:, None] * g[None, :] + k[None, :]
        previous = np.concatenate([start[:, None], fte[:, :-1]], axis=1)
        leavers = ctx.monthly_attrition * previous
        hires = np.full(months, ctx.hires_per_month)
        return cls(start, fte, hires, leavers, g, k)

    @property
    def months(self) -> int:
        return int(self.fte.shape[1])

    @cached_property
    def fte_months(self) -> np.ndarray:
        return np.asarray(self.fte.sum(axis=1))

    @cached_property
    def leaver_total(self) -> np.ndarray:
        return np.asarray(self.leavers.sum(axis=1))


@dataclass(frozen=True)
class Component:
    """One cost line of one option: ``amount`` (per scenario) times a headcount driver."""

    option: str
    name: str
    kind: str
    amount: np.ndarray
    hidden: bool = False
    lo: float = 0.0
    hi: float = float("inf")
    fte_per_trainer: np.ndarray | None = None
    existing: float = 0.0

    def driver(self, hc: Headcount) -> np.ndarray:
        """The driver per month, shape ``(P, M)`` or ``(S, P, M)`` for trainer kinds."""
        shape = hc.fte.shape
        if self.kind == "fixed":
            return np.ones(shape)
        if self.kind == "per_fte":
            return hc.fte
        if self.kind == "per_hire":
            return np.broadcast_to(hc.hires, shape)
        if self.kind == "per_leaver":
            return hc.leavers
        if self.kind == "one_off":
            out = np.zeros(shape)
            out[:, 0] = 1.0
            return out
        if self.kind == "tier":
            return np.clip(hc.fte - self.lo, 0.0, self.hi - self.lo)
        trainers = self._trainers(hc)
        if self.kind == "trainers":
            return trainers
        if self.kind == "trainer_hiring":
            running = np.maximum.accumulate(np.maximum(trainers, self.existing), axis=-1)
            before = np.concatenate(
                [np.full((*running.shape[:-1], 1), self.existing), running[..., :-1]], axis=-1
            )
            return running - before
        raise ValueError(f"unknown component kind {self.kind!r}")

    def _trainers(self, hc: Headcount) -> np.ndarray:
        assert self.fte_per_trainer is not None
        per = np.asarray(self.fte_per_trainer, dtype=float)[:, None, None]
        # a small tolerance so that exactly 50 FTE at 50 per trainer needs 1, not 2
        return np.ceil(hc.fte[None, :, :] / per - 1e-9)

    def monthly(self, hc: Headcount) -> np.ndarray:
        """Cost per month, shape ``(S, P, M)``."""
        return self.amount[:, None, None] * self.driver(hc)

    def total(self, hc: Headcount) -> np.ndarray:
        """Cost summed over the horizon, shape ``(S, P)``."""
        a = self.amount[:, None]
        if self.kind == "fixed":
            return a * float(hc.months) + np.zeros(hc.start.shape)
        if self.kind == "per_fte":
            return a * hc.fte_months[None, :]
        if self.kind == "per_hire":
            return a * float(hc.hires.sum()) + np.zeros(hc.start.shape)
        if self.kind == "per_leaver":
            return a * hc.leaver_total[None, :]
        if self.kind == "one_off":
            return a + np.zeros(hc.start.shape)
        if self.kind == "tier":
            return a * self.driver(hc).sum(axis=-1)[None, :]
        if self.kind == "trainer_hiring":
            # ceil is monotone, so the peak trainer count is the count at the peak headcount
            assert self.fte_per_trainer is not None
            per = np.asarray(self.fte_per_trainer, dtype=float)[:, None]
            peak = np.ceil(hc.fte.max(axis=-1)[None, :] / per - 1e-9)
            return a * (np.maximum(peak, self.existing) - self.existing)
        return a * self.driver(hc).sum(axis=-1)


def scalar(params: Params, name: str) -> float:
    """A value that must be the same in every scenario (contract structure such as tier limits)."""
    values = np.asarray(params[name], dtype=float)
    first = float(values.flat[0])
    if values.size > 1 and not np.all(values == first):
        raise ValueError(f"{name} must not vary between scenarios")
    return first


def build_components(params: Params, ctx: Context) -> dict[str, list[Component]]:
    """Every option's cost components (plus today's practice when it is informal).

    One-off costs of the option already in place (``ctx.current_training``) are sunk and left
    out; LMS implementation is skipped when the prospect already runs an LMS.

    Formulas (per month unless stated): management time = hours/FTE × residual share × loaded
    rate × FTE; ramp = hires × ramp weeks × output lost × offshore cost per week; re-onboarding
    = leavers × hours × residual share × rate; compliance gap = FTE × regulated domains ×
    exposure/12 × gap share.
    """
    p = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    rate = p["loaded_hourly_rate_onshore_manager"]
    informal_hours = p["mgmt_hours_per_fte_month_informal"]
    week_cost = p["offshore_fte_monthly_cost"] / WEEKS_PER_MONTH * p["ramp_productivity_loss_share"]
    weeks_informal = p["ramp_weeks_informal"]
    weeks_structured = np.minimum(p["ramp_weeks_structured"], weeks_informal)
    weeks_partial = (
        weeks_informal - (weeks_informal - weeks_structured) * p["ramp_partial_reduction_share"]
    )
    exposure = ctx.regulated_domains * p["compliance_exposure_per_fte_year"] / 12.0
    has_lms = ctx.current_training in ("lms_only", "internal_ld")
    admin = p["client_platform_admin_hours_month"] * rate

    def hidden(
        option: str, share: np.ndarray, gap: np.ndarray, weeks: np.ndarray
    ) -> list[Component]:
        items = [
            Component(option, "management_time", "per_fte", informal_hours * share * rate, True),
            Component(option, "ramp", "per_hire", weeks * week_cost, True),
            Component(
                option,
                "reonboarding",
                "per_leaver",
                p["reonboarding_hours_per_leaver"] * share * rate,
                True,
            ),
        ]
        if ctx.regulated_domains:
            items.append(Component(option, "compliance_gap", "per_fte", exposure * gap, True))
        return items

    def lms(option: str) -> list[Component]:
        items = [
            Component(option, "lms_platform", "fixed", p["lms_platform_fee_monthly"]),
            Component(option, "lms_users", "per_fte", p["lms_fee_per_user_monthly"]),
        ]
        if not has_lms:
            items.append(
                Component(option, "lms_implementation", "one_off", p["lms_implementation_fee"])
            )
        return items

    def share(kind: str, option: str) -> np.ndarray:
        return p[f"{kind}_{option}"]

    tier1 = scalar(p, "tpo_tier1_max_fte")
    tier2 = max(scalar(p, "tpo_tier2_max_fte"), tier1)
    development = p["custom_content_hours"] * p["custom_cost_per_content_hour"]
    session = p["adhoc_cost_per_session"] / p["adhoc_cohort_size"]

    out: dict[str, list[Component]] = {
        "tpo": [
            Component("tpo", "setup_fee", "one_off", p["tpo_setup_fee"]),
            Component("tpo", "retainer_base", "fixed", p["tpo_retainer_base_monthly"]),
            Component(
                "tpo", "retainer_per_fte", "tier", p["tpo_fee_per_fte_tier1"], lo=0, hi=tier1
            ),
            Component(
                "tpo", "retainer_per_fte", "tier", p["tpo_fee_per_fte_tier2"], lo=tier1, hi=tier2
            ),
            Component("tpo", "retainer_per_fte", "tier", p["tpo_fee_per_fte_tier3"], lo=tier2),
            *hidden(
                "tpo",
                p["mgmt_residual_share_tpo"],
                p["compliance_gap_share_tpo"],
                weeks_structured,
            ),
        ],
        "catalog_licensing": [
            Component("catalog_licensing", "licences", "per_fte", p["catalog_seat_price_monthly"]),
            Component("catalog_licensing", "platform_admin", "fixed", admin, True),
            *hidden(
                "catalog_licensing",
                share("mgmt_residual_share", "catalog_licensing"),
                share("compliance_gap_share", "catalog_licensing"),
                weeks_partial,
            ),
        ],
        "custom_course_development": [
            Component("custom_course_development", "development", "one_off", development),
            Component(
                "custom_course_development",
                "refreshes",
                "fixed",
                development * p["custom_refresh_share_per_year"] / 12.0,
            ),
            *lms("custom_course_development"),
            Component("custom_course_development", "platform_admin", "fixed", admin, True),
            *hidden(
                "custom_course_development",
                share("mgmt_residual_share", "custom_course_development"),
                share("compliance_gap_share", "custom_course_development"),
                weeks_partial,
            ),
        ],
        "internal_ld": [
            Component(
                "internal_ld",
                "trainers",
                "trainers",
                p["internal_ld_trainer_monthly_cost"],
                fte_per_trainer=p["internal_ld_fte_per_trainer"],
            ),
            Component(
                "internal_ld",
                "trainer_recruiting",
                "trainer_hiring",
                p["internal_ld_recruiting_cost_per_trainer"],
                fte_per_trainer=p["internal_ld_fte_per_trainer"],
                existing=ctx.internal_ld_staff,
            ),
            *lms("internal_ld"),
            Component(
                "internal_ld", "content", "per_fte", p["internal_ld_content_per_fte_year"] / 12
            ),
            *hidden(
                "internal_ld",
                share("mgmt_residual_share", "internal_ld"),
                share("compliance_gap_share", "internal_ld"),
                weeks_structured,
            ),
        ],
        "lms_only": [
            *lms("lms_only"),
            Component("lms_only", "platform_admin", "fixed", admin, True),
            *hidden(
                "lms_only",
                share("mgmt_residual_share", "lms_only"),
                share("compliance_gap_share", "lms_only"),
                weeks_informal,
            ),
        ],
        "adhoc_vendor": [
            Component(
                "adhoc_vendor",
                "workshops",
                "per_fte",
                p["adhoc_training_days_per_fte_year"] / 12.0 * session,
            ),
            Component(
                "adhoc_vendor",
                "onboarding_sessions",
                "per_hire",
                p["adhoc_onboarding_days_per_hire"] * session,
            ),
            *hidden(
                "adhoc_vendor",
                share("mgmt_residual_share", "adhoc_vendor"),
                share("compliance_gap_share", "adhoc_vendor"),
                weeks_partial,
            ),
        ],
    }
    if ctx.current_training in out:
        # what is already in place carries no switching cost (trainers beyond today's staff
        # are still recruited as the team grows)
        current = ctx.current_training
        out[current] = [c for c in out[current] if c.kind != "one_off"]
    else:
        ones = np.ones_like(rate)
        out[CURRENT_PRACTICE] = hidden(CURRENT_PRACTICE, ones, ones, weeks_informal)
    return out


def totals(components: list[Component], hc: Headcount) -> np.ndarray:
    """Total cost of one option over the horizon, shape ``(S, P)``."""
    return np.asarray(sum(c.total(hc) for c in components))


def monthly(components: list[Component], hc: Headcount) -> np.ndarray:
    """Monthly cost of one option, shape ``(S, P, M)``."""
    return np.asarray(sum(c.monthly(hc) for c in components))


def recurring_monthly(components: list[Component], hc: Headcount) -> np.ndarray:
    """Monthly cost without one-off items (setup, development, implementation, recruiting)."""
    return monthly([c for c in components if c.kind not in ONE_OFF_KINDS], hc)


def affine_coefficients(
    components: list[Component], ctx: Context
) -> tuple[np.ndarray, np.ndarray, list[Component]]:
    """Split an option's total cost into ``c0 + c1·n`` plus its tier components.

    ``n`` is the starting team size; valid because FTE(m), leavers(m) and hires are affine in
    it. Returns ``(c0, c1, tiers)`` with ``c0``, ``c1`` of shape ``(S,)``.
    """
    affine = [c for c in components if c.kind in AFFINE_KINDS]
    other = [c for c in components if c.kind not in AFFINE_KINDS]
    if any(c.kind != "tier" for c in other):
        raise ValueError("affine decomposition needs options without trainer steps")
    at = totals(affine, Headcount.project([0.0, 1.0], ctx)) if affine else np.zeros((1, 2))
    return at[:, 0], at[:, 1] - at[:, 0], other


def tier_knots(tiers: list[Component], ctx: Context, low: float, high: float) -> np.ndarray:
    """Starting sizes where some month's FTE meets a tier limit: the kinks of the tier cost."""
    probe = Headcount.project([0.0], ctx)
    g, k = probe.growth_factor, probe.growth_offset
    limits = sorted({t.lo for t in tiers} | {t.hi for t in tiers if np.isfinite(t.hi)})
    knots = [low, high]
    for limit in limits:
        knots.extend(((limit - k) / g).tolist())
    arr = np.unique(np.asarray(knots, dtype=float))
    return arr[(arr >= low) & (arr <= high)]
