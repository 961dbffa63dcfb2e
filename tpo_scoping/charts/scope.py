"""Charts of the engagement scope: the plan as a Gantt chart, KPI milestone paths.

Builders take typed results (an :class:`~tpo_scoping.plan.EngagementPlan`, a
:class:`~tpo_scoping.kpis.KpiDraft`) and return altair charts; nothing here computes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.kpis import KpiDraft
    from tpo_scoping.plan import EngagementPlan

WORKSTREAM_COLOURS = {
    "Governance": "#3d405b",
    "Readiness": "#e07a5f",
    "Needs analysis": "#1f6f8b",
    "Content": "#81b29a",
    "Compliance": "#c0392b",
    "Onboarding": "#f2cc8f",
    "Reporting": "#9c9c9c",
}


def plan_gantt_chart(plan: EngagementPlan, width: int = 640) -> Any:
    """Gantt-style chart of the plan: bars for phases and waves, marks for milestones.

    Examples
    --------
    >>> from tpo_scoping.profile import parse_profile
    >>> from tpo_scoping.plan import engagement_plan
    >>> p = parse_profile("prospect: X\\nsites: [{country: PH, fte: 60}]")
    >>> spec = plan_gantt_chart(engagement_plan(p)).to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'bar'
    """
    import altair as alt
    import pandas as pd

    rows = []
    for order, item in enumerate(i.to_dict() for i in plan.items):
        label = item["activity"]
        if item["workstream"] == "Reporting":
            label = "KPI reports"
        elif item["kind"] == "wave":
            label = "Onboarding waves"
        elif item["key"].startswith("qbr_"):
            label = "Quarterly reviews"
        rows.append({**item, "row": label, "order": order})
    frame = pd.DataFrame(rows)
    # One row per label, in first-appearance order.
    row_order = list(dict.fromkeys(frame["row"]))
    domain = [w for w in WORKSTREAM_COLOURS if w in set(frame["workstream"])]
    colour = alt.Color(
        "workstream:N",
        title="Workstream",
        scale=alt.Scale(domain=domain, range=[WORKSTREAM_COLOURS[w] for w in domain]),
        legend=alt.Legend(orient="bottom", columns=4),
    )
    y = alt.Y("row:N", sort=row_order, title=None, axis=alt.Axis(labelLimit=260))
    x_scale = alt.Scale(domain=[0, plan.horizon_weeks])
    tooltip = ["activity:N", "start_week:Q", "end_week:Q", "owner:N", "detail:N"]
    base = alt.Chart(frame)
    bars = (
        base.transform_filter(alt.datum.end_week > alt.datum.start_week)
        .mark_bar(cornerRadius=3, height=14)
        .encode(
            x=alt.X("start_week:Q", title="Week from engagement start", scale=x_scale),
            x2="end_week:Q",
            y=y,
            color=colour,
            tooltip=tooltip,
        )
    )
    marks = (
        base.transform_filter(alt.datum.end_week <= alt.datum.start_week)
        .mark_point(shape="diamond", filled=True, size=110, opacity=1)
        .encode(x=alt.X("start_week:Q", scale=x_scale), y=y, color=colour, tooltip=tooltip)
    )
    layers = [bars, marks]
    if plan.go_live_week is not None:
        rule = (
            alt.Chart(pd.DataFrame({"week": [plan.go_live_week], "label": ["go-live"]}))
            .mark_rule(strokeDash=[4, 3], color="#3d405b")
            .encode(x="week:Q")
        )
        layers.append(rule)
    return alt.layer(*layers).properties(
        width=width, height=max(160, 22 * len(row_order)), title="Engagement plan, first year"
    )


def kpi_milestone_chart(kpis: KpiDraft, width: int = 200) -> Any:
    """Small multiples: each KPI's milestone path from baseline to target (day 0 to 365)."""
    import altair as alt
    import pandas as pd

    rows = []
    for k in kpis.kpis:
        scale = 100.0 if k.unit == "share" else 1.0
        name = f"{k.name} ({'%' if k.unit == 'share' else k.unit})"
        rows.append({"kpi": name, "day": 0, "value": k.baseline * scale})
        rows += [{"kpi": name, "day": m.day, "value": m.value * scale} for m in k.milestones]
    frame = pd.DataFrame(rows)
    return (
        alt.Chart(frame)
        .mark_line(point=True, color="#1f6f8b")
        .encode(
            x=alt.X("day:Q", title="Day", scale=alt.Scale(domain=[0, 365])),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            tooltip=["kpi:N", "day:Q", alt.Tooltip("value:Q", format=".3g")],
        )
        .properties(width=width, height=120)
        .facet(facet=alt.Facet("kpi:N", title=None), columns=3)
        .resolve_scale(y="independent")
        .properties(title="KPI milestone paths")
    )
