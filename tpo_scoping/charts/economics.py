"""Charts of the break-even economics.

Builders take a :class:`~tpo_scoping.economics.BreakEvenResult` and return altair charts;
nothing here computes an analysis. Every chart stays well under altair's 5,000-row limit.

Examples
--------
>>> from tpo_scoping.profile import parse_profile
>>> from tpo_scoping.economics import break_even
>>> r = break_even(parse_profile("prospect: X\\nsites: [{country: PH, fte: 30}]"),
...                simulations=500)
>>> cost_vs_fte_chart(r).to_dict()["layer"][0]["mark"]["type"]
'line'
>>> cumulative_cost_chart(r).to_dict()["mark"]["type"]
'line'
>>> tornado_chart(r).to_dict()["layer"][0]["mark"]["type"]
'bar'
>>> monte_carlo_chart(r).to_dict()["layer"][0]["mark"]["type"]
'bar'
>>> [layer["mark"]["type"] for layer in cash_imputed_chart(r).to_dict()["layer"]]
['bar', 'text']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tpo_scoping.charts import PALETTE
from tpo_scoping.labels import money, option_label, pct

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult

CURRENT_PRACTICE_COLOUR = "#3d405b"
TORNADO_ROWS = 15


def _option_scale(keys: list[str]) -> Any:
    import altair as alt

    from tpo_scoping.economics import CURRENT_PRACTICE

    labels = [option_label(k) for k in keys]
    colours = [
        PALETTE.get(k, CURRENT_PRACTICE_COLOUR)
        if k != CURRENT_PRACTICE
        else CURRENT_PRACTICE_COLOUR
        for k in keys
    ]
    return alt.Scale(domain=labels, range=colours)


def _option_legend(width: int) -> Any:
    """The options' legend under a chart: three columns when the chart is wide, else two."""
    import altair as alt

    return alt.Legend(orient="bottom", columns=3 if width >= 560 else 2, labelLimit=260)


def cost_vs_fte_chart(
    result: BreakEvenResult, highlight_fte: float | None = None, width: int = 600
) -> Any:
    """Average monthly cost of each option against team size, with the break-even marked.

    The x axis is the team size at the start of the horizon (the prospect's hires and attrition
    apply on top; for a steady team it is the team size). A dashed rule marks the break-even of
    TPO against catalog licensing; a dotted rule marks ``highlight_fte`` (default: the
    prospect's team today).

    """
    import altair as alt
    import pandas as pd

    from tpo_scoping.economics import OPTIONS

    frame = result.cost_vs_fte
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("fte:Q", title="Team size at start (FTE)"),
            y=alt.Y(
                "average_monthly_cost:Q",
                title="Average monthly cost (USD)",
                axis=alt.Axis(format="$,.0f"),
            ),
            color=alt.Color(
                "label:N",
                title="Option",
                scale=_option_scale(list(OPTIONS)),
                legend=_option_legend(width),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Option"),
                alt.Tooltip("fte:Q", title="FTE", format=",.0f"),
                alt.Tooltip("average_monthly_cost:Q", title="Per month", format="$,.0f"),
                alt.Tooltip("monthly_cost_per_fte:Q", title="Per FTE-month", format="$,.0f"),
            ],
        )
    )
    marks = []
    if result.break_even_fte is not None:
        marks.append(
            {
                "fte": result.break_even_fte,
                "text": f"break-even {result.break_even_fte:,.0f} FTE",
                "kind": "break-even",
            }
        )
    highlight = result.team_fte_now if highlight_fte is None else highlight_fte
    marks.append({"fte": highlight, "text": f"{highlight:,.0f} FTE", "kind": "highlight"})
    mark_frame = pd.DataFrame(marks)
    rules = (
        alt.Chart(mark_frame)
        .mark_rule(color="#333333")
        .encode(
            x="fte:Q",
            strokeDash=alt.StrokeDash(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=["break-even", "highlight"], range=[[6, 4], [2, 3]]),
            ),
        )
    )
    text = (
        alt.Chart(mark_frame)
        .mark_text(align="left", dx=4, dy=-6, baseline="bottom", color="#333333")
        .encode(x="fte:Q", y=alt.value(12), text="text:N")
    )
    title = f"{result.prospect}: cost by team size over {result.horizon_months} months"
    return alt.layer(lines, rules, text).properties(width=width, height=340, title=title)


def cumulative_cost_chart(result: BreakEvenResult, width: int = 600) -> Any:
    """Cumulative cost of each option (and today's practice, dashed) month by month."""
    import altair as alt

    from tpo_scoping.economics import CURRENT_PRACTICE, OPTIONS

    frame = result.cumulative_costs.assign(
        practice=lambda f: f["option"].eq(CURRENT_PRACTICE).map({True: "today", False: "option"})
    )
    keys = [*OPTIONS, *([CURRENT_PRACTICE] if CURRENT_PRACTICE in set(frame["option"]) else [])]
    return (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("month:Q", title="Month", scale=alt.Scale(domain=[1, result.horizon_months])),
            y=alt.Y(
                "cumulative_cost:Q", title="Cumulative cost (USD)", axis=alt.Axis(format="$,.2s")
            ),
            color=alt.Color(
                "label:N",
                title="Option",
                scale=_option_scale(keys),
                legend=_option_legend(width),
            ),
            strokeDash=alt.StrokeDash(
                "practice:N",
                legend=None,
                scale=alt.Scale(domain=["option", "today"], range=[[1, 0], [6, 4]]),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Option"),
                alt.Tooltip("month:Q", title="Month"),
                alt.Tooltip("cost:Q", title="This month", format="$,.0f"),
                alt.Tooltip("cumulative_cost:Q", title="Cumulative", format="$,.0f"),
            ],
        )
        .properties(
            width=width,
            height=340,
            title=f"{result.prospect}: cumulative cost over {result.horizon_months} months",
        )
    )


def tornado_chart(result: BreakEvenResult, rows: int = TORNADO_ROWS, width: int = 560) -> Any:
    """Tornado of the one-at-a-time sensitivity: the most influential assumptions first.

    Bars span the break-even FTE (TPO vs catalog) at each end of an assumption's range; when the
    prospect has no break-even (TPO cheaper from 1 FTE, or never), the bars show the TPO saving
    against catalog licensing at the prospect's plan instead.

    """
    import altair as alt
    import pandas as pd

    if not result.sensitivity:
        raise ValueError("no sensitivity in this result; run break_even(..., sensitivity=True)")
    use_fte = result.break_even_fte is not None
    records = []
    for row in result.sensitivity:
        lo: float | None
        hi: float | None
        centre: float | None
        if use_fte:
            lo, hi, centre = row.break_even_at_low, row.break_even_at_high, result.break_even_fte
        else:
            lo, hi = row.saving_vs_catalog_at_low, row.saving_vs_catalog_at_high
            centre = -result.tpo_against("catalog_licensing").total_difference
        if lo is None or hi is None or lo == hi == centre:
            continue
        for end, value, at in (("low", lo, row.low_value), ("high", hi, row.high_value)):
            records.append(
                {
                    "assumption": row.description.rstrip(".") or row.name,
                    "end": f"{end} end of range",
                    "start": centre,
                    "value": value,
                    "at": at,
                    "unit": row.unit,
                    "rank": row.rank,
                }
            )
        if len({r["assumption"] for r in records}) >= rows:
            break
    frame = pd.DataFrame(records)
    order = list(dict.fromkeys(frame["assumption"])) if len(frame) else []
    title = (
        "Break-even FTE (TPO vs catalog)"
        if use_fte
        else "TPO saving vs catalog licensing over the horizon (USD)"
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(height=12)
        .encode(
            y=alt.Y("assumption:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("start:Q", title=title),
            x2="value:Q",
            color=alt.Color(
                "end:N",
                title=None,
                scale=alt.Scale(
                    domain=["low end of range", "high end of range"], range=["#81b29a", "#e07a5f"]
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                "assumption:N",
                "end:N",
                alt.Tooltip("at:Q", title="set to"),
                "unit:N",
                alt.Tooltip("value:Q", title="result", format=",.1f"),
            ],
        )
    )
    centre_value = float(frame["start"].iloc[0]) if len(frame) else 0.0
    rule = alt.Chart(pd.DataFrame({"x": [centre_value]})).mark_rule(color="#333333").encode(x="x:Q")
    return alt.layer(bars, rule).properties(
        width=width, height=alt.Step(18), title="What moves the answer most"
    )


def monte_carlo_chart(result: BreakEvenResult, width: int = 600) -> Any:
    """Histogram of the Monte Carlo break-even FTE with the prospect's size marked.

    Only scenarios with a crossing are binned; the subtitle reports the shares where TPO is
    cheaper from 1 FTE or never, and ``probability_tpo_cheaper`` at the prospect's plan. When
    fewer than half the scenarios have a crossing (a fast-growing team, where TPO is cheaper
    from the start), the histogram shows the TPO saving against catalog licensing instead, with
    zero marked.

    """
    import altair as alt
    import pandas as pd

    if result.monte_carlo_histogram is None or result.monte_carlo is None:
        raise ValueError("no Monte Carlo in this result; run break_even(..., simulations=N > 0)")
    mc = result.monte_carlo
    crossing_share = 1.0 - mc.share_tpo_cheaper_from_1_fte - mc.share_no_crossing
    metric = "break_even_fte" if crossing_share >= 0.5 else "saving_vs_catalog"
    frame = result.monte_carlo_histogram
    frame = frame[frame["metric"] == metric]
    if metric == "break_even_fte":
        x_title, fmt = "Break-even team size (FTE)", ",.0f"
        mark = {"x": result.team_fte_now, "text": f"prospect today: {result.team_fte_now:,.0f} FTE"}
        heading = "Break-even FTE across the Monte Carlo"
    else:
        x_title, fmt = "TPO saving vs catalog licensing over the horizon (USD)", "$,.2s"
        mark = {"x": 0.0, "text": "break-even (no saving)"}
        heading = "TPO saving at the prospect's plan across the Monte Carlo"
    bars = (
        alt.Chart(frame)
        .mark_bar(color=PALETTE["tpo"], opacity=0.85)
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title=x_title, axis=alt.Axis(format=fmt)),
            x2="bin_end:Q",
            y=alt.Y("share:Q", title="Share of scenarios", axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("bin_start:Q", format=fmt, title="from"),
                alt.Tooltip("bin_end:Q", format=fmt, title="to"),
                alt.Tooltip("count:Q"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
    )
    marks = pd.DataFrame([mark])
    rule = alt.Chart(marks).mark_rule(color="#333333", strokeDash=[6, 4]).encode(x="x:Q")
    text = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, baseline="top", color="#333333")
        .encode(x="x:Q", y=alt.value(4), text="text:N")
    )
    subtitle = [
        f"{mc.n:,} futures (seed {mc.seed}); TPO cheaper at the prospect's plan in"
        f" {pct(mc.probability_tpo_cheaper)} in total, {pct(mc.probability_tpo_cheaper_cash)} in"
        " cash",
        f"TPO cheaper from 1 FTE in {pct(mc.share_tpo_cheaper_from_1_fte)} of futures;"
        f" no crossing in {pct(mc.share_no_crossing)}",
    ]
    return alt.layer(bars, rule, text).properties(
        width=width,
        height=300,
        title=alt.TitleParams(heading, subtitle=subtitle),
    )


def cash_imputed_chart(result: BreakEvenResult, width: int | str = 520) -> Any:
    """Each option's cost over the horizon as a stacked bar, cash first, imputed after it.

    Today's practice is among them, outlined, so a reader finds their own bar. Each option's
    name and total are written above its bar rather than in an axis beside it, so the chart
    keeps its width on a phone. ``width="container"`` fills the element it is drawn in (an
    app's column, on a phone or a wide screen); documents give a width in pixels.
    """
    import altair as alt
    import pandas as pd

    from tpo_scoping.presentation.economics import option_name

    today = result.current_practice_costs
    options = list(result.options.values())
    if today.key not in result.options:
        options.append(today)
    options.sort(key=lambda o: o.total_cost)
    order = [option_name(o) for o in options]
    frame = pd.DataFrame(
        [
            {
                "option": option_name(o),
                "basis": basis,
                "cost": cost,
                "total": o.total_cost,
                "title": f"{option_name(o)}: {money(o.total_cost, short=True)}",
                "today": o.key == today.key,
            }
            for o in options
            for basis, cost in (("Cash", o.cash_cost), ("Imputed", o.imputed_cost))
        ]
    )
    y = alt.Y("option:N", sort=order, axis=None, scale=alt.Scale(paddingInner=0.55))
    bars = (
        alt.Chart(frame)
        .mark_bar(size=14)
        .encode(
            y=y,
            x=alt.X(
                "cost:Q",
                stack="zero",
                title=f"Cost over {result.horizon_months} months (USD)",
                axis=alt.Axis(format="$~s", tickCount=4),
            ),
            color=alt.Color(
                "basis:N",
                title=None,
                scale=alt.Scale(domain=["Cash", "Imputed"], range=["#3d405b", "#e9c46a"]),
                legend=alt.Legend(orient="bottom"),
            ),
            stroke=alt.condition("datum.today", alt.value("#c0392b"), alt.value(None)),
            strokeWidth=alt.condition("datum.today", alt.value(2.5), alt.value(0)),
            order=alt.Order("basis:N", sort="ascending"),
            tooltip=[
                alt.Tooltip("option:N", title="Option"),
                alt.Tooltip("basis:N", title="Basis"),
                alt.Tooltip("cost:Q", title="Cost", format="$,.0f"),
                alt.Tooltip("total:Q", title="Total", format="$,.0f"),
            ],
        )
    )
    names = (
        alt.Chart(frame[frame["basis"] == "Cash"])
        .mark_text(align="left", baseline="bottom", dy=-8, fontSize=12)
        .encode(
            y=y,
            x=alt.value(0),
            text="title:N",
        )
    )
    return alt.layer(bars, names).properties(
        width=width,
        height=alt.Step(34),
        title=alt.TitleParams(
            "Cash and imputed cost per option",
            subtitle=[
                "Imputed: managers' time, output lost while ramping,",
                "re-onboarding, compliance exposure",
            ],
            anchor="start",
        ),
    )
