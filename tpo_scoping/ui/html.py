"""HTML pieces of the apps: text blocks, headings, tables, and greying out stale outputs.

Every app draws its text through :class:`HtmlBlock`, so the page shares one layout and one style
model among all of them; tables are plain HTML from escaped cells.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_string import HTMLStyle  # not exported at top level

if TYPE_CHECKING:
    from tpo_scoping.presentation import Table

_SHARED_MODELS: dict[tuple[str, tuple[tuple[str, str], ...]], widgets.Widget] = {}


def shared_model(factory: type[widgets.Widget], **traits: str) -> Any:
    """One layout or style model per distinct look, shared by every widget that has that look.

    ipywidgets gives each widget its own layout and style models, and the page fetches and
    builds every model before it shows an app: two thirds of a form's models would be copies
    of the same empty layout. Only widgets that never change their layout or style may share.
    A shared model that was closed (``Widget.close_all()``) is replaced.
    """
    key = (factory.__name__, tuple(sorted(traits.items())))
    model = _SHARED_MODELS.get(key)
    if model is None or model.comm is None:
        model = _SHARED_MODELS[key] = factory(**traits)
    return model


class HtmlBlock(widgets.HTML):
    """An HTML widget whose box and font never change, so it shares its layout and style.

    Use it for headings, captions, answers and messages; a block that must be shown, hidden
    or resized needs a plain ``widgets.HTML`` with its own layout.
    """

    @traitlets.default("layout")
    def _shared_layout(self) -> Any:
        return shared_model(widgets.Layout)

    @traitlets.default("style")
    def _shared_style(self) -> Any:
        return shared_model(HTMLStyle)


def row(children: list[Any], **layout: str) -> widgets.HBox:
    """Widgets side by side, wrapping onto the next line when the screen is narrow.

    Its layout is shared (never changed); ``layout`` adds to ``flex_flow="row wrap"``.
    """
    return widgets.HBox(
        children, layout=shared_model(widgets.Layout, flex_flow="row wrap", **layout)
    )


def column(children: list[Any]) -> widgets.VBox:
    """Widgets one under the other, with a shared layout (never changed)."""
    return widgets.VBox(children, layout=shared_model(widgets.Layout))


def button(label: str, tooltip: str = "") -> widgets.Button:
    """A button as wide as its label, sharing its layout and style with the apps' others."""
    return widgets.Button(
        description=label,
        tooltip=tooltip or None,
        layout=shared_model(widgets.Layout, width="auto", margin="2px"),
        style=shared_model(widgets.ButtonStyle),
    )


def heading(text: str, level: int = 3) -> HtmlBlock:
    return HtmlBlock(f"<h{level} style='margin:6px 0'>{html.escape(text)}</h{level}>")


def caption(text: str) -> HtmlBlock:
    """A line of explanation under a heading, in the apps' muted small type."""
    return HtmlBlock(
        f'<p style="font-size:13px;color:#445;margin:0 0 6px 0">{html.escape(text)}</p>'
    )


def html_paragraph(text: str, size: int = 13) -> str:
    """A sentence as an escaped paragraph ('' for no sentence)."""
    return f"<p style='font-size:{size}px'>{html.escape(text)}</p>" if text else ""


def table_html(table: Table, empty: str = "") -> str:
    """A table as escaped HTML with its notes; the sentence ``empty`` when it has no rows."""
    if table.empty:
        return f"<p style='font-size:13px'>{html.escape(empty)}</p>" if empty else ""
    notes = "".join(f"<p style='font-size:12px'>{html.escape(n)}</p>" for n in table.notes)
    return table.to_html() + notes


def bullets_html(items: list[str]) -> str:
    """Escaped sentences as a list ('' when there are none)."""
    if not items:
        return ""
    body = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return f"<ul style='font-size:13px;margin:4px 0'>{body}</ul>"


def html_table(
    headers: list[str],
    rows: list[list[str]],
    *,
    notes: list[str] | None = None,
    css_class: str = "tpo-table",
) -> str:
    """A plain HTML table; cells are already-escaped HTML snippets.

    ``notes`` (one per row, escaped HTML, '' for none) go in a full-width row under their row.
    Each cell carries its column's name (``data-label``): on a phone the rows become cards that
    name each figure, instead of a table wider than the screen.
    """
    head = "".join(f"<th>{h}</th>" for h in headers)
    labels = [html.escape(re.sub(r"<[^>]*>", "", h), quote=True) for h in headers]
    body = ""
    for i, row in enumerate(rows):
        cells = zip(labels, row, strict=False)
        body += "<tr>" + "".join(f'<td data-label="{k}">{c}</td>' for k, c in cells) + "</tr>"
        if notes and notes[i]:
            body += f'<tr class="tpo-note-row"><td colspan="{len(headers)}">{notes[i]}</td></tr>'
    return (
        f'<table class="{css_class}" style="border-collapse:collapse;font-size:13px">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


APP_CSS = """<style>
.tpo-table th, .tpo-table td { border-bottom: 1px solid #dde3e8; padding: 4px 8px;
  text-align: left; vertical-align: top; }
.tpo-table td, .tpo-table th { line-height: 1.35; }
.tpo-table th { background: #eef2f5; font-weight: 600; }
.tpo-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tpo-table caption { caption-side: top; text-align: left; padding: 4px 0; color: #445; }
.tpo-table tr.highlight td { background: #f3f8fa; font-weight: 600; }
.tpo-table tr.tpo-note-row td { border-bottom: 1px solid #c9d3db; color: #445; font-size: 12px;
  padding-top: 0; }
.tpo-table td.tpo-changed { background: #fff4d6; font-weight: 600; }
.tpo-answer { font-size: 17px; line-height: 1.45; }
.tpo-big { font-size: 26px; font-weight: 700; color: #1f6f8b; }
.tpo-mid { font-size: 18px; font-weight: 700; color: #1d2433; }
.tpo-figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 6px 0 10px; }
.tpo-figure { flex: 1 1 150px; border: 1px solid #dde3e8; border-radius: 6px; padding: 8px 12px; }
.tpo-figure-label { color: #556; font-size: 12px; line-height: 1.3; }
.tpo-cta-box { border-left: 5px solid #1f6f8b; background: #e8f1f5; padding: 10px 14px;
  font-size: 14px; margin: 10px 0; }
.tpo-cta, .tpo-link { display: inline-block; padding: 10px 4px; font-weight: 600; color: #1f6f8b; }
.tpo-msg { line-height: 1.35; }
/* A field's message wraps under its input instead of widening its column. */
.tpo-field > .tpo-message, .tpo-site-box > .tpo-message { width: 0; min-width: 100%; }
/* Wide tables scroll inside their column; charts shrink to fit it. */
.tpo-kpi-table, .tpo-scroll { max-width: 100%; overflow-x: auto; }
/* A widget's HTML may shrink below its widest table (which then scrolls) instead of widening
   past its column, where the column would cut off the text beside the table. */
.tpo-app .widget-html-content { min-width: 0; }
.tpo-scroll .tpo-table th, .tpo-scroll .tpo-table td { padding: 4px 5px; }
.tpo-chart { max-width: 100%; }
.tpo-chart svg, .tpo-chart canvas { max-width: 100% !important; height: auto !important; }
/* A chart drawn at its container's width: the slot, the chart widget and vega-embed fill it. */
.tpo-chart-fill { width: 100%; max-width: 720px; }
.tpo-chart-fill > *, .tpo-chart-fill .vega-embed { width: 100%; }
/* A checkbox's long label wraps instead of ending in "…". */
.tpo-app .widget-checkbox { height: auto; min-height: var(--jp-widgets-inline-height); }
.tpo-app .widget-checkbox .widget-label-basic { white-space: normal; line-height: 1.3; }
/* Outputs computed from earlier inputs, while a field is wrong or an upload failed. */
.tpo-stale { opacity: 0.35; transition: opacity 0.2s; }
.tpo-chip { display: inline-block; border: 1px solid #b9cbd6; border-radius: 14px;
  padding: 3px 10px; background: #f3f8fa; font-size: 13px; }
.tpo-chip-none { border-style: dashed; background: #fafafa; color: #556; }
/* Two columns side by side on a shared screen, one under the other on a phone. */
.tpo-inputs { flex: 1 1 380px; min-width: 0; }
.tpo-outputs { flex: 2 1 520px; min-width: 0; padding-left: 16px; }
.tpo-upload-button, .tpo-download-button { width: auto; margin: 2px; }
.tpo-download-button.tpo-preparing { cursor: progress; }
@media (max-width: 600px) {
  .tpo-outputs { padding-left: 0; }
  .tpo-app input:not([type=checkbox]), .tpo-app select, .tpo-app button,
  .tpo-app .widget-toggle-button { min-height: 44px; }
  .tpo-app .widget-checkbox { min-height: 44px; align-items: center; }
  .tpo-app .widget-checkbox input[type=checkbox] { width: 22px; height: 22px; }
  .tpo-app .widget-text, .tpo-app .widget-dropdown, .tpo-app .widget-checkbox,
  .tpo-app .widget-slider, .tpo-app .widget-toggle-buttons { height: auto; min-height: 44px; }
  .tpo-app .widget-hslider .noUi-handle { width: 28px; height: 28px; top: -11px; }
  .tpo-app .widget-text input, .tpo-app .widget-dropdown select { font-size: 16px; }
  /* A dropdown's label goes above it, so the choice it shows is not cut short; a full-width
     dropdown's margins stay inside its column. */
  .tpo-app .widget-dropdown { flex-wrap: wrap;
    max-width: calc(100% - 2 * var(--jp-widgets-margin, 2px)); }
  .tpo-app .widget-dropdown > .widget-label { width: 100% !important; text-align: left; }
  .tpo-app .widget-dropdown > select { flex: 1 1 100%; }
  /* Small multiples keep their size and scroll sideways: shrunk, they cannot be read. */
  .tpo-chart-scroll { overflow-x: auto; }
  .tpo-chart-scroll svg, .tpo-chart-scroll canvas { max-width: none !important; }
  /* Tables become cards: one block per row, each figure named. */
  .tpo-table thead { display: none; }
  .tpo-table caption { display: block; width: auto; }
  .tpo-table, .tpo-table tbody, .tpo-table tr, .tpo-table td { display: block; width: auto; }
  .tpo-table tr { border-bottom: 2px solid #c9d3db; padding: 6px 0; }
  .tpo-table td { border: none !important; padding: 2px 4px; }
  .tpo-table td[data-label]::before { content: attr(data-label); margin-right: 0.5em;
    font-weight: 600; color: #445; }
  .tpo-table td[data-label=""]::before { content: none; }
}
</style>"""
"""The apps' own styles, placed once at the top of each app."""

STALE = "tpo-stale"
"""The class that greys out outputs while the inputs they came from are no longer on screen."""


def show_stale(outputs: list[widgets.Widget], stale: bool) -> None:
    """Grey out ``outputs`` (or restore them): a wrong field leaves them from earlier inputs."""
    for output in outputs:
        if stale:
            output.add_class(STALE)
        else:
            output.remove_class(STALE)
