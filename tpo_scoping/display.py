"""Display helpers for the consultant notebooks: charts, tables and sentences, no analysis.

Everything here turns a result the package already computed into something to show. Charts are
shown in two forms at once:

* a live, interactive altair widget rendered offline (``tpo_scoping.charts.enable_offline``),
  which JupyterLab and Voilà pick;
* a static SVG rendered server-side with vl-convert, which the exported HTML (and any viewer
  without a kernel) picks. No form loads anything from the network.

Examples
--------
>>> import altair as alt, pandas as pd
>>> c = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x")
>>> "image/svg+xml" in Figure(c)._repr_mimebundle_()
True
"""

from __future__ import annotations

import html
import math
import numbers
import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from tpo_scoping.labels import module_title, site_label, words

_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def setup() -> None:
    """Prepare a notebook: offline chart rendering and the workbench theme."""
    from tpo_scoping.charts import enable_offline

    enable_offline()


class Figure:
    """An altair chart shown as an offline widget (when a front end can show it) plus SVG."""

    def __init__(self, chart: Any, title: str = "") -> None:
        self.chart = chart
        self.title = title

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, Any]:
        import altair as alt

        from tpo_scoping.charts import to_svg

        bundle: dict[str, Any] = {
            "image/svg+xml": to_svg(self.chart),
            "text/plain": self.title or _chart_title(self.chart),
        }
        if alt.renderers.active == "jupyter":
            widget = alt.JupyterChart(self.chart)
            view: Any = widget._repr_mimebundle_()
            if isinstance(view, tuple):
                view = view[0]
            if view and _WIDGET_VIEW in view:
                bundle[_WIDGET_VIEW] = view[_WIDGET_VIEW]
        return bundle


def _chart_title(chart: Any) -> str:
    """The chart's own title, for the text form and the image's alt text."""
    title = getattr(chart, "title", None)
    text = getattr(title, "text", title)
    if isinstance(text, str) and text:
        return text
    if isinstance(text, list) and text:
        return " ".join(str(t) for t in text)
    return "chart"


def show(chart: Any, title: str = "") -> None:
    """Display an altair chart (see :class:`Figure`)."""
    from IPython.display import display

    display(Figure(chart, title))


def sentence(text: str, **values: Any) -> str:
    """Markdown for :func:`say`: ``values`` shown as plain text, no HTML anywhere.

    ``text`` is markdown written by the workbench; ``values`` fill its ``{name}`` fields (with
    format specs, as in :meth:`str.format`) and are shown as their plain text on one line,
    whatever markup they hold (see :func:`plain_markdown`). The whole text is then HTML-escaped,
    so that markdown is the only markup that renders: a prospect, a site or a competency named
    ``<script>`` is shown as written, never run. A ``$`` is escaped too, or JupyterLab and
    nbconvert would read amounts as LaTeX maths.

    Examples
    --------
    >>> import datetime as dt
    >>> print(sentence("**{name}**, as of {day:%d %B %Y}.", name="<b>_A_</b>",
    ...                day=dt.date(2025, 3, 1)))
    **&lt;b&gt;\\_A\\_&lt;/b&gt;**, as of 01 March 2025.
    """
    if values:
        text = _PlainFields().format(text, **values)
    text = html.escape(text, quote=False)
    return text.replace("\\$", "$").replace("$", "\\$")


def say(text: str, **values: Any) -> None:
    """Display a line of markdown (a sentence that carries computed figures; see
    :func:`sentence` for ``values``)."""
    from IPython.display import Markdown, display

    display(Markdown(sentence(text, **values)))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~:])")
_LIST_MARKER = re.compile(r"^(\s*|\s*\d+)([-+.)])", flags=re.M)


def plain_markdown(value: Any) -> str:
    """``value`` as markdown that renders as exactly its text: markdown's punctuation is
    backslash-escaped (emphasis, links, images, code, headings, tables, a list marker opening a
    line), and so is ``:``, so that an address in the text does not become a link. HTML is
    escaped by :func:`sentence`, which every sentence goes through.

    Examples
    --------
    >>> print(plain_markdown("[click](javascript:x) **b** _x_"))
    \\[click\\](javascript\\:x) \\*\\*b\\*\\* \\_x\\_
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    # A line that opens like a list item ("- ", "+ ", "1. ", "2) ") would become one.
    return _LIST_MARKER.sub(r"\1\\\2", text)


class _PlainFields(string.Formatter):
    """``str.format`` whose fields are shown as plain text in markdown (see :func:`say`)."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return plain_markdown(" ".join(super().format_field(value, format_spec).split()))


def as_frame(rows: Any, key: str = "name") -> Any:
    """A DataFrame from a DataFrame, a list of dicts or dataclasses, or a dict of dicts.

    A dict of dicts becomes one row per key, the key in column ``key``.

    Examples
    --------
    >>> as_frame({"a": {"value": 1}}).to_dict("records")
    [{'name': 'a', 'value': 1}]
    """
    import dataclasses

    import pandas as pd

    if isinstance(rows, pd.DataFrame):
        return rows
    if isinstance(rows, Mapping):
        return pd.DataFrame([{key: k, **dict(v)} for k, v in rows.items()])
    records = []
    for row in rows:
        if dataclasses.is_dataclass(row) and not isinstance(row, type):
            records.append(dataclasses.asdict(row))
        elif hasattr(row, "to_dict"):
            records.append(row.to_dict())
        else:
            records.append(dict(row))
    return pd.DataFrame(records)


def table(
    rows: Any,
    *,
    columns: Sequence[str] | None = None,
    rename: Mapping[str, str] | None = None,
    formats: Mapping[str, Any] | None = None,
    caption: str = "",
) -> None:
    """Display rows as a clean HTML table: chosen columns, plain headers, number formats.

    Parameters
    ----------
    rows : DataFrame, list of dicts or dataclasses, or dict of dicts (see :func:`as_frame`)
    columns : which columns to show, in order (default all)
    rename : column -> header shown
    formats : column -> format string (``"{:,.0f}"``) or callable, applied to that column
    caption : a line above the table
    """
    from IPython.display import HTML, display

    df = as_frame(rows)
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    df = df.copy()
    for col in df.columns:
        if df[col].map(lambda v: isinstance(v, bool)).all():
            df[col] = df[col].map({True: "yes", False: "no"})
        elif df[col].map(lambda v: isinstance(v, list | tuple)).any():
            df[col] = df[col].map(
                lambda v: " – ".join(str(x) for x in v) if isinstance(v, list | tuple) else v
            )
        if df[col].dtype == object:
            # The styler escapes text cells only; anything else it would print with str().
            df[col] = df[col].map(_as_cell)
    # Every cell, header and the caption is escaped: prospect and data text is shown, never run.
    styler = df.style.format(na_rep="–", precision=2, thousands=",", escape="html")
    if formats:
        styler = styler.format(
            {k: v for k, v in formats.items() if k in df.columns}, na_rep="–", escape="html"
        )
    labels = [html.escape(str((rename or {}).get(c, c))) for c in df.columns]
    styler = styler.relabel_index(labels, axis="columns")
    styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(html.escape(caption))
    styler = styler.set_table_styles(
        [
            {"selector": "th", "props": "text-align: left; padding: 4px 10px;"},
            {
                "selector": "td",
                "props": "text-align: left; padding: 4px 10px; vertical-align: top;",
            },
            {"selector": "caption", "props": "caption-side: top; text-align: left;"},
        ]
    )
    display(HTML(styler.to_html()))


def _as_cell(value: Any) -> Any:
    """A table cell the styler can escape: text, a number or missing; anything else as text."""
    if value is None or isinstance(value, str | numbers.Number):
        return value
    return str(value)


def bullets(items: Sequence[str], intro: str = "") -> None:
    """Display a bulleted list (nothing when empty and no intro).

    ``items`` are plain text (shown as written, see :func:`plain_markdown`); ``intro`` is the
    workbench's own markdown.
    """
    if not items and not intro:
        return
    lines = [intro, ""] if intro else []
    lines += [f"* {plain_markdown(' '.join(str(item).split()))}" for item in items]
    say("\n".join(lines))


_TONES = {
    "good": ("#e8f4ee", "#2e7d4f"),
    "warn": ("#fdf3e1", "#b7791f"),
    "bad": ("#fbe9e7", "#c0392b"),
    "info": ("#e8f1f5", "#1f6f8b"),
}


def callout(text: str, tone: str = "info", title: str = "") -> None:
    """Display a highlighted box: the one sentence the client should remember."""
    from IPython.display import HTML, display

    background, border = _TONES.get(tone, _TONES["info"])
    heading = f"<div style='font-weight:bold;margin-bottom:4px'>{html.escape(title)}</div>"
    display(
        HTML(
            f"<div style='background:{background};border-left:5px solid {border};"
            "padding:10px 14px;margin:8px 0;font-size:16px;line-height:1.5'>"
            f"{heading if title else ''}{html.escape(text)}</div>"
        )
    )


# --------------------------------------------------------------------------------------------
# Number formatting for sentences


def money(value: float | None, digits: int = 0) -> str:
    """``$12,300`` (or ``n/a`` for a missing or non-finite value).

    Examples
    --------
    >>> money(12345.6), money(None)
    ('$12,346', 'n/a')
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    sign = "−" if value < 0 else ""
    return f"{sign}${abs(float(value)):,.{digits}f}"


def pct(value: float | None, digits: int = 0) -> str:
    """``42 %`` from 0.42 (or ``n/a``).

    Examples
    --------
    >>> pct(0.4249)
    '42\xa0%'
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{100 * float(value):.{digits}f}\u00a0%"


def number(value: float | None, digits: int = 0) -> str:
    """``1,234`` (or ``n/a``).

    Examples
    --------
    >>> number(1234.4), number(float("nan"))
    ('1,234', 'n/a')
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{float(value):,.{digits}f}"


def value_with_unit(value: float | None, unit: str) -> str:
    """A value in its unit: shares as percentages, money with a dollar sign.

    Examples
    --------
    >>> value_with_unit(0.824, "share"), value_with_unit(19.5, "weeks")
    ('82\xa0%', '19.5 weeks')
    >>> value_with_unit(75, "USD/hour")
    '$75/hour'

    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    if unit in ("share", "proportion"):
        return pct(value)
    if unit.startswith("USD"):
        rest = unit[3:]
        return f"{money(value, 0 if abs(value) >= 100 else 2)}{rest}".replace(".00", "")
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


# --------------------------------------------------------------------------------------------
# Presentation of package results (formatting only; the numbers come from the result)


_TRAINING = {
    "manager_walkthroughs": "managers walk new hires through the work",
    "lms_only": "a learning platform (LMS) without a training owner",
    "internal_ld": "an internal training (L&D) team",
    "adhoc_vendor": "ad-hoc training vendors",
    "catalog_licensing": "a licensed course catalog",
}


def profile_summary(profile: Any) -> None:
    """The prospect as told on the call: sites, growth, compliance, training today, readiness."""
    rows = [
        {"": "Offshore team", "What we were told": f"{profile.total_fte} FTE"},
        *(
            {"": f"Site: {site.label}", "What we were told": f"{site.fte} FTE ({site.country})"}
            for site in profile.sites
        ),
        {
            "": "Hiring",
            "What we were told": f"{number(profile.growth.hires_per_quarter)} hire"
            f"{'' if profile.growth.hires_per_quarter == 1 else 's'} per quarter",
        },
        {"": "Attrition", "What we were told": f"{pct(profile.growth.annual_attrition)} a year"},
        {
            "": "Compliance domains",
            "What we were told": ", ".join(d.replace("_", " ") for d in profile.compliance_domains),
        },
        {
            "": "Training today",
            "What we were told": _TRAINING.get(
                str(profile.current_training), str(profile.current_training).replace("_", " ")
            ),
        },
        {
            "": "Internal L&D staff",
            "What we were told": f"{float(profile.internal_ld_staff):g}",
        },
    ]
    readiness = profile.readiness.model_dump()
    labels = {
        "kpis_defined": "KPIs defined",
        "processes_stable": "Processes stable",
        "named_accountable_person": "Named accountable person",
        "offshore_integrated": "Offshore staff treated as team members",
    }
    for key, label in labels.items():
        if key in readiness:
            rows.append({"": label, "What we were told": "yes" if readiness[key] else "no"})
    table(rows, caption=profile.prospect)


def verdict(fit: Any) -> None:
    """The fit verdict: headline in a box, then the deciding reasons."""
    tone = {"tpo": "good", "not_ready": "bad"}.get(str(fit.recommendation), "warn")
    callout(fit.headline, tone=tone, title="Our recommendation")
    if getattr(fit, "interim", None):
        say("**In the meantime:** {interim}.", interim=fit.interim)
    bullets(list(fit.reasons), intro="**Why:**")


def kpi_summary(draft: Any) -> None:
    """The drafted KPIs: baseline (and where it comes from), day-365 target, detectability."""
    rows = []
    for k in draft.kpis:
        rows.append(
            {
                "KPI": k.name,
                "Baseline today": value_with_unit(k.baseline, k.unit),
                "Baseline from": "prospect's data" if not k.baseline_is_default else "benchmark",
                "Target at day 365": value_with_unit(k.target, k.unit),
                "Best quartile": value_with_unit(k.best_quartile, k.unit),
                "Measurable each period": "yes" if k.detectable else "no",
            }
        )
    table(rows)


def economics_summary(result: Any) -> None:
    """Plain sentences for the break-even result, with where each figure comes from."""
    options = result.options
    tpo = options["tpo"]
    catalog = options["catalog_licensing"]
    cheapest = options[result.cheapest_option]["label"]
    lines = [
        f"* Over **{result.horizon_months} months**, with the team growing from "
        f"{number(result.team_fte_now)} to about {number(result.team_fte_end)} FTE on the "
        "hiring and attrition you gave us, the cheapest option is **" + cheapest + "**.",
        f"* Managed training (TPO) would cost **{money(tpo['total_cost'])}** in total, "
        f"about {money(tpo['monthly_cost_per_fte'])} per FTE per month including the "
        f"management time it saves or costs; catalog licensing would cost "
        f"**{money(catalog['total_cost'])}**.",
    ]
    if result.break_even_fte is not None:
        lines.append(
            f"* **Break-even:** TPO and catalog licensing cost the same for a team of about "
            f"**{number(result.break_even_fte)} FTE** (with your hiring and attrition)."
        )
    elif result.break_even_reason:
        lines.append(f"* **Break-even:** {plain_markdown(result.break_even_reason)}.")
    if result.crossing_month is not None:
        lines.append(
            f"* On your own growth path, TPO's monthly running cost drops below catalog "
            f"licensing's in **month {result.crossing_month}**."
        )
    elif result.crossing_reason:
        lines.append(f"* {plain_markdown(result.crossing_reason)}.")
    saving = tpo.get("saving_vs_current_practice")
    if saving is not None and math.isfinite(saving):
        verb = "saves" if saving >= 0 else "costs"
        lines.append(
            f"* Compared with what you do today, TPO {verb} **{money(abs(saving))}** over "
            "the period"
            + (
                f" and pays back in month {tpo['payback_month']}."
                if tpo.get("payback_month")
                else "."
            )
        )
    if result.probability_tpo_cheaper is not None:
        lines.append(
            f"* Across {number(result.monte_carlo['n'])} simulated scenarios that vary every "
            f"assumption within its plausible range, TPO is cheaper than catalog licensing in "
            f"**{pct(result.probability_tpo_cheaper)}** of them."
        )
    say("\n".join(lines).replace("..", "."))


def options_table(result: Any) -> None:
    """Every option's cost over the horizon, cheapest first."""
    rows = sorted(result.options.values(), key=lambda o: o["total_cost"])
    table(
        rows,
        columns=[
            "label",
            "total_cost",
            "direct_cost",
            "hidden_cost",
            "monthly_cost_per_fte",
            "saving_vs_current_practice",
            "payback_month",
        ],
        rename={
            "label": "Option",
            "total_cost": "Total cost",
            "direct_cost": "Fees and content",
            "hidden_cost": "Hidden cost (management time, slow ramp, turnover)",
            "monthly_cost_per_fte": "Per FTE per month",
            "saving_vs_current_practice": "Saving vs today",
            "payback_month": "Pays back in month",
        },
        formats={
            "total_cost": money,
            "direct_cost": money,
            "hidden_cost": money,
            "monthly_cost_per_fte": money,
            "saving_vs_current_practice": money,
            "payback_month": lambda v: "–" if v is None or v != v else f"{int(v)}",
        },
    )


def assumption_table(assumptions: Mapping[str, Mapping[str, Any]]) -> None:
    """Every assumption of the economics with its value, plausible range and source."""
    rows = []
    for name, a in assumptions.items():
        low, high = a.get("range", (None, None))
        unit = str(a.get("unit", ""))
        rows.append(
            {
                "Assumption": a.get("description") or name.replace("_", " "),
                "Value": value_with_unit(a.get("value"), unit),
                "Plausible range": f"{value_with_unit(low, unit)} to {value_with_unit(high, unit)}",
                "Source": a.get("source", ""),
                "Why this value": a.get("rationale", ""),
                "Group": _label(str(a.get("group", ""))),
            }
        )
    frame = as_frame(rows).sort_values(["Group", "Assumption"], kind="stable")
    table(
        frame,
        columns=["Group", "Assumption", "Value", "Plausible range", "Source", "Why this value"],
    )


def _label(key: str) -> str:
    """``tpo_pricing`` -> ``TPO pricing``: a data key as a heading."""
    text = key.replace("_", " ").replace("tpo", "TPO").replace("lms", "LMS")
    return text[:1].upper() + text[1:]


def threshold_summary(thresholds: Sequence[Any], labels: Mapping[str, str] | None = None) -> None:
    """'What would have to be true': each threshold as today's value against the tipping point."""
    names = {
        "tpo_fee_per_fte_tier1": "TPO fee per FTE per month",
        "tpo_retainer_base_monthly": "TPO fixed monthly retainer",
        "team_fte": "Team size",
        "mgmt_hours_per_fte_month_informal": "Management hours per FTE per month today",
        "hires_per_quarter": "Hires per quarter",
        **(labels or {}),
    }
    rows = []
    for t in thresholds:
        if t.break_even_value is None:
            tipping = t.reason or "no tipping point in the range searched"
        else:
            word = "below" if t.tpo_cheaper_when == "below" else "above"
            tipping = (
                f"TPO is cheaper while this stays {word} "
                f"{value_with_unit(t.break_even_value, t.unit)}"
            )
        rows.append(
            {
                "Input": names.get(t.name, t.name.replace("_", " ")),
                "Today": value_with_unit(t.current_value, t.unit),
                "Tipping point": value_with_unit(t.break_even_value, t.unit),
                "What it means": tipping,
            }
        )
    table(rows)


def sensitivity_summary(result: Any, top: int = 3) -> None:
    """The assumptions that move the answer most, in words (from the one-at-a-time sensitivity)."""
    rows = sorted(result.sensitivity, key=lambda r: r.get("rank", 0))[:top]
    if not rows:
        return
    names = {n: str(a.get("description") or n).rstrip(".") for n, a in result.assumptions.items()}
    lines = []
    for row in rows:
        unit = str(row.get("unit", ""))
        span = (
            f"from {value_with_unit(row['low_value'], unit)} to "
            f"{value_with_unit(row['high_value'], unit)}"
        )
        if row.get("break_even_at_low") is not None and row.get("break_even_at_high") is not None:
            effect = (
                f"moves the break-even between {number(row['break_even_at_low'])} and "
                f"{number(row['break_even_at_high'])} FTE"
            )
        else:
            effect = (
                f"moves TPO's saving against catalog licensing between "
                f"{money(row.get('saving_vs_catalog_at_low'))} and "
                f"{money(row.get('saving_vs_catalog_at_high'))}"
            )
        lines.append(f"* **{names.get(row['name'], row['name'])}**: {span} {effect}.")
    say("\n".join(lines))


def monte_carlo_summary(result: Any) -> None:
    """What the simulation says, in words: how often TPO wins and the spread of the outcome."""
    mc = result.monte_carlo
    if not mc:
        return
    lines = [
        f"* We drew **{number(mc['n'])} scenarios**, each picking every assumption at random"
        " within "
        f"its plausible range, most often near our central value (seed {mc['seed']}).",
    ]
    if result.probability_tpo_cheaper is not None:
        lines.append(
            f"* TPO costs less than catalog licensing over the period in "
            f"**{pct(result.probability_tpo_cheaper)}** of the scenarios."
        )
    saving = mc.get("saving_vs_catalog_percentiles") or {}
    if saving:
        lines.append(
            f"* TPO's saving against catalog licensing: **{money(saving.get('p50'))}** in the "
            f"middle scenario; 90\u00a0% of scenarios fall between {money(saving.get('p5'))} and "
            f"{money(saving.get('p95'))}."
        )
    fte = mc.get("break_even_fte_percentiles") or {}
    if fte and mc.get("share_tpo_cheaper_from_1_fte", 0) < 0.5:
        lines.append(
            f"* The break-even team size is {number(fte.get('p50'))} FTE in the middle "
            f"scenario; 90\u00a0% of scenarios put it between {number(fte.get('p5'))} and "
            f"{number(fte.get('p95'))} FTE."
        )
    elif fte:
        lines.append(
            f"* In {pct(mc.get('share_tpo_cheaper_from_1_fte'))} of the scenarios TPO is "
            "cheaper at any team size, so there is no break-even to reach."
        )
    cheapest = mc.get("probability_cheapest") or {}
    if cheapest:
        best = max(cheapest, key=lambda k: cheapest[k])
        label = result.options.get(best, {}).get("label", best)
        lines.append(
            f"* The option most often cheapest of all six: **{label}** "
            f"({pct(cheapest[best])} of scenarios)."
        )
    say("\n".join(lines))


# --------------------------------------------------------------------------------------------
# Training needs analysis


def quality_summary(quality: Any) -> None:
    """Rows read, kept and dropped per table, the main reasons, and the notes of the reader."""
    q = quality.to_dict() if hasattr(quality, "to_dict") else dict(quality)
    rows = []
    for name, read in q.get("rows_read", {}).items():
        used = q.get("rows_used", {}).get(name, 0)
        missing = q.get("missing", {}).get(name, {})
        worst = max(missing.items(), key=lambda kv: kv[1], default=(None, 0.0))
        rows.append(
            {
                "Table": name,
                "Rows received": read,
                "Rows used": used,
                "Rows set aside": read - used,
                "Most often empty": f"{worst[0]} ({pct(worst[1])})"
                if worst[0] and worst[1]
                else "–",
            }
        )
    table(rows)
    reasons = q.get("dropped_by_reason") or {}
    flat = []
    for name, counts in reasons.items():
        for reason, count in dict(counts).items():
            flat.append(f"{name}: {count} row(s) set aside because {reason}")
    bullets(flat + list(q.get("notes", [])))


def priorities_table(needs: Any, top: int = 8) -> None:
    """The top training priorities, each in one plain sentence with its evidence."""
    rows = [
        {"Rank": p.get("rank"), "Priority": p.get("summary", "")}
        for p in sorted(needs.priorities, key=lambda p: p.get("rank", 0))[:top]
    ]
    if rows:
        table(rows)
    else:
        say("*No competency gaps could be measured: the data has no assessments.*")


def ramp_table(needs: Any) -> None:
    """Weeks to proficiency per role and site on the main performance measure, with 95 % CI."""
    if needs.ramp is None or needs.ramp.empty:
        say("*Ramp time could not be measured: the data has no performance metrics by month.*")
        return
    metric = needs.ramp_for(str(needs.ramp["role"].iloc[0]))["metric"]
    frame = needs.ramp[needs.ramp["metric"] == metric]
    rows = [
        {
            "Role": words(r.role),
            "Site": site_label(r.site),
            "Weeks to proficiency": number(r.weeks_to_proficiency, 1),
            "95 % range": f"{number(r.ci_low, 1)} to {number(r.ci_high, 1)}",
            "New hires observed": int(r.n),
        }
        for r in frame.itertuples()
    ]
    table(rows, caption=f"Measured on {metric.replace('_', ' ')}")


def retention_table(needs: Any, days: Sequence[int] = (30, 90, 180, 365)) -> None:
    """Share of new hires still employed after 30/90/180/365 days, per site, with 95 % CI."""
    frame = needs.retention
    if frame is None or frame.empty:
        say("*Retention could not be measured: the data has no hire dates.*")
        return
    frame = frame[(frame["cohort"] == "all") & frame["day"].isin(list(days))]
    rows: dict[str, dict[str, Any]] = {}
    for r in frame.itertuples():
        row = rows.setdefault(r.site, {"Site": site_label(r.site), "New hires": int(r.n)})
        has_ci = math.isfinite(r.ci_low) and math.isfinite(r.ci_high)
        ci = f" ({pct(r.ci_low)}–{pct(r.ci_high)})" if has_ci else ""
        row[f"Day {r.day}"] = f"{pct(r.estimate)}{ci}"
    table(list(rows.values()))
    test = needs.logrank or {}
    if test.get("p_value") is not None and len(test.get("groups", [])) > 1:
        verdict = (
            "a real difference between sites, unlikely to be chance"
            if test["p_value"] < 0.05
            else "no difference between sites that we can tell from chance"
        )
        say(f"Comparing the sites' curves (log-rank test, p = {test['p_value']:.3f}): {verdict}.")


def compliance_table(needs: Any) -> None:
    """Certificate coverage per site and required module: current, lapsing, overdue, missing."""
    frame = needs.compliance
    if frame is None or frame.empty:
        say("*Compliance could not be checked: the data has no compliance records.*")
        return
    rows = [
        {
            "Site": site_label(r.site),
            "Module": module_title(r.module),
            "Required": int(r.required),
            "Current": int(r.current),
            "Expiring in 90 days": int(r.expiring_30 + r.expiring_60 + r.expiring_90),
            "Overdue": int(r.overdue),
            "Never completed": int(r.never_completed),
            "Coverage": pct(r.coverage),
        }
        for r in frame.itertuples()
    ]
    table(rows)


def impact_summary(needs: Any) -> None:
    """Each course's estimated effect (difference-in-differences), with its assumptions."""
    if not needs.impact:
        say(
            "*Training impact could not be estimated: the data has no training records "
            "with performance before and after.*"
        )
        return
    rows = [
        {
            "Course": str(i["course"]).replace("_", " "),
            "Measure": str(i["metric"]).replace("_", " "),
            "Trained / compared": f"{i['n_trained']} / {i['n_control']}",
            "Estimated effect": (
                f"{i['did']:+.3g} ({i['did_ci_low']:+.3g} to {i['did_ci_high']:+.3g})"
            ),
            "Clear effect?": "yes" if i["did_p_value"] < 0.05 else "not distinguishable from zero",
        }
        for i in needs.impact
    ]
    table(rows)
    bullets(list(needs.impact[0]["assumptions"]), intro="This estimate holds if:")


# --------------------------------------------------------------------------------------------
# KPI targets and engagement brief


def kpi_targets(draft: Any) -> None:
    """Each KPI's path: baseline, the 30/60/90/180/365-day milestones and the day-365 target."""
    rows = []
    for k in draft.kpis:
        row = {"KPI": k.name, "Baseline": value_with_unit(k.baseline, k.unit)}
        for m in k.milestones:
            row[f"Day {m.day}"] = value_with_unit(m.value, k.unit)
        row["How the target is set"] = k.target_rule
        rows.append(row)
    table(rows)


def kpi_detectability(draft: Any) -> None:
    """Whether each target is measurable at the prospect's size, and what to do when it is not."""
    rows = [
        {
            "KPI": k.name,
            "Observations per period": number(k.n_per_period, 0),
            "Smallest change we could detect": value_with_unit(k.min_detectable_change, k.unit)
            if k.min_detectable_change is not None
            else "too few observations",
            "Measurable each period": "yes" if k.detectable else "no",
            "What it means": k.detectability_note,
        }
        for k in draft.kpis
    ]
    table(rows)


def kpi_definitions(draft: Any) -> None:
    """How each KPI is computed, from which data, and who owns it."""
    table(
        draft.kpis,
        columns=["name", "definition", "data_source", "owner"],
        rename={
            "name": "KPI",
            "definition": "Definition",
            "data_source": "Data",
            "owner": "Owner",
        },
    )


def plan_summary(plan: Any) -> None:
    """The engagement plan as a table with plain week numbers."""
    frame = plan.table()
    table(
        frame,
        columns=["Workstream", "Activity", "Start week", "End week", "Owner"],
        formats={"Start week": "{:.0f}", "End week": "{:.0f}"},
    )
    notes = list(plan.notes)
    if plan.go_live_week is not None:
        notes.insert(0, f"Managed training goes live in week {plan.go_live_week}.")
    bullets(notes)


def clauses(clause_set: Any) -> None:
    """The draft contract clauses, numbered, with the draft notice first."""
    lines = [f"*{plain_markdown(clause_set.notice)}*", ""]
    for c in clause_set.clauses:
        lines += [f"**{c.number}. {plain_markdown(c.title)}**", ""]
        # Each line of a clause is its own paragraph, shown as written.
        lines += [plain_markdown(line.strip()) + "\n" for line in c.text.strip().splitlines()]
    say("\n".join(lines))


def files(paths: Sequence[Any]) -> None:
    """List written files with their sizes."""
    from pathlib import Path

    items = [f"{Path(p).name} ({Path(p).stat().st_size / 1024:,.0f} KB)" for p in paths]
    bullets(items, intro="Written:")
