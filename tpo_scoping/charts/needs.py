"""Charts of the training needs analysis, built from a :class:`~tpo_scoping.needs.NeedsResult`.

Every chart is built from the result's already aggregated tables (one row per cell, per tenure
bin or per distinct duration), so none comes near altair's 5,000-row limit; :func:`_rows`
checks it anyway.

Examples
--------
>>> from tpo_scoping.ingest import from_frames
>>> from tpo_scoping.needs import analyse_needs
>>> from tpo_scoping.synthetic import SCENARIOS, generate
>>> result = analyse_needs(from_frames(generate(SCENARIOS["growing_healthcare"], seed=3).tables))
>>> spec = gap_heatmap(result).to_dict()
>>> spec["layer"][0]["mark"]["type"]
'rect'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from tpo_scoping.labels import STATUS_LABELS, module_title, site_label, words

if TYPE_CHECKING:
    from tpo_scoping.needs import NeedsResult

MAX_ROWS = 5000
"""altair refuses larger inline datasets by default."""

STATUS_COLOURS = {
    "current": "#2a9d8f",
    "expiring_30": "#e9c46a",
    "expiring_60": "#f4d58d",
    "expiring_90": "#f6e7b4",
    "overdue": "#e76f51",
    "never_completed": "#9d0208",
    "not_yet_due": "#c9c9c9",
}


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain columns for altair, thinned evenly if a table would exceed :data:`MAX_ROWS`."""
    frame = frame.reset_index(drop=True)
    if len(frame) > MAX_ROWS:
        step = -(-len(frame) // MAX_ROWS)
        frame = frame.iloc[::step]
    return frame


def _words(values: pd.Series) -> pd.Series:
    """Keys as words: ``hipaa_privacy`` -> ``hipaa privacy``."""
    return values.map(words)


def _empty(title: str) -> Any:
    import altair as alt

    return (
        alt.Chart(pd.DataFrame({"text": ["not enough data"]}))
        .mark_text()
        .encode(text="text:N")
        .properties(title=title)
    )


def gap_heatmap(result: NeedsResult) -> Any:
    """Heatmap of the gap to target (points) by competency and role × site."""
    import altair as alt

    if result.gaps.empty:
        return _empty("Competency gaps")
    data = result.gaps[["role", "site", "competency", "n", "mean", "ci_low", "ci_high", "gap"]]
    data = data.assign(
        group=data["site"] + " · " + _words(data["role"]), skill=_words(data["competency"])
    )
    scale = max(abs(float(data["gap"].max())), abs(float(data["gap"].min())), 1.0)
    base = alt.Chart(_rows(data)).encode(
        x=alt.X("skill:N", title="competency", axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y("group:N", title="site · role"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color(
            "gap:Q",
            title="points below target",
            scale=alt.Scale(scheme="redblue", domain=[scale, -scale]),
        ),
        tooltip=[
            "site",
            "role",
            alt.Tooltip("skill:N", title="competency"),
            "n",
            alt.Tooltip("mean:Q", format=".1f"),
            alt.Tooltip("ci_low:Q", format=".1f", title="CI low"),
            alt.Tooltip("ci_high:Q", format=".1f", title="CI high"),
            alt.Tooltip("gap:Q", format=".1f"),
        ],
    )
    # Dark cells (the largest gaps either way) take white figures.
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text("mean:Q", format=".0f"),
        color=alt.condition(
            f"abs(datum.gap) > {0.6 * scale:.6g}", alt.value("white"), alt.value("#222")
        ),
    )
    title = f"Mean score vs target {result.settings.target_proficiency:g}"
    return (heat + labels).properties(title=title, width=alt.Step(64), height=alt.Step(28))


def priority_matrix(result: NeedsResult) -> Any:
    """Gap size against people below the pass mark; bubble size is the priority score."""
    import altair as alt

    if result.gaps.empty:
        return _empty("Training priorities")
    data = result.gaps[
        ["role", "site", "competency", "gap", "below_pass", "priority", "weight", "n"]
    ].copy()
    data["label"] = _words(data["competency"])
    return (
        alt.Chart(_rows(data))
        .mark_circle(opacity=0.75)
        .encode(
            x=alt.X("gap:Q", title="points below target"),
            y=alt.Y("below_pass:Q", title="people below the pass mark (estimated)"),
            size=alt.Size("priority:Q", title="priority"),
            color=alt.Color("site:N"),
            tooltip=[
                "site",
                "role",
                "label",
                "n",
                alt.Tooltip("gap:Q", format=".1f"),
                alt.Tooltip("below_pass:Q", format=".1f"),
                alt.Tooltip("weight:Q", format=".2g"),
                alt.Tooltip("priority:Q", format=".0f"),
            ],
        )
        .properties(title="Priority matrix: gap × people affected × business weight")
    )


def km_curves(result: NeedsResult) -> Any:
    """Kaplan–Meier retention curves per site with their confidence bands."""
    import altair as alt

    if result.km_curves.empty:
        return _empty("Retention of new hires")
    data = _rows(
        result.km_curves[["site", "time", "survival", "ci_low", "ci_high", "at_risk"]].fillna(
            {"ci_low": 1.0, "ci_high": 1.0}
        )
    )
    data = data.assign(site=data["site"].map(site_label))
    base = alt.Chart(data).encode(
        x=alt.X("time:Q", title="days since hire"), color=alt.Color("site:N")
    )
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(
        y=alt.Y("ci_low:Q", title="still employed", axis=alt.Axis(format="%")), y2="ci_high:Q"
    )
    line = base.mark_line(interpolate="step-after").encode(
        y="survival:Q",
        tooltip=[
            "site",
            "time",
            alt.Tooltip("survival:Q", format=".1%"),
            alt.Tooltip("ci_low:Q", format=".1%"),
            alt.Tooltip("ci_high:Q", format=".1%"),
            "at_risk",
        ],
    )
    marks = (
        alt.Chart(pd.DataFrame({"day": list(result.settings.retention_days)}))
        .mark_rule(strokeDash=[4, 4], color="#888")
        .encode(x="day:Q")
    )
    return (band + line + marks).properties(title="Retention of new hires (Kaplan–Meier)")


def learning_curves(result: NeedsResult, metric: str | None = None, site: str = "all") -> Any:
    """Observed mean performance per tenure bin (points) and the fitted learning curve."""
    import altair as alt

    curves = result.ramp_curves
    if curves.empty:
        return _empty("Learning curves")
    if metric is None:
        present = set(curves["metric"])
        metric = next(
            (m for m in ("productivity", "error_rate", "quality", "csat") if m in present),
            str(curves["metric"].iloc[0]),
        )
    data = curves[(curves["metric"] == metric)]
    if site not in set(data["site"]):
        site = str(data["site"].iloc[0])
    data = data[data["site"] == site]
    # A role at a single site has only its site rows.
    single = curves[(curves["metric"] == metric) & ~curves["role"].isin(data["role"])]
    data = _rows(pd.concat([data, single], ignore_index=True))
    base = alt.Chart(data).encode(
        x=alt.X("tenure_weeks:Q", title="weeks since hire"), color=alt.Color("role:N")
    )
    points = base.mark_circle(opacity=0.5).encode(
        y=alt.Y("observed:Q", title=words(metric)),
        size=alt.Size("n:Q", title="observations", legend=None),
        tooltip=["role", "site", "tenure_weeks", alt.Tooltip("observed:Q", format=".3g"), "n"],
    )
    line = base.mark_line().encode(y="fitted:Q")
    return (points + line).properties(title=f"Learning curves: {words(metric)}")


def compliance_coverage(result: NeedsResult) -> Any:
    """Share of active employees per certificate status, by site and module."""
    import altair as alt

    frame = result.compliance
    if frame.empty:
        return _empty("Compliance coverage")
    statuses = [c for c in STATUS_COLOURS if c in frame.columns]
    rows = frame[(frame["module"] != "all")]
    long = rows.melt(
        id_vars=["site", "module", "required"],
        value_vars=statuses,
        var_name="status",
        value_name="people",
    )
    long = long[long["required"] > 0]
    long["share"] = long["people"] / long["required"]
    long["status_order"] = long["status"].map({s: i for i, s in enumerate(statuses)})
    long["status"] = long["status"].map(STATUS_LABELS)
    long["module"] = long["module"].map(module_title)
    long["site"] = long["site"].map(site_label)
    labels = [STATUS_LABELS[s] for s in statuses]
    return (
        alt.Chart(_rows(long))
        .mark_bar()
        .encode(
            y=alt.Y("module:N", title=None, axis=alt.Axis(labelLimit=280)),
            x=alt.X(
                "share:Q",
                stack="normalize",
                title="share of active employees",
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "status:N",
                title="certificate status",
                scale=alt.Scale(domain=labels, range=[STATUS_COLOURS[s] for s in statuses]),
            ),
            order=alt.Order("status_order:Q"),
            row=alt.Row("site:N", title=None),
            tooltip=["site", "module", "status", "people", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(title="Compliance coverage")
        # Each site lists only the modules its staff need (privacy laws differ by country).
        .resolve_scale(y="independent")
    )


def all_charts(result: NeedsResult) -> dict[str, Any]:
    """Every needs chart, keyed by name."""
    return {
        "gap_heatmap": gap_heatmap(result),
        "priority_matrix": priority_matrix(result),
        "km_curves": km_curves(result),
        "learning_curves": learning_curves(result),
        "compliance_coverage": compliance_coverage(result),
    }
