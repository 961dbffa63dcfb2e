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

``ramp``                  hires(m) × weeks × g(min(1, weeks left in the horizon / weeks))
``capped`` / ``beyond``   min(FTE(m), cap) / max(FTE(m) − cap, 0): a team an L&D staff covers
========================  ==========================================================

A component may carry month ``weights`` (the share of each month it applies): TPO's effects
start at go-live, so before it TPO's imputed lines run at today's practice's levels.

Headcount follows the workbench's one model (:mod:`tpo_scoping.headcount`): FTE(m) = FTE(m−1) ×
(1 − attrition/12) + hires per quarter / 3, gross hires. Because FTE(m) = g(m)·n + k(m) is
affine in the starting size n, every component except ``tier``, the trainer kinds and the
L&D-coverage kinds is affine in n; the Monte Carlo uses that to solve break-evens for 100,000
scenarios without a loop.

Every component is either **cash** (invoiced or paid: fees, seats, salaries, content,
platforms, recruiting) or **imputed** (a cost in people's time or output that no invoice shows:
onshore management time, output lost while ramping, re-onboarding after departures, expected
compliance-gap exposure, client-side platform administration). ``Context.imputed_share`` counts
imputed costs at a share of their value (1 by default; 0 is the cash-only view).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from tpo_scoping.economics.levels import CURRENT_PRACTICE, Levels, option_levels
from tpo_scoping.headcount import HeadcountPlan, project_fte

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
"""The engagement options, in display order (colours in :data:`tpo_scoping.charts.PALETTE`;
names in :data:`tpo_scoping.labels.OPTION_LABELS`)."""


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

IMPUTED_COMPONENTS = frozenset(
    {"management_time", "ramp", "reonboarding", "compliance_gap", "platform_admin"}
)
"""Cost lines paid in people's time or output rather than cash."""

MANAGER_HOUR_COMPONENTS = frozenset({"management_time", "reonboarding", "platform_admin"})
"""Imputed lines that are onshore managers' hours (valued at the loaded hourly rate)."""

AFFINE_KINDS = frozenset({"fixed", "per_fte", "per_hire", "per_leaver", "one_off", "ramp"})
ONE_OFF_KINDS = frozenset({"one_off", "trainer_hiring"})
WEEKS_PER_MONTH = 52.0 / 12.0

Params = Mapping[str, np.ndarray]
"""Assumption values by name, each an array with one entry per scenario (shape ``(S,)``)."""


@dataclass(frozen=True)
class Context:
    """What the profile says that the cost model needs (not uncertain: the prospect's data).

    ``go_live_weeks`` is when TPO's structured programme goes live (the plan's week); before it,
    TPO changes nothing in how the team is trained. ``imputed_share`` counts imputed costs at a
    share of their value (the conservative view of the Phillips ROI method counts them at 0).
    """

    team_fte_now: float
    hires_per_month: float
    monthly_attrition: float
    regulated_domains: int
    current_training: str
    internal_ld_staff: float
    horizon_months: int
    go_live_weeks: float = 0.0
    imputed_share: float = 1.0

    @classmethod
    def from_profile(
        cls, profile: Profile, horizon_months: int, imputed_share: float = 1.0
    ) -> Context:
        """Read the headcount plan, compliance domains and current training from a profile."""
        from tpo_scoping.reference import load_reference

        plan = HeadcountPlan.from_profile(profile)
        go_live = float(load_reference("engagement_defaults")["plan"]["go_live_week"]["value"])
        return cls(
            team_fte_now=plan.start_fte,
            hires_per_month=plan.hires_per_month,
            monthly_attrition=plan.leaving_share_per_month,
            regulated_domains=sum(1 for d in profile.compliance_domains if d != "general"),
            current_training=str(profile.current_training.value),
            internal_ld_staff=float(profile.internal_ld_staff),
            horizon_months=int(horizon_months),
            go_live_weeks=go_live,
            imputed_share=float(imputed_share),
        )

    @property
    def baseline(self) -> str:
        """The key of today's practice: an option, or :data:`CURRENT_PRACTICE`.

        An internal L&D team is today's practice as it is (its own staff), never the
        ``internal_ld`` option, which grows the team to cover the offshore headcount.
        """
        if self.current_training in OPTIONS and self.current_training != "internal_ld":
            return self.current_training
        return CURRENT_PRACTICE

    def live_weights(self) -> np.ndarray:
        """Share of each month that falls after TPO's go-live: 0 before, 1 after, a part between.

        >>> ctx = Context(50, 0.0, 0.0, 0, "manager_walkthroughs", 0, 3, go_live_weeks=6)
        >>> ctx.live_weights().round(2).tolist()
        [0.0, 0.62, 1.0]
        """
        ends = np.arange(1, self.horizon_months + 1) * WEEKS_PER_MONTH
        return np.round(np.clip((ends - self.go_live_weeks) / WEEKS_PER_MONTH, 0.0, 1.0), 12)


@dataclass(frozen=True)
class Headcount:
    """Headcount projections for one or more starting team sizes.

    ``fte[p, m]`` is the team in month ``m + 1`` when it starts at ``start[p]`` FTE, from
    :func:`tpo_scoping.headcount.project_fte` (the workbench's one headcount model).

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
        fte, leavers = project_fte(start, ctx.hires_per_month, ctx.monthly_attrition, months)
        unit, _ = project_fte(
            np.array([1.0, 0.0]), ctx.hires_per_month, ctx.monthly_attrition, months
        )
        growth, offset = unit[0] - unit[1], unit[1]
        hires = np.full(months, ctx.hires_per_month)
        return cls(start, fte, hires, leavers, growth, offset)

    @property
    def months(self) -> int:
        return int(self.fte.shape[1])


def ramp_share(weeks: np.ndarray, weeks_left: np.ndarray) -> np.ndarray:
    """Share of a ramp's lost output that falls within the weeks left in the horizon.

    On a linear learning curve from no output to full output over ``weeks``, the output lost in
    the first ``t`` weeks is :math:`g(t/w) = 2x - x^2` of the whole ramp's loss (x ≤ 1).

    A ramp of no weeks loses nothing, and all of that nothing falls within the horizon.

    >>> ramp_share(np.array([10.0, 0.0]), np.array([5.0, 10.0, 20.0])).tolist()
    [[0.75, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    w = np.asarray(weeks, dtype=float)[:, None]
    left = np.broadcast_to(weeks_left[None, :], (w.shape[0], weeks_left.shape[0]))
    x = np.clip(np.divide(left, w, out=np.ones_like(left, dtype=float), where=w > 0), 0.0, 1.0)
    return np.asarray(2 * x - x * x)


@dataclass(frozen=True)
class Component:
    """One cost line of one option: ``amount`` (per scenario) times a headcount driver."""

    option: str
    name: str
    kind: str
    amount: np.ndarray
    lo: float = 0.0
    hi: float = float("inf")
    fte_per_trainer: np.ndarray | None = None
    existing: float = 0.0
    weights: np.ndarray | None = None
    """Share of each month the line applies (``None``: every month in full)."""
    weeks: np.ndarray | None = None
    """Ramp weeks per scenario, for ``ramp`` lines."""
    cap: np.ndarray | None = None
    """FTEs an existing L&D staff covers per scenario, for ``capped``/``beyond`` lines."""

    @property
    def imputed(self) -> bool:
        """True for costs paid in time or output, not cash (see :data:`IMPUTED_COMPONENTS`)."""
        return self.name in IMPUTED_COMPONENTS

    def driver(self, hc: Headcount) -> np.ndarray:
        """The weighted driver per month, shape ``(P, M)`` or ``(S, P, M)``."""
        raw = self._raw_driver(hc)
        return raw if self.weights is None else raw * self.weights

    def _raw_driver(self, hc: Headcount) -> np.ndarray:
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
        if self.kind == "ramp":
            assert self.weeks is not None
            left = (hc.months - np.arange(1, hc.months + 1) + 0.5) * WEEKS_PER_MONTH
            per_hire = self.weeks[:, None] * ramp_share(self.weeks, left)  # (S, M)
            return per_hire[:, None, :] * hc.hires[None, None, :] + np.zeros(shape)[None]
        if self.kind in ("capped", "beyond"):
            assert self.cap is not None
            cap = np.asarray(self.cap, dtype=float)[:, None, None]
            fte = hc.fte[None, :, :]
            return np.minimum(fte, cap) if self.kind == "capped" else np.maximum(fte - cap, 0.0)
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
        driver = self.driver(hc)
        if driver.ndim == 2:
            driver = driver[None]
        return self.amount[:, None, None] * driver

    def total(self, hc: Headcount) -> np.ndarray:
        """Cost summed over the horizon, shape ``(S, P)``."""
        summed = self.driver(hc).sum(axis=-1)
        if summed.ndim == 1:
            summed = summed[None, :]
        return self.amount[:, None] * summed


def scalar(params: Params, name: str) -> float:
    """A value that must be the same in every scenario (contract structure such as tier limits)."""
    values = np.asarray(params[name], dtype=float)
    first = float(values.flat[0])
    if values.size > 1 and not np.all(values == first):
        raise ValueError(f"{name} must not vary between scenarios")
    return first


def build_components(params: Params, ctx: Context) -> dict[str, list[Component]]:
    """Every option's cost components, and today's practice when it is not one of the options.

    One-off costs of the option already in place (``ctx.current_training``) are sunk and left
    out; LMS implementation is skipped when the prospect already runs an LMS. Today's internal
    L&D team is today's practice with its own staff; the ``internal_ld`` option grows it.

    Formulas (per month unless stated): management time = hours/FTE × share × loaded rate × FTE;
    ramp = hires × weeks × g(weeks left / weeks) × output lost × offshore cost per week;
    re-onboarding = leavers × hours × share × rate; compliance gap = FTE × regulated domains ×
    exposure/12 × share. TPO's imputed lines run at today's levels until go-live. Imputed lines
    are counted at ``ctx.imputed_share`` of their value.
    """
    lines = _Lines({k: np.asarray(v, dtype=float) for k, v in params.items()}, ctx)
    levels = option_levels(lines.p, ctx)
    today = levels[ctx.baseline]
    live = ctx.live_weights()
    out = {option: lines.fees(option) for option in OPTIONS}
    for option in OPTIONS:
        if option == "tpo":  # today's levels until go-live, TPO's after it
            out[option] += lines.imputed(option, today, 1.0 - live)
            out[option] += lines.imputed(option, levels[option], live)
        else:
            out[option] += lines.imputed(option, levels[option])
    if ctx.baseline in out:
        # what is already in place carries no switching cost
        out[ctx.baseline] = [c for c in out[ctx.baseline] if c.kind != "one_off"]
    elif ctx.current_training == "internal_ld":
        out[CURRENT_PRACTICE] = _current_internal_ld(
            lines.p, ctx, levels, lines.hours * lines.rate, lines.exposure
        )
    else:
        out[CURRENT_PRACTICE] = lines.imputed(CURRENT_PRACTICE, today)
    if ctx.imputed_share != 1.0:
        share = ctx.imputed_share
        out = {
            key: [replace(c, amount=c.amount * share) if c.imputed else c for c in items]
            for key, items in out.items()
        }
    return out


class _Lines:
    """The cost lines of the options, from one scenario set of assumption values."""

    def __init__(self, p: Mapping[str, np.ndarray], ctx: Context) -> None:
        self.p, self.ctx = p, ctx
        self.rate = p["loaded_hourly_rate_onshore_manager"]
        self.hours = p["mgmt_hours_per_fte_month_informal"]
        self.exposure = ctx.regulated_domains * p["compliance_exposure_per_fte_year"] / 12.0

    def imputed(
        self, option: str, level: Levels, weights: np.ndarray | None = None
    ) -> list[Component]:
        """Managers' time, ramp-up output, re-onboarding and exposure at an option's levels."""
        p, rate = self.p, self.rate
        items = [
            Component(option, "management_time", "per_fte", self.hours * level.mgmt_share * rate),
            Component(option, "ramp", "ramp", _week_cost(p), weeks=level.ramp_weeks),
            Component(
                option,
                "reonboarding",
                "per_leaver",
                p["reonboarding_hours_per_leaver"] * level.mgmt_share * rate,
            ),
        ]
        if self.ctx.regulated_domains:
            items.append(
                Component(option, "compliance_gap", "per_fte", self.exposure * level.gap_share)
            )
        return [replace(c, weights=weights) for c in items]

    def fees(self, option: str) -> list[Component]:
        """What an option invoices (and the client's own platform administration)."""
        p = self.p
        admin = Component(
            option, "platform_admin", "fixed", p["client_platform_admin_hours_month"] * self.rate
        )
        if option == "tpo":
            tier1 = scalar(p, "tpo_tier1_max_fte")
            tier2 = max(scalar(p, "tpo_tier2_max_fte"), tier1)
            fees = ("tpo_fee_per_fte_tier1", "tpo_fee_per_fte_tier2", "tpo_fee_per_fte_tier3")
            bands = ((0.0, tier1), (tier1, tier2), (tier2, float("inf")))
            return [
                Component(option, "setup_fee", "one_off", p["tpo_setup_fee"]),
                Component(option, "retainer_base", "fixed", p["tpo_retainer_base_monthly"]),
                *(
                    Component(option, "retainer_per_fte", "tier", p[fee], lo=lo, hi=hi)
                    for fee, (lo, hi) in zip(fees, bands, strict=True)
                ),
            ]
        if option == "catalog_licensing":
            return [
                Component(option, "licences", "per_fte", p["catalog_seat_price_monthly"]),
                admin,
            ]
        if option == "custom_course_development":
            development = p["custom_content_hours"] * p["custom_cost_per_content_hour"]
            refresh = development * p["custom_refresh_share_per_year"] / 12.0
            return [
                Component(option, "development", "one_off", development),
                Component(option, "refreshes", "fixed", refresh),
                *self.lms(option),
                admin,
            ]
        if option == "internal_ld":
            per = p["internal_ld_fte_per_trainer"]
            return [
                Component(
                    option,
                    "trainers",
                    "trainers",
                    p["internal_ld_trainer_monthly_cost"],
                    fte_per_trainer=per,
                ),
                Component(
                    option,
                    "trainer_recruiting",
                    "trainer_hiring",
                    p["internal_ld_recruiting_cost_per_trainer"],
                    fte_per_trainer=per,
                    existing=self.ctx.internal_ld_staff,
                ),
                *self.lms(option),
                Component(option, "content", "per_fte", p["internal_ld_content_per_fte_year"] / 12),
            ]
        if option == "lms_only":
            return [*self.lms(option), admin]
        session = p["adhoc_cost_per_session"] / p["adhoc_cohort_size"]
        return [
            Component(
                option, "workshops", "per_fte", p["adhoc_training_days_per_fte_year"] / 12 * session
            ),
            Component(
                option,
                "onboarding_sessions",
                "per_hire",
                p["adhoc_onboarding_days_per_hire"] * session,
            ),
        ]

    def lms(self, option: str) -> list[Component]:
        """An LMS subscription; its implementation only when the prospect runs none yet."""
        p = self.p
        items = [
            Component(option, "lms_platform", "fixed", p["lms_platform_fee_monthly"]),
            Component(option, "lms_users", "per_fte", p["lms_fee_per_user_monthly"]),
        ]
        if self.ctx.current_training not in ("lms_only", "internal_ld"):
            items.append(
                Component(option, "lms_implementation", "one_off", p["lms_implementation_fee"])
            )
        return items


def _current_internal_ld(
    p: Mapping[str, np.ndarray],
    ctx: Context,
    levels: Mapping[str, Levels],
    mgmt_per_fte: np.ndarray,
    exposure: float | np.ndarray,
) -> list[Component]:
    """Today's internal L&D team as it is: its own staff, the FTEs it covers, the rest informal.

    The staff cost ``internal_ld_staff`` trainers (no more); the FTEs beyond what they cover
    (``staff × FTE per trainer``) cost management time and exposure at the informal level.
    """
    key = CURRENT_PRACTICE
    ld = levels["internal_ld"]
    today = levels[key]
    cap = ctx.internal_ld_staff * p["internal_ld_fte_per_trainer"]
    items = [
        Component(
            key, "trainers", "fixed", ctx.internal_ld_staff * p["internal_ld_trainer_monthly_cost"]
        ),
        Component(key, "lms_platform", "fixed", p["lms_platform_fee_monthly"]),
        Component(key, "lms_users", "per_fte", p["lms_fee_per_user_monthly"]),
        Component(key, "content", "capped", p["internal_ld_content_per_fte_year"] / 12, cap=cap),
        Component(key, "management_time", "capped", mgmt_per_fte * ld.mgmt_share, cap=cap),
        Component(key, "management_time", "beyond", mgmt_per_fte, cap=cap),
        Component(key, "ramp", "ramp", _week_cost(p), weeks=today.ramp_weeks),
        Component(
            key,
            "reonboarding",
            "per_leaver",
            p["reonboarding_hours_per_leaver"]
            * today.mgmt_share
            * p["loaded_hourly_rate_onshore_manager"],
        ),
    ]
    if ctx.regulated_domains:
        items += [
            Component(key, "compliance_gap", "capped", exposure * ld.gap_share, cap=cap),
            Component(key, "compliance_gap", "beyond", exposure * np.ones_like(cap), cap=cap),
        ]
    return items


def _week_cost(p: Mapping[str, np.ndarray]) -> np.ndarray:
    """Output lost per ramp week: offshore cost per week times the share of output lost."""
    return p["offshore_fte_monthly_cost"] / WEEKS_PER_MONTH * p["ramp_productivity_loss_share"]


def totals(components: list[Component], hc: Headcount) -> np.ndarray:
    """Total cost of one option over the horizon, shape ``(S, P)`` (zeros without components)."""
    return np.asarray(sum((c.total(hc) for c in components), np.zeros((1, hc.fte.shape[0]))))


def monthly(components: list[Component], hc: Headcount) -> np.ndarray:
    """Monthly cost of one option, shape ``(S, P, M)`` (zeros without components)."""
    return np.asarray(sum((c.monthly(hc) for c in components), np.zeros((1, *hc.fte.shape))))


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
