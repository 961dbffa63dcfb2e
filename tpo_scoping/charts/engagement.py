"""Charts of a tracked engagement: each KPI's actual values with their intervals against the
signed milestone path.

Builders take a :class:`~tpo_scoping.engagement.TrackingResult` and return altair charts;
nothing here computes. Shares are drawn in percent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.engagement import TrackingResult

STATUS_COLOURS = {
    "ahead": "#2e7d32",
    "on track": "#1f6f8b",
    "behind": "#b3261e",
    "not detectable at this size": "#9c9c9c",
}
"""Colour of each judged status (not-yet-measurable quarters have no point)."""


def _scale(unit: str) -> float:
    return 100.0 if unit == "share" else 1.0


def _title(name: str, unit: str) -> str:
    return f"{name} ({'%' if unit == 'share' else unit})"


def kpi_frames(result: TrackingResult) -> tuple[Any, Any]:
    """Two long tables: the signed milestone paths, and the quarters' actual values."""
    import pandas as pd

    paths, actuals = [], []
    for kpi in result.engagement.kpis.kpis:
        scale, title = _scale(kpi.unit), _title(kpi.name, kpi.unit)
        paths.append({"kpi": title, "day": 0, "value": kpi.baseline * scale, "what": "milestone"})
        for milestone in kpi.milestones:
            paths.append(
                {
                    "kpi": title,
                    "day": milestone.day,
                    "value": milestone.value * scale,
                    "what": "milestone",
                }
            )
        for quarter in result.quarters:
            row = quarter.kpi(kpi.key)
            m = row.measurement
            if m.value is None:
                continue
            actuals.append(
                {
                    "kpi": title,
                    "day": row.day,
                    "quarter": row.period.label,
                    "value": m.value * scale,
                    "low": (m.ci_low if m.ci_low is not None else m.value) * scale,
                    "high": (m.ci_high if m.ci_high is not None else m.value) * scale,
                    "status": row.status,
                }
            )
    return pd.DataFrame(paths), pd.DataFrame(
        actuals, columns=["kpi", "day", "quarter", "value", "low", "high", "status"]
    )


def kpi_tracking_chart(result: TrackingResult, width: int = 210, columns: int = 3) -> Any:
    """Small multiples: per KPI, the milestone due on each day (a step line through the signed
    milestones) and each quarter's actual (point) with its 95 % interval (bar), by status.

    The frame behind it is :func:`kpi_frames`; tests read the spec (``chart.to_dict()``).
    """
    import altair as alt
    import pandas as pd

    paths, actuals = kpi_frames(result)
    data = pd.concat(
        [paths.assign(layer="path"), actuals.assign(layer="actual")], ignore_index=True
    )
    x = alt.X("day:Q", title="Day of the engagement", scale=alt.Scale(domain=[0, 380]))
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    colour = alt.Color(
        "status:N",
        title="Status",
        scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
        legend=alt.Legend(orient="bottom", columns=2),
    )
    base = alt.Chart(data)
    path = (
        base.transform_filter(alt.datum.layer == "path")
        .mark_line(
            color="#3d405b",
            strokeDash=[5, 3],
            interpolate="step-after",
            point=alt.OverlayMarkDef(size=18),
        )
        .encode(x=x, y=y, tooltip=["day:Q", alt.Tooltip("value:Q", format=".3g")])
    )
    bars = (
        base.transform_filter(alt.datum.layer == "actual")
        .mark_rule(strokeWidth=2)
        .encode(x=x, y="low:Q", y2="high:Q", color=colour)
    )
    points = (
        base.transform_filter(alt.datum.layer == "actual")
        .mark_point(filled=True, size=60, opacity=1)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                "quarter:N",
                alt.Tooltip("value:Q", format=".3g"),
                alt.Tooltip("low:Q", format=".3g"),
                alt.Tooltip("high:Q", format=".3g"),
                "status:N",
            ],
        )
    )
    return (
        alt.layer(path, bars, points)
        .properties(width=width, height=130)
        .facet(facet=alt.Facet("kpi:N", title=None), columns=columns)
        .resolve_scale(y="independent")
        .properties(title="KPIs against the signed milestones (dashed), with 95 % intervals")
    )
