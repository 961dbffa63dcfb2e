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

import math
from collections.abc import Mapping, Sequence
from typing import Any

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


def say(text: str) -> None:
    """Display a line of markdown (a sentence that carries computed figures)."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def table(
    frame: Any,
    *,
    formats: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
    columns: Sequence[str] | None = None,
    index: bool = False,
    caption: str = "",
) -> None:
    """Display a DataFrame as a clean HTML table (no index, chosen columns, number formats).

    Parameters
    ----------
    frame : DataFrame or list of dicts
    formats : column -> format string (``"{:,.0f}"``) applied to that column
    rename : column -> header shown
    columns : which columns to show, in order (default all)
    index : show the index
    caption : a line above the table
    """
    import pandas as pd
    from IPython.display import HTML, display

    df = frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(list(frame))
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    styler = df.style.format(na_rep="–", precision=2)
    if formats:
        styler = styler.format({k: v for k, v in formats.items() if k in df.columns}, na_rep="–")
    if rename:
        styler = styler.relabel_index([rename.get(c, c) for c in df.columns], axis="columns")
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    styler = styler.set_table_styles(
        [
            {"selector": "th", "props": "text-align: left; padding: 4px 10px;"},
            {"selector": "td", "props": "text-align: left; padding: 4px 10px;"},
            {"selector": "caption", "props": "caption-side: top; text-align: left;"},
        ]
    )
    display(HTML(styler.to_html()))


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
    '42 %'
    """
    if value is None or not math.isfinite(float(value)):
        return "n/a"
    return f"{100 * float(value):.{digits}f} %"


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
