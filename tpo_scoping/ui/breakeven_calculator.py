"""The public break-even calculator: a few questions, a clear answer, one chart.

Prospects use it on their own, so it accepts nothing but the five answers below, each validated
like typed input, whether it arrives from the form or from the link's query string
(``?fte=50&hires=20&attrition=30&domain=healthcare&training=manager_walkthroughs``).
No upload, no file access.

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
from typing import Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.labels import money
from tpo_scoping.ui.chart_slot import ChartSlot
from tpo_scoping.ui.choices import DOMAIN_LABELS, TRAINING_LABELS
from tpo_scoping.ui.fields import NumberField
from tpo_scoping.ui.html import HtmlBlock, heading, show_stale
from tpo_scoping.ui.links import parse_query, request_query_string
from tpo_scoping.ui.messages import MessageBox, guarded
from tpo_scoping.ui.shell import AppShell, is_preheated

QUERY_KEYS = frozenset({"fte", "hires", "attrition", "domain", "training"})
COUNTRY = "PH"
"""The team's country; it does not change the costs, so the public form does not ask."""
HORIZON_MONTHS = 36


def _choices(labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, key) for key, label in labels.items()]


def answer_html(result: Any, fte: float) -> str:
    """The calculator's answer in plain words, from a :class:`BreakEvenResult`."""
    d = result.to_dict()
    options = d["options"]
    tpo = options["tpo"]
    catalog = options["catalog_licensing"]
    years = d["horizon_months"] / 12
    saving = catalog["total_cost"] - tpo["total_cost"]
    cheapest = options.get(d["cheapest_option"], {}).get("label", d["cheapest_option"])
    if d["cheapest_option"] == "tpo":
        headline = (
            f"For your team, <b>managed training (TPO) is the least expensive option</b> over "
            f"{years:g} years."
        )
    else:
        headline = (
            f"For your team, <b>{html.escape(cheapest)}</b> is the least expensive option over "
            f"{years:g} years."
        )
    if saving >= 0:
        compare = (
            f"TPO: <span class='tpo-big'>{money(tpo['total_cost'])}</span> against "
            f"{money(catalog['total_cost'])} with licensed course catalogs, "
            f"<b>{money(saving)} less</b> ({saving / catalog['total_cost']:.0%})."
        )
    else:
        compare = (
            f"TPO: <span class='tpo-big'>{money(tpo['total_cost'])}</span> against "
            f"{money(catalog['total_cost'])} with licensed course catalogs, "
            f"<b>{money(-saving)} more</b>."
        )
    be = d["break_even_fte"]
    if be is not None:
        side = "above" if fte >= be else "below"
        breakeven = (
            f"Break-even: TPO costs less than catalog licensing from about "
            f"<b>{be:,.0f} FTE</b> for a team hiring and losing people at your pace; your team "
            f"of {fte:,.0f} is {side} it."
        )
    elif d.get("break_even_reason"):
        breakeven = f"Break-even: {html.escape(str(d['break_even_reason']))}."
    else:
        breakeven = ""
    steady = d.get("break_even_fte_steady_team")
    if steady is not None:
        breakeven += f" For a team that does not grow, the break-even is about {steady:,.0f} FTE."
    today = d.get("current_practice_costs") or {}
    if today.get("total_cost") is not None:
        breakeven += (
            f" Carrying on as you train today would cost about {money(today['total_cost'])}"
            " over the same period."
        )
    end = d["team_fte_end"]
    growth = (
        f"Your team grows from {d['team_fte_now']:,.0f} to about {end:,.0f} FTE over "
        f"{years:g} years at the hiring and attrition you gave."
    )
    note = (
        "Estimates use published and assumed costs, including the hidden cost of managers' time "
        "spent training; a consultation replaces them with your own figures."
    )
    return (
        f"<div class='tpo-answer'><p>{headline}</p><p>{compare}</p><p>{breakeven}</p>"
        f"<p style='font-size:13px;color:#445'>{growth} {note}</p></div>"
    )


class BreakEvenCalculator(AppShell):
    """Team size, hiring, attrition, regulation and training today → break-even.

    Controls (``self.controls``): ``fte``, ``hires``, ``attrition`` (:class:`NumberField`),
    ``domain``, ``training`` (dropdowns). Every change recomputes at once on the
    fast path (no Monte Carlo, no sensitivity: about 30 ms).
    """

    activity = "calculating the break-even"
    answer_outputs = ("answer",)
    result = traitlets.Any(None, allow_none=True)
    revision = traitlets.Int(0)

    def __init__(self, chart: bool = True) -> None:
        self.with_charts = chart
        self._from_link = False
        self.controls = self._controls()
        self.query_message = MessageBox()
        self.answer = HtmlBlock('<p style="color:#667">Calculating…</p>')
        self.answer.add_class("tpo-answer-box")
        self.chart_box = ChartSlot()
        super().__init__(
            [
                heading("What would managed training cost your offshore team?", 2),
                HtmlBlock(
                    '<p style="font-size:13px;color:#445;margin:0 0 6px 0">Answer five questions; '
                    "the estimate updates when you press Enter or leave a field.</p>"
                ),
                self._form(),
                self.query_message,
                self.answer,
                self.chart_box,
            ]
        )
        self.add_class("tpo-breakeven")
        for name in ("fte", "hires", "attrition"):
            self.controls[name].observe(self._on_input, names=["value", "valid"])
        for name in ("domain", "training"):
            self.controls[name].observe(self._on_input, names="value")

    @staticmethod
    def _controls() -> dict[str, Any]:
        return {
            "fte": NumberField(
                "Offshore team today", 50, minimum=1, maximum=100_000, integer=True, unit="FTE"
            ),
            "hires": NumberField("New hires per quarter", 20, minimum=0, maximum=100_000),
            "attrition": NumberField(
                "People leaving per year", 0.30, minimum=0.0, maximum=1.5, percent=True
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
        }

    def _form(self) -> widgets.VBox:
        c = self.controls
        apart = "0 12px 0 0"  # the right margin between the answers of a row
        for field in (c["fte"], c["hires"], c["attrition"]):
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
                    ],
                    layout=wrap,
                ),
            ]
        )

    # -- inputs --------------------------------------------------------------------------

    def prefill(self, query: str) -> list[str]:
        """Apply answers from a URL query string; returns the notes and problems (also shown).

        Keys match case-blind; unknown keys are named with the keys that exist. Each value is
        validated like typed input; a bad value leaves the default in place. An attrition
        below 1 without a % sign is a fraction, as in a profile (0.25 is 25 %), and the note
        says so.
        """
        link = parse_query(query, QUERY_KEYS)
        notes = link.notes(QUERY_KEYS)
        self._from_link = self._from_link or bool(link.values or notes)
        with self.hold_trait_notifications():
            for key in ("fte", "hires", "attrition"):
                if key in link.values:
                    notes += self._prefill_number(key, link.values[key])
            for key, labels in (("domain", DOMAIN_LABELS), ("training", TRAINING_LABELS)):
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
        if notes:
            self.query_message.show("\n".join(notes), "warning")
        return notes

    def _prefill_number(self, key: str, text: str) -> list[str]:
        field = self.controls[key]
        notes = []
        if key == "attrition" and _is_fraction(text):
            fraction = float(text)
            text = f"{fraction * 100:g}"
            notes.append(
                f"The link gave attrition as the fraction {fraction:g}; it is read as {text} % "
                f"a year (attrition={text} gives it in percent)."
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

    def profile(self) -> Any:
        """The prospect profile the inputs describe (validated)."""
        from tpo_scoping.profile import Profile

        c = self.controls
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
            }
        )

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

    @guarded("calculating the break-even", lambda self: self.status)
    def _recompute(self) -> None:
        from tpo_scoping.economics import break_even

        fields = [self.controls[k] for k in ("fte", "hires", "attrition")]
        if not all(f.valid for f in fields):
            self.answer.value = (
                '<p style="color:#8a5a00">Fix the highlighted answer to update the estimate.</p>'
            )
            show_stale([self.chart_box], True)
            return
        profile = self.profile()
        result = break_even(
            profile, horizon_months=HORIZON_MONTHS, simulations=0, sensitivity=False
        )
        self.status.clear()
        show_stale([self.chart_box], False)
        self.answer.value = answer_html(result, float(self.controls["fte"].value))
        self.result = result
        self.revision += 1
        if self.with_charts and self.chart_box.widget is not None:
            self._draw_chart()

    @guarded("drawing the chart", lambda self: self.status)
    def _draw_chart(self) -> None:
        if self.result is None:
            return
        from tpo_scoping.charts.economics import cost_vs_fte_chart

        fte = float(self.controls["fte"].value)
        self.chart_box.show(cost_vs_fte_chart(self.result, highlight_fte=fte))


def _is_fraction(text: str) -> bool:
    """A link's attrition such as 0.25: below 1, above 0, no % sign."""
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        return False
    return not raw.endswith("%") and 0 < value < 1
