"""The public break-even calculator: a few questions, an answer a CFO reads in ten seconds.

Prospects use it on their own, so it accepts nothing but the answers below, each validated
like typed input, whether it arrives from the form or from the link's query string
(``?fte=50&hires=20&attrition=30&domain=healthcare&training=manager_walkthroughs``).
No upload, no file access.

The answer leads with what managed training saves or costs the visitor's team over three years
against how it trains today, with the range of 1,000 simulated futures, the cash part apart
from the imputed part, and the payback month. Below: every option's costs, one chart of the
totals with today's practice outlined, the assumptions with their sources (the few a visitor
may change among them), a PDF of the estimate, a link that reproduces it, and whom to call.

Examples
--------
>>> app = BreakEvenCalculator()
>>> app.launch()
>>> app.controls["fte"].type("120")
>>> app.result.team_fte_now
120.0
"""

from __future__ import annotations

import html
import os
import urllib.parse
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.labels import fte
from tpo_scoping.presentation import economics
from tpo_scoping.ui.chart_slot import ChartSlot
from tpo_scoping.ui.choices import DOMAIN_LABELS, TRAINING_LABELS
from tpo_scoping.ui.downloads import DownloadButton, Prepared
from tpo_scoping.ui.fields import NumberField, assumption_field
from tpo_scoping.ui.html import HtmlBlock, bullets_html, heading, html_paragraph, row, show_stale
from tpo_scoping.ui.links import parse_query, request_query_string
from tpo_scoping.ui.messages import MessageBox, guarded
from tpo_scoping.ui.shell import AppShell, is_preheated

if TYPE_CHECKING:
    from tpo_scoping.economics import BreakEvenResult
    from tpo_scoping.profile import Profile

COUNTRY = "PH"
"""The team's country; it does not change the costs, so the public form does not ask."""
HORIZON_MONTHS = 36
SIMULATIONS = 1_000
"""Simulated futures behind the answer's range (about 20 ms; the seed is fixed, so the same
answers always give the same range)."""
VISITOR_ASSUMPTIONS = {
    "rate": ("loaded_hourly_rate_onshore_manager", "An onshore manager's cost per hour"),
    "hours": (
        "mgmt_hours_per_fte_month_informal",
        "Hours managers spend per offshore FTE a month",
    ),
}
"""The assumptions a visitor may change (link key -> assumption, label): the two that carry the
imputed part of the answer."""
NUMBER_KEYS = ("fte", "hires", "attrition", "trainers", "imputed", *VISITOR_ASSUMPTIONS)
QUERY_KEYS = frozenset({*NUMBER_KEYS, "domain", "training"})
CONTACT_ENV = "TPO_SCOPING_CONTACT_URL"
"""Environment variable with the address (https: or mailto:) of the call to action."""


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, key) for key, label in labels.items()]


def figures_html(figures: list[Any]) -> str:
    """Key figures as cards, the first one large."""
    cards = "".join(
        f'<div class="tpo-figure"><div class="{"tpo-big" if i == 0 else "tpo-mid"}">'
        f"{html.escape(f.value)}</div>"
        f'<div class="tpo-figure-label">{html.escape(f.label)}</div></div>'
        for i, f in enumerate(figures)
    )
    return f'<div class="tpo-figures">{cards}</div>'


def answer_html(result: BreakEvenResult) -> str:
    """The headline: what TPO saves or costs against today, its range, cash apart, payback."""
    sentences = economics.today_sentences(result)
    growth = (
        f"Your team grows from {fte(result.team_fte_now)} to about {fte(result.team_fte_end)}"
        f" over {result.horizon_months // 12} years at the hiring and attrition you gave."
    )
    return (
        f"<div class='tpo-answer'>{figures_html(economics.today_figures(result))}"
        + "".join(html_paragraph(s, 14) for s in sentences)
        + html_paragraph(growth, 13)
        + "</div>"
    )


def contact_html() -> str:
    """The call to action: a scoping call, linked when the operator configured an address."""
    address = os.environ.get(CONTACT_ENV, "").strip()
    text = (
        "Want these figures with your own costs and data? A scoping call replaces every default"
        " above with your figures and drafts the KPI targets a contract would sign."
    )
    link = ""
    if address.startswith(("https://", "mailto:")):
        link = (
            f' <a class="tpo-cta" href="{html.escape(address, quote=True)}" target="_blank"'
            ' rel="noopener">Book a scoping call</a>'
        )
    return f'<p class="tpo-cta-box">{html.escape(text)}{link}</p>'


class BreakEvenCalculator(AppShell):
    """Team size, hiring, attrition, regulation and training today → saving against today.

    Controls (``self.controls``): ``fte``, ``hires``, ``attrition``, ``trainers`` (the L&D
    team's size, asked only when training today is an internal L&D team), ``imputed`` (the
    share at which imputed costs count), ``rate``, ``hours`` (:class:`NumberField`);
    ``domain``, ``training`` (dropdowns); ``pdf`` (download). Every change recomputes at once:
    the model, 1,000 simulated futures, no sensitivity analysis.
    """

    activity = "calculating the estimate"
    answer_outputs = ("answer", "options", "assumptions", "link")
    result = traitlets.Any(None, allow_none=True)
    revision = traitlets.Int(0)

    def __init__(self, chart: bool = True) -> None:
        self.with_charts = chart
        self._from_link = False
        self.controls = self._controls()
        self.query_message = MessageBox()
        self.answer = HtmlBlock('<p style="color:#667">Calculating…</p>')
        self.answer.add_class("tpo-answer-box")
        self.options = HtmlBlock()
        self.options.add_class("tpo-scroll")
        self.chart_box = ChartSlot(fill=True)
        self.assumptions = HtmlBlock()
        self.link = HtmlBlock()
        self.download_message = MessageBox()
        super().__init__(
            [
                heading("What would managed training save your offshore team?", 2),
                HtmlBlock(
                    '<p style="font-size:13px;color:#445;margin:0 0 6px 0">Answer five questions; '
                    "the estimate updates when you press Enter or leave a field.</p>"
                ),
                self._form(),
                self.query_message,
                self.answer,
                heading(f"Every option over {HORIZON_MONTHS // 12} years"),
                self.options,
                self.chart_box,
                heading("Assumptions"),
                HtmlBlock(
                    '<p style="font-size:13px;color:#445;margin:0 0 6px 0">Imputed costs are '
                    "people's time and output valued in dollars, not invoices. Count them at "
                    "0 % to see the cash case alone.</p>"
                ),
                row([self.controls[k] for k in ("imputed", *VISITOR_ASSUMPTIONS)]),
                self.assumptions,
                heading("Keep this estimate"),
                row([self.controls["pdf"], self.link]),
                self.download_message,
                HtmlBlock(contact_html()),
            ]
        )
        self.add_class("tpo-breakeven")
        for name in NUMBER_KEYS:
            self.controls[name].observe(self._on_input, names=["value", "valid"])
        for name in ("domain", "training"):
            self.controls[name].observe(self._on_input, names="value")
        self.controls["training"].observe(self._show_trainers, names="value")
        self._show_trainers()

    def _controls(self) -> dict[str, Any]:
        from tpo_scoping.assumptions import default_assumptions

        defaults = default_assumptions()
        controls: dict[str, Any] = {
            "fte": NumberField(
                "Offshore team today", 50, minimum=1, maximum=100_000, integer=True, unit="FTE"
            ),
            "hires": NumberField("New hires per quarter", 20, minimum=0, maximum=100_000),
            "attrition": NumberField(
                "People leaving per year", 0.30, minimum=0.0, maximum=1.5, percent=True
            ),
            "trainers": NumberField(
                "People in your L&D team", None, minimum=1, maximum=10_000, unit="people"
            ),
            "domain": widgets.Dropdown(
                options=_choices(DOMAIN_LABELS),
                value="general",
                layout=widgets.Layout(width="230px"),
            ),
            "training": widgets.Dropdown(
                options=_choices(TRAINING_LABELS),
                value="manager_walkthroughs",
                layout=widgets.Layout(width="260px"),
            ),
            "imputed": NumberField(
                "Count imputed costs at", 1.0, minimum=0.0, maximum=1.0, percent=True
            ),
            "pdf": DownloadButton("This estimate (PDF)", self._pdf_file),
        }
        for key, (name, label) in VISITOR_ASSUMPTIONS.items():
            controls[key] = assumption_field(defaults[name], label, width="150px")
        return controls

    def _form(self) -> widgets.VBox:
        c = self.controls
        apart = "0 12px 0 0"  # the right margin between the answers of a row
        for field in (c["fte"], c["hires"], c["attrition"], c["trainers"]):
            field.layout.margin = apart

        def labelled(text: str, control: widgets.Widget) -> widgets.VBox:
            caption = HtmlBlock(f'<span style="font-size:13px">{html.escape(text)}</span>')
            return widgets.VBox([caption, control], layout=widgets.Layout(margin=apart))

        wrap = widgets.Layout(flex_flow="row wrap")
        return widgets.VBox(
            [
                widgets.HBox([c["fte"], c["hires"], c["attrition"]], layout=wrap),
                widgets.HBox(
                    [
                        labelled("Regulation", c["domain"]),
                        labelled("How you train today", c["training"]),
                        c["trainers"],
                    ],
                    layout=wrap,
                ),
            ]
        )

    def _show_trainers(self, _change: Any = None) -> None:
        """The L&D team's size is asked only when that is how the team trains today."""
        self.controls["trainers"].layout.display = "flex" if self._asks_trainers() else "none"

    # -- inputs --------------------------------------------------------------------------

    def prefill(self, query: str) -> list[str]:
        """Apply answers from a URL query string; returns the notes and problems (also shown).

        Keys match case-blind; unknown keys are named with the keys that exist. Each value is
        validated like typed input; a bad value leaves the default in place. A share below 1
        without a % sign (attrition, imputed) is a fraction, as in a profile (0.25 is 25 %),
        and the note says so.
        """
        link = parse_query(query, QUERY_KEYS)
        notes = link.notes(QUERY_KEYS)
        self._from_link = self._from_link or bool(link.values or notes)
        with self.hold_trait_notifications():
            for key in ("domain", "training"):  # first: the training decides what is asked
                labels = DOMAIN_LABELS if key == "domain" else TRAINING_LABELS
                if key not in link.values:
                    continue
                choice = link.values[key].strip().lower()
                if choice in labels:
                    self.controls[key].value = choice
                else:
                    notes.append(
                        f"The link's {key} value was ignored: it is not one of the choices "
                        f"({', '.join(labels)})."
                    )
            for key in NUMBER_KEYS:
                if key in link.values:
                    notes += self._prefill_number(key, link.values[key])
        if notes:
            self.query_message.show("\n".join(notes), "warning")
        return notes

    def _prefill_number(self, key: str, text: str) -> list[str]:
        field = self.controls[key]
        notes = []
        if field.percent and _is_fraction(text):
            fraction = float(text)
            text = f"{fraction * 100:g}"
            per = " a year" if key == "attrition" else ""
            notes.append(
                f"The link gave {key} as the fraction {fraction:g}; it is read as {text} %"
                f"{per} ({key}={text} gives it in percent)."
            )
        try:
            value = field.parse(text)
        except ValueError as exc:
            return [f"The link's {key} value was ignored: {exc}"]
        field.set(value)
        return notes

    def start(self, query: str | None = None) -> None:
        """What the app notebook calls: prefill from the request's query string, then compute.

        In a preheated kernel the first computation (imports, chart) runs before the request
        arrives, and only the prefill waits for it.
        """
        if is_preheated():
            self.launch(deferred=False)
        self.prefill(request_query_string() if query is None else query)
        if not self.ready:
            self.launch()

    def _asks_trainers(self) -> bool:
        return self.controls["training"].value == "internal_ld"

    def _changed_assumptions(self) -> dict[str, tuple[str, float]]:
        """The visitor's assumption fields that differ from their defaults: key -> (name, value)."""
        from tpo_scoping.assumptions import default_assumptions

        defaults = default_assumptions()
        values = {
            key: (name, float(self.controls[key].value))
            for key, (name, _label) in VISITOR_ASSUMPTIONS.items()
        }
        return {k: (n, v) for k, (n, v) in values.items() if v != defaults[n].value}

    def profile(self) -> Profile:
        """The prospect profile the inputs describe (validated)."""
        from tpo_scoping.profile import Profile

        c = self.controls
        overrides = dict(self._changed_assumptions().values())
        return Profile.model_validate(
            {
                "prospect": "Your team",
                "sites": [{"country": COUNTRY, "fte": int(c["fte"].value)}],
                "growth": {
                    "hires_per_quarter": float(c["hires"].value),
                    "annual_attrition": float(c["attrition"].value),
                },
                "compliance_domains": [c["domain"].value],
                "current_training": c["training"].value,
                "internal_ld_staff": float(c["trainers"].value) if self._asks_trainers() else 0,
                "assumptions": overrides,
            }
        )

    def query_string(self) -> str:
        """The link's query string that reproduces the answers on screen."""
        c = self.controls
        values: dict[str, str] = {
            "fte": f"{c['fte'].value:g}",
            "hires": f"{c['hires'].value:g}",
            "attrition": f"{c['attrition'].value * 100:g}",
            "domain": c["domain"].value,
            "training": c["training"].value,
        }
        if self._asks_trainers() and c["trainers"].valid:
            values["trainers"] = f"{c['trainers'].value:g}"
        if c["imputed"].value != 1.0:
            values["imputed"] = f"{c['imputed'].value * 100:g}"
        for key, (_name, value) in self._changed_assumptions().items():
            values[key] = f"{value:g}"
        return urllib.parse.urlencode(values)

    def _on_input(self, _change: Any) -> None:
        if self.ready:
            self._recompute()

    # -- outputs -------------------------------------------------------------------------

    def answer_key(self) -> str | None:
        return None if self._from_link else self.input_key()

    def show_answer(self) -> None:
        self._recompute()
        self.mark_ready()
        if self.with_charts:
            self._draw_chart()

    def _waiting_for(self) -> str:
        """What the visitor must fix or give before there is an answer ('' when nothing)."""
        c = self.controls
        fields = [c[k] for k in NUMBER_KEYS if k != "trainers"]
        if not all(f.valid for f in fields):
            return "Fix the highlighted answer to update the estimate."
        if self._asks_trainers() and not c["trainers"].valid:
            return "How many people work in your L&D team? Their salaries are part of today's cost."
        return ""

    @guarded("calculating the estimate", lambda self: self.status)
    def _recompute(self) -> None:
        from tpo_scoping.economics import break_even

        waiting = self._waiting_for()
        outputs = [self.options, self.chart_box, self.assumptions]
        if waiting:
            self.answer.value = f'<p style="color:#8a5a00">{html.escape(waiting)}</p>'
            show_stale(outputs, True)
            return
        result = break_even(
            self.profile(),
            horizon_months=HORIZON_MONTHS,
            simulations=SIMULATIONS,
            seed=0,
            sensitivity=False,
            imputed_share=float(self.controls["imputed"].value),
        )
        self.status.clear()
        show_stale(outputs, False)
        self.answer.value = answer_html(result)
        self.options.value = economics.option_table(result).to_html()
        self.assumptions.value = assumptions_html(result)
        self.link.value = (
            f'<a class="tpo-link" href="?{html.escape(self.query_string(), quote=True)}">'
            "Link to this estimate</a>"
        )
        self.result = result
        self.revision += 1
        if self.with_charts and self.chart_box.widget is not None:
            self._draw_chart()

    @guarded("drawing the chart", lambda self: self.status)
    def _draw_chart(self) -> None:
        if self.result is None:
            return
        from tpo_scoping.charts.economics import cash_imputed_chart

        self.chart_box.show(cash_imputed_chart(self.result, width="container"))

    @guarded("preparing the PDF", lambda self: self.download_message)
    def _pdf_file(self) -> Prepared:
        from tpo_scoping.report.estimate import render_estimate_pdf

        if self.result is None or self._waiting_for():
            raise InputError("Complete the answers above first; the PDF shows their estimate")
        self.download_message.clear()
        return render_estimate_pdf(self.profile(), self.result), "training-cost-estimate.pdf"


def assumptions_html(result: BreakEvenResult) -> str:
    """Every default behind the estimate with its source, folded away until asked for."""
    table = economics.assumption_sources_table(result.assumptions)
    notes = bullets_html(list(result.notes))
    return (
        "<details><summary style='cursor:pointer;font-size:13px'>The "
        f"{len(table.rows)} assumptions behind these figures, with their sources</summary>"
        f"{table.to_html()}</details>{notes}"
    )


def _is_fraction(text: str) -> bool:
    """A link's share such as 0.25: below 1, above 0, no % sign."""
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        return False
    return not raw.endswith("%") and 0 < value < 1
