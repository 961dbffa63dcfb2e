"""A place in an app for one altair chart: offline, updated in place, without the "…" menu."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

EMBED_OPTIONS = {"actions": False}
"""vega-embed options of the apps' charts: no menu offering the chart's source or an editor."""


class ChartSlot(widgets.VBox):
    """One altair chart that renders offline and updates in place.

    The first chart creates an ``alt.JupyterChart`` with the vega bundle served from the
    installed packages (:func:`tpo_scoping.charts.enable_offline`); later charts replace its
    spec, which is cheaper for the page than a new widget.
    """

    def __init__(self, scroll_on_phone: bool = False, fill: bool = False, **kwargs: Any) -> None:
        """``scroll_on_phone``: on a narrow screen, keep the chart's size and scroll it sideways
        (for small multiples, unreadable when shrunk) instead of shrinking it to fit.
        ``fill``: the slot takes its column's width (up to 720 px), for a chart whose width is
        ``"container"``."""
        super().__init__(**kwargs)
        self.add_class("tpo-chart")
        if scroll_on_phone:
            self.add_class("tpo-chart-scroll")
        if fill:
            self.add_class("tpo-chart-fill")
        self.widget: Any = None

    def show(self, chart: Any) -> None:
        import altair as alt

        if self.widget is None:
            from tpo_scoping.charts import enable_offline

            enable_offline()
            self.widget = alt.JupyterChart(chart, embed_options=EMBED_OPTIONS)
            self.children = [self.widget]
        else:
            self.widget.chart = chart

    def clear(self) -> None:
        self.widget = None
        self.children = []
