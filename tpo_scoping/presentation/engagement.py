"""The tracking result as people read it: the rows, headlines and sentences that the CLI, the
quarterly business review (HTML, PDF, xlsx), the notebook and the app all show.

Every figure is formatted here, once, from the typed result; nothing here computes a number the
result does not hold. Rows are lists of dicts with the same keys in every place they appear.
Money and shares use the formatters of :mod:`tpo_scoping.labels` (``money_in``, ``pct``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tpo_scoping.labels import MISSING, kpi_change, kpi_level, money_in, pct, site_label
from tpo_scoping.presentation.table import Table

if TYPE_CHECKING:
    from tpo_scoping.engagement.attribution import Attribution
    from tpo_scoping.engagement.incentives import QuarterIncentives
    from tpo_scoping.engagement.portfolio import Portfolio
    from tpo_scoping.engagement.status import KpiQuarter
    from tpo_scoping.engagement.tracking import QuarterResult, TrackingResult

Row = dict[str, str]

STATUS_TONE = {
    "ahead": "good",
    "on track": "good",
    "behind": "bad",
    "not yet measurable": "muted",
    "not detectable at this size": "muted",
}
"""How each status is coloured (good, bad, muted) in the report and the app."""


def interval(low: float | None, high: float | None, unit: str) -> str:
    if low is None or high is None:
        return MISSING
    return f"{kpi_level(low, unit)} – {kpi_level(high, unit)}"


def kpi_row(row: KpiQuarter) -> Row:
    """One KPI in one quarter, formatted (the status table's row)."""
    kpi, m = row.kpi, row.measurement
    milestone = (
        f"{kpi_level(row.milestone.value, kpi.unit)} (day {row.milestone.day})"
        if row.milestone.day
        else f"{kpi_level(row.milestone.value, kpi.unit)} (baseline)"
    )
    return {
        "KPI": kpi.name,
        "Quarter": row.period.label,
        "Baseline": kpi_level(kpi.baseline, kpi.unit),
        "Milestone due": milestone,
        "Target": kpi_level(kpi.target, kpi.unit),
        "Actual": kpi_level(m.value, kpi.unit),
        "95 % interval": interval(m.ci_low, m.ci_high, kpi.unit),
        "Status": row.status,
        "Value delivered": pct(row.value_delivered.share),
        "Why": row.reason,
        "Value note": row.value_delivered.explanation,
        "n": str(m.n) if m.n else MISSING,
    }


STATUS_COLUMNS = (
    "KPI",
    "Baseline",
    "Milestone due",
    "Actual",
    "95 % interval",
    "Status",
    "Value delivered",
)
"""The status table's columns, in order (the other keys of :func:`kpi_row` are details)."""


def status_rows(quarter: QuarterResult) -> list[Row]:
    """The status table of one quarter, worst status first, then in contract order."""
    from tpo_scoping.engagement.status import STATUSES

    order = {s: i for i, s in enumerate(STATUSES)}
    ranked = sorted(enumerate(quarter.kpis), key=lambda ik: (order[ik[1].status], ik[0]))
    return [kpi_row(k) for _, k in ranked]


def headline(result: TrackingResult, quarter: QuarterResult) -> str:
    """One sentence for the quarter: statuses, value delivered, credits and bonus."""
    counts = quarter.status_counts()
    behind = [k.kpi.name for k in quarter.kpis if k.status == "behind"]
    parts = [f"{counts[s]} {s}" for s in counts if counts[s]]
    text = f"{quarter.period.label}: " + ", ".join(parts)
    if behind:
        text += f" ({', '.join(behind)} behind)"
    currency = result.engagement.incentives.currency
    text += f"; value delivered {pct(quarter.value_delivered)} across the KPIs measured"
    inc = quarter.incentives
    if inc.missed:
        text += f"; service credits owed {money_in(inc.credit_amount, currency)}"
        text += f" ({pct(inc.credit_share)} of the fee)"
    bonus = money_in(inc.bonus_amount, currency)
    text += f"; bonus earned {bonus}" if inc.bonus_earned else "; no bonus"
    return text + "."


def key_figures(result: TrackingResult, quarter: QuarterResult) -> list[Row]:
    """The report's and the app's headline numbers for a quarter."""
    counts = quarter.status_counts()
    currency = result.engagement.incentives.currency
    return [
        {"value": pct(quarter.value_delivered), "label": "value delivered (KPIs measured)"},
        {"value": str(counts["behind"]), "label": "KPIs behind their milestone"},
        {
            "value": money_in(quarter.incentives.credit_amount, currency),
            "label": "service credits owed this quarter",
        },
        {
            "value": money_in(quarter.incentives.bonus_amount, currency),
            "label": "bonus earned this quarter",
        },
    ]


def rules_in_words(result: TrackingResult) -> list[str]:
    """The signed bonus and credit rules as sentences (one per rule)."""
    rules = result.engagement.incentives
    detectable = [k.name for k in result.engagement.kpis.kpis if k.detectable is True]
    fee = money_in(rules.quarterly_fee, rules.currency) if rules.quarterly_fee else "the fee"
    names = ", ".join(detectable) if detectable else "none: no KPI was signed as detectable"
    return [
        f"Only the KPIs signed as detectable count: {names}.",
        f"Bonus: {pct(rules.bonus.share_of_quarterly_fee)} of the quarter's fee ({fee}) when"
        " every detectable KPI measured that quarter meets or beats its milestone.",
        f"Service credit: {pct(rules.credits.share_per_missed_milestone)} of the quarter's fee"
        " for each detectable KPI that falls short of its milestone by more than its minimum"
        f" detectable change, at most {pct(rules.credits.cap_share_per_quarter)} a quarter.",
        "A KPI that cannot be measured yet (it lags) earns and costs nothing that quarter.",
    ]


def incentive_rows(result: TrackingResult) -> list[Row]:
    """Bonus and credits per quarter."""
    currency = result.engagement.incentives.currency
    return [
        {
            "Quarter": q.period.label,
            "Bonus": money_in(q.incentives.bonus_amount, currency)
            if q.incentives.bonus_earned
            else "none",
            "Credits owed": money_in(q.incentives.credit_amount, currency),
            "Missed milestones": ", ".join(_names(result, q.incentives.missed)) or "none",
            "Capped": "yes" if q.incentives.credit_capped else "no",
        }
        for q in result.quarters
    ]


def evidence_rows(incentives: QuarterIncentives) -> list[Row]:
    """What each detectable KPI showed in a quarter, against its milestone and tolerance."""
    return [
        {
            "KPI": e.name,
            "Actual": kpi_level(e.actual, e.unit),
            "95 % interval": interval(e.ci_low, e.ci_high, e.unit),
            "Milestone": kpi_level(e.milestone, e.unit),
            "Short by": kpi_change(e.shortfall, e.unit) if e.shortfall else MISSING,
            "Tolerance (min. detectable change)": kpi_change(e.min_detectable_change, e.unit),
            "Met": "yes" if e.met else "no",
            "Credit": "yes" if e.missed else "no",
        }
        for e in incentives.evidence
    ]


def _names(result: TrackingResult, keys: tuple[str, ...]) -> list[str]:
    kpis = result.engagement.kpis
    return [k.name if (k := kpis.get(key)) else key for key in keys]


def plan_rows(result: TrackingResult) -> list[Row]:
    """Hires, leavers and headcount per quarter, as planned and as observed."""

    def planned(x: float | None) -> str:
        return MISSING if x is None else f"{x:.0f}"

    return [
        {
            "Quarter": q.period.label,
            "Hires (plan)": planned(q.planned_hires),
            "Hires": str(q.hires),
            "Leavers (plan)": planned(q.planned_leavers),
            "Leavers": str(q.leavers),
            "Headcount (plan)": planned(q.planned_headcount),
            "Headcount": str(q.headcount),
        }
        for q in result.plan_vs_actual.quarters
    ]


def break_even_sentences(result: TrackingResult) -> list[str]:
    """The break-even as signed and as recomputed on what happened, in words."""
    check = result.plan_vs_actual.break_even
    if check is None:
        return []

    from tpo_scoping.economics import OPTION_LABELS

    def said(fte: float | None, reason: str | None) -> str:
        return f"{fte:.0f} FTE" if fte is not None else (reason or "none")

    def option(key: str) -> str:
        return str(OPTION_LABELS.get(key, key.replace("_", " ")))

    signed = said(check.signed_break_even_fte, check.signed_reason)
    observed = said(check.break_even_fte, check.reason)
    out = [
        f"Hiring: {check.observed_hires_per_quarter:.1f} a quarter observed against"
        f" {check.planned_hires_per_quarter:g} planned; attrition"
        f" {pct(check.observed_annual_attrition)} a year against"
        f" {pct(check.planned_annual_attrition)} planned.",
    ]
    if signed == observed:
        out.append(
            "Break-even against catalog licensing, as signed and recomputed on the observed"
            f" hiring and attrition: {observed}."
        )
    else:
        out += [
            f"Break-even against catalog licensing as signed: {signed}.",
            f"Recomputed on the observed hiring and attrition: {observed}.",
        ]
    out.append(
        f"Cheapest option on what happened: {option(check.cheapest)}"
        f" (at signing: {option(check.signed_cheapest)})."
    )
    return out


def attribution_sentences(attribution: Attribution | None) -> list[str]:
    """What the cohort comparisons found, with the check and the caveat."""
    if attribution is None:
        return ["The cohort comparison was not run."]
    out = []
    ramp = attribution.ramp
    if ramp is None:
        out.append(f"Ramp-up: no comparison ({attribution.ramp_missing_reason}).")
    else:
        out.append(
            f"Ramp-up: in their first six months, the {ramp.people_engaged} people hired under"
            f" the engagement produced {ramp.effect:+.1f} {ramp.metric} units a week (95 % CI"
            f" {ramp.ci_low:+.1f} to {ramp.ci_high:+.1f}) against the cohorts hired before,"
            " compared at the same tenure and in the same calendar months."
        )
        if ramp.pretrend_p_value is None:
            out.append("Parallel-trends check: no cohort in the year before the start to run it.")
        elif ramp.pretrend_holds:
            out.append(
                "Parallel-trends check passed: the four cohorts hired in the year before the"
                " start, whom the engagement never onboarded, ramped up like the older ones"
                f" (joint test p = {ramp.pretrend_p_value:.2f})."
            )
        else:
            out.append(
                "Parallel-trends check FAILED: cohorts hired in the year before the start already"
                f" differed from older ones (joint test p = {ramp.pretrend_p_value:.3f}); read the"
                " estimate as unreliable."
            )
    for site in attribution.retention:
        if site.difference is None or site.difference_ci is None:
            continue
        verdict = "higher" if site.improved else "no clear change"
        out.append(
            f"90-day retention at {site_label(site.site)}: {pct(site.engaged)} of"
            f" {site.engaged_n} hires under the engagement against {pct(site.before)} of"
            f" {site.before_n} before (difference {site.difference * 100:+.0f} points, 95 % CI"
            f" {site.difference_ci[0] * 100:+.0f} to {site.difference_ci[1] * 100:+.0f}):"
            f" {verdict}."
        )
    out.append(attribution.caveat)
    return out


def cohort_rows(attribution: Attribution | None) -> list[Row]:
    if attribution is None or attribution.ramp is None:
        return []
    return [
        {
            "Hire cohort": c.cohort,
            "Onboarded": "under the engagement" if c.engaged else "before (check)",
            "People": str(c.people),
            "Difference in first six months": f"{c.effect:+.1f}",
            "95 % CI": f"{c.ci_low:+.1f} to {c.ci_high:+.1f}",
        }
        for c in attribution.ramp.cohorts
    ]


def next_steps(result: TrackingResult, quarter: QuarterResult) -> list[str]:
    """What to do next, from the quarter's statuses, the plan and the cohort check."""
    steps = []
    for row in quarter.kpis:
        kpi = row.kpi
        if row.status == "behind":
            steps.append(
                f"{kpi.name} is behind: {kpi_level(row.measurement.value, kpi.unit)} against a"
                f" milestone of {kpi_level(row.milestone.value, kpi.unit)}. Agree a recovery plan"
                " with the provider's accountable person before the next review"
                + (" (a service credit applies)." if kpi.key in quarter.incentives.missed else ".")
            )
    lagging = [k.kpi.name for k in quarter.kpis if k.status == "not yet measurable"]
    if lagging:
        steps.append(
            f"Not measurable yet: {', '.join(lagging)}; they are judged once enough of the"
            " cohorts under the engagement have been followed long enough."
        )
    reported = [k.kpi.name for k in quarter.kpis if k.status == "not detectable at this size"]
    if reported:
        steps.append(
            f"Reported only, as signed: {', '.join(reported)}. Their values are shown, never"
            " judged; pool quarters or track a leading measure to make them measurable."
        )
    check = result.plan_vs_actual.break_even
    if check and check.observed_hires_per_quarter < 0.85 * check.planned_hires_per_quarter:
        steps.append(
            "Hiring runs well below plan: review the onboarding waves and the fee assumptions"
            " with the client."
        )
    ramp = result.attribution.ramp if result.attribution else None
    if ramp is not None and ramp.pretrend_holds is False:
        steps.append("Do not quote the ramp-up comparison: its parallel-trends check failed.")
    if not steps:
        steps.append("Every judged KPI is on track or ahead: keep the plan.")
    return steps


def portfolio_rows(folio: Portfolio) -> list[dict[str, object]]:
    """One row per engagement, worst first (the CSV and xlsx export for the CRM)."""
    from tpo_scoping.engagement.status import STATUSES

    rows: list[dict[str, object]] = []
    for r in folio.rows:
        row: dict[str, object] = {
            "Prospect": r.prospect,
            "Start": r.start,
            "Latest quarter": r.latest_period or "",
        }
        for status in STATUSES:
            row[status.capitalize()] = r.status_counts.get(status, 0)
        row["Value delivered"] = None if r.value_delivered is None else round(r.value_delivered, 4)
        row["Credits owed"] = None if r.credits_owed is None else round(r.credits_owed, 2)
        row["Bonuses earned"] = None if r.bonuses_earned is None else round(r.bonuses_earned, 2)
        row["Currency"] = r.currency
        row["Folder"] = str(r.folder)
        rows.append(row)
    return rows


def portfolio_summary_rows(folio: Portfolio) -> list[Row]:
    """The portfolio as a short table for a screen: the figures an account team sorts by."""
    return [
        {
            "Prospect": r.prospect,
            "Quarter": r.latest_period or MISSING,
            "Behind": str(r.status_counts.get("behind", 0)),
            "On track or ahead": str(
                r.status_counts.get("on track", 0) + r.status_counts.get("ahead", 0)
            ),
            "Not judged": str(
                r.status_counts.get("not yet measurable", 0)
                + r.status_counts.get("not detectable at this size", 0)
            ),
            "Value delivered": pct(r.value_delivered),
            "Credits owed to date": money_in(r.credits_owed, r.currency),
        }
        for r in folio.rows
    ]


def as_table(
    rows: list[Row] | list[dict[str, object]],
    columns: tuple[str, ...] | None = None,
    caption: str = "",
) -> Table:
    """Rows of named cells as a :class:`~tpo_scoping.presentation.Table` (missing cells ``–``)."""
    keys = tuple(columns or (rows[0].keys() if rows else ()))
    cells = tuple(tuple(MISSING if r.get(k) is None else str(r.get(k)) for k in keys) for r in rows)
    return Table(keys, cells, caption=caption, left=tuple(range(len(keys))))


def text_table(
    rows: list[Row] | list[dict[str, object]], columns: tuple[str, ...] | None = None
) -> str:
    """Rows as a plain-text table with aligned columns (for the terminal)."""
    return as_table(rows, columns).to_text() if rows else "(none)"


def tracking_text(result: TrackingResult) -> str:
    """The whole result for the terminal: latest quarter first, then the history."""
    latest = result.latest
    if latest is None:
        return "No quarter tracked yet.\n" + "\n".join(result.notes)
    parts = [
        f"{result.engagement.prospect}: engagement started {result.engagement.start.isoformat()}",
        headline(result, latest),
        "",
        text_table(status_rows(latest), STATUS_COLUMNS),
        "",
        "Bonuses and credits, as the signed clause says:",
        *(f"  {s}" for s in rules_in_words(result)),
        text_table(incentive_rows(result)),
        "",
        "Plan against reality:",
        text_table(plan_rows(result)),
        *break_even_sentences(result),
        "",
        "Attribution:",
        *attribution_sentences(result.attribution),
        *(
            f"  assumes: {a}"
            for a in (
                result.attribution.ramp.assumptions
                if result.attribution and result.attribution.ramp
                else ()
            )
        ),
        "",
        "Next:",
        *(f"  - {s}" for s in next_steps(result, latest)),
    ]
    if result.notes:
        parts += ["", *result.notes]
    return "\n".join(parts)
