"""What the consultant notebooks show: charts, tables and sentences, no analysis and no formatting.

Tables and sentences come from the one presentation layer (:mod:`tpo_scoping.presentation`),
which the apps, the brief and the CLI draw from too; this module only puts them on the page.
Charts are shown in two forms at once:

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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.clauses import ClauseSet
    from tpo_scoping.verdict import FitVerdict

from tpo_scoping.presentation.table import Table

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


def show_chart(chart: Any, title: str = "") -> None:
    """Display an altair chart (see :class:`Figure`)."""
    from IPython.display import display

    display(Figure(chart, title))


def show_text(text: str) -> None:
    """Display a line of text (a sentence that carries computed figures), escaped."""
    from IPython.display import HTML, display

    display(HTML(f"<p>{html.escape(text)}</p>"))


_TABLE_CSS = (
    "<style>.tpo-table{border-collapse:collapse;margin:6px 0}"
    ".tpo-table th,.tpo-table td{text-align:left;padding:4px 10px;vertical-align:top;"
    "border-bottom:1px solid #e3e6ea}.tpo-table td.num{text-align:right}"
    ".tpo-table tr.highlight td{font-weight:bold}"
    ".tpo-table caption{caption-side:top;text-align:left;padding:4px 0}</style>"
)


def show_table(table: Table) -> None:
    """Display a formatted table (every cell escaped), with its notes under it."""
    from IPython.display import HTML, display

    if table.empty:
        return
    display(HTML(_TABLE_CSS + table.to_html()))
    show_bullets(list(table.notes))


def show_bullets(items: Sequence[str], intro: str = "") -> None:
    """Display a bulleted list (nothing when empty and no intro), escaped."""
    from IPython.display import HTML, display

    if not items and not intro:
        return
    lead = f"<p><b>{html.escape(intro)}</b></p>" if intro else ""
    body = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    display(HTML(f"{lead}<ul>{body}</ul>" if body else lead))


_TONES = {
    "good": ("#e8f4ee", "#2e7d4f"),
    "warn": ("#fdf3e1", "#b7791f"),
    "bad": ("#fbe9e7", "#c0392b"),
    "info": ("#e8f1f5", "#1f6f8b"),
}


def show_callout(text: str, tone: str = "info", title: str = "") -> None:
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


def show_verdict(fit: FitVerdict) -> None:
    """The fit verdict: headline in a box, the interim step, then the deciding reasons."""
    tone = {"tpo": "good", "not_ready": "bad"}.get(fit.recommendation, "warn")
    show_callout(fit.headline, tone=tone, title="Our recommendation")
    if fit.interim:
        show_text(f"In the meantime: {fit.interim}.")
    show_bullets(list(fit.reasons), intro="Why:")


def show_clauses(clause_set: ClauseSet) -> None:
    """The draft contract clauses, numbered, with the draft notice first."""
    from IPython.display import HTML, display

    parts = [f"<p><i>{html.escape(clause_set.notice)}</i></p>"]
    for c in clause_set.clauses:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in c.text.strip().split("\n"))
        parts.append(f"<p><b>{c.number}. {html.escape(c.title)}</b></p>{paragraphs}")
    display(HTML("".join(parts)))


def show_files(paths: Sequence[Any]) -> None:
    """List written files with their sizes."""
    from pathlib import Path

    items = [f"{Path(p).name} ({Path(p).stat().st_size / 1024:,.0f} KB)" for p in paths]
    show_bullets(items, intro="Written:")
