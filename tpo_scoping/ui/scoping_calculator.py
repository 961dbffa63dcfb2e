"""The scoping calculator a sales engineer shares on a discovery call.

The prospect's answers go in (sites with FTEs, hiring, attrition, compliance domains, how they
train today, the readiness checklist, a few key cost assumptions); the fit verdict with its
reasons and risks, the break-even chart with the prospect marked, cost over time by option and
the draft KPI table come out, recomputed when a field is committed. The profile loads from and
saves to YAML; the engagement brief downloads as HTML, PDF or xlsx. Everything stays in memory.

Examples
--------
>>> app = ScopingCalculator(charts=False, with_needs=False)
>>> app.launch()
>>> app.controls["hires"].type("40")
>>> app.scope.profile.growth.hires_per_quarter
40.0
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import traitlets
from ipywidgets.widgets.widget_bool import CheckboxStyle  # the styles are not exported
from ipywidgets.widgets.widget_string import TextStyle

from tpo_scoping.errors import InputError
from tpo_scoping.ui._common import (
    AppShell,
    ChartSlot,
    HtmlBlock,
    MessageBox,
    NumberField,
    ProfileData,
    download_link,
    guarded,
    heading,
    html_table,
    input_error_text,
    safe_filename,
    sample_profile,
    shared_model,
    show_stale,
)
from tpo_scoping.ui.breakeven_calculator import TRAINING_LABELS
from tpo_scoping.ui.kpi_drafter import kpi_table_html, profile_from_upload

KEY_ASSUMPTIONS = (
    "tpo_fee_per_fte_tier1",
    "catalog_seat_price_monthly",
    "loaded_hourly_rate_onshore_manager",
    "mgmt_hours_per_fte_month_informal",
    "offshore_fte_monthly_cost",
)
"""The cost assumptions the calculator lets a sales engineer change on the call."""

READINESS_LABELS = {
    "kpis_defined": "Clear performance KPIs exist today",
    "processes_stable": "Workflows are stable",
    "named_accountable_person": "One person can be accountable for training outcomes",
    "offshore_integrated": "Offshore staff are treated as team members",
}

MAX_SITES = 12
CHART_WIDTH = 460
"""Plot width of the two charts (px): with their axes they fit the results column (56 % of the
page) on a 1280-px screen shared in a call."""

SITE_COLUMNS = ("Country", "Site name", "FTE today")
SITE_WIDTHS = ("60px", "160px", "90px")
"""Column headers of the sites table and the width of each column's input."""
BRIEF_SIMULATIONS = 1000
"""Monte Carlo size of the downloaded brief (the live view skips the Monte Carlo)."""


class SiteRow(widgets.HBox):
    """One site: ISO country code, optional name, FTE."""

    def __init__(self, country: str = "PH", name: str = "", fte: float = 10) -> None:
        self.country = widgets.Text(
            value=country,
            placeholder="PH",
            continuous_update=False,
            layout=shared_model(widgets.Layout, width=SITE_WIDTHS[0]),
            style=shared_model(TextStyle),
        )
        self.name = widgets.Text(
            value=name,
            placeholder="site name",
            continuous_update=False,
            layout=shared_model(widgets.Layout, width=SITE_WIDTHS[1]),
            style=shared_model(TextStyle),
        )
        self.fte = NumberField(
            "FTE",
            fte,
            minimum=1,
            maximum=1_000_000,
            integer=True,
            width=SITE_WIDTHS[2],
            caption=False,
        )
        self.remove = widgets.Button(
            description="Remove",
            tooltip="remove this site",
            layout=shared_model(widgets.Layout, width="80px"),
            style=shared_model(widgets.ButtonStyle),
        )
        super().__init__(
            [self.country, self.name, self.fte, self.remove],
            layout=widgets.Layout(align_items="flex-start"),
        )
        self.add_class("tpo-site")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"country": self.country.value.strip(), "fte": int(self.fte.value)}
        if self.name.value.strip():
            out["name"] = self.name.value.strip()
        return out


class SitesEditor(widgets.VBox):
    """The list of sites, with add and remove buttons; ``changed`` ticks on every edit."""

    changed = traitlets.Int(0)

    def __init__(self) -> None:
        self.rows_box = widgets.VBox()
        self.add = widgets.Button(description="Add site", layout={"width": "100px"})
        self.add.on_click(lambda _b: self.add_site())
        self.header = HtmlBlock(
            '<span style="font-size:13px">Sites, each with its country as an ISO code '
            "(e.g. PH, IN, CO)</span>"
        )
        self.columns = widgets.HBox(
            [
                HtmlBlock(
                    f'<span style="font-size:13px;color:#445">{html.escape(title)}</span>',
                    layout=shared_model(widgets.Layout, width=width),
                )
                for title, width in zip(SITE_COLUMNS, SITE_WIDTHS, strict=True)
            ]
        )
        super().__init__([self.header, self.columns, self.rows_box, self.add])

    @property
    def rows(self) -> list[SiteRow]:
        return list(self.rows_box.children)  # type: ignore[arg-type]

    def add_site(self, country: str = "PH", name: str = "", fte: float = 10) -> SiteRow:
        if len(self.rows) >= MAX_SITES:
            raise InputError(f"sites: at most {MAX_SITES} sites in the calculator")
        row = SiteRow(country, name, fte)
        row.country.observe(self._tick, names="value")
        row.name.observe(self._tick, names="value")
        row.fte.observe(self._tick, names=["value", "valid"])
        row.remove.on_click(lambda _b, row=row: self.remove_site(row))
        self.rows_box.children = [*self.rows, row]
        self._tick()
        return row

    def remove_site(self, row: SiteRow) -> None:
        if len(self.rows) <= 1:
            return
        self.rows_box.children = [r for r in self.rows if r is not row]
        self._tick()

    def set_sites(self, sites: list[Any]) -> None:
        self.rows_box.children = []
        for site in sites:
            self.add_site(site.country, site.name or "", site.fte)

    @property
    def value(self) -> list[dict[str, Any]]:
        """The sites as the rows show them."""
        return [r.to_dict() for r in self.rows]

    def valid(self) -> bool:
        return all(r.fte.valid for r in self.rows)

    def _tick(self, *_args: Any) -> None:
        self.changed += 1


def verdict_html(fit: Any) -> str:
    """The fit verdict, its reasons and its risks."""
    d = fit.to_dict()
    colours = {"tpo": "#1d6b35", "not_yet": "#9b1c1c"}
    colour = colours.get(str(d["recommendation"]), "#8a5a00")
    reasons = "".join(f"<li>{html.escape(str(r))}</li>" for r in d["reasons"])
    risks = [
        [
            html.escape(str(r["risk"])),
            html.escape(str(r["severity"])),
            html.escape(str(r["mitigation"])),
        ]
        for r in d["risks"]
    ]
    risk_table = html_table(["Risk", "Severity", "Mitigation"], risks) if risks else ""
    interim = (
        f"<p><i>Meanwhile: {html.escape(str(d['interim']))}</i></p>" if d.get("interim") else ""
    )
    return (
        f'<div class="tpo-verdict"><div style="font-size:20px;font-weight:700;color:{colour}">'
        f"{html.escape(str(d['label']))}</div>"
        f'<p style="font-size:15px">{html.escape(str(d["headline"]))}</p>'
        f'<ul style="font-size:13px">{reasons}</ul>{interim}{risk_table}</div>'
    )


class ScopingCalculator(AppShell):
    """The discovery-call calculator.

    Controls (``self.controls``): ``prospect`` (text), ``sites`` (:class:`SitesEditor`),
    ``hires``, ``attrition``, ``internal_ld_staff`` (:class:`NumberField`), ``domains``
    (dict of checkboxes), ``training`` (dropdown), ``readiness`` (dict of checkboxes),
    ``assumptions`` (dict of :class:`NumberField`), ``profile_upload``, ``save_profile``,
    ``brief_html``, ``brief_pdf``, ``brief_xlsx`` (buttons). The computed
    :class:`~tpo_scoping.scope.Scope` is ``self.scope``.
    """

    what = "scoping the engagement"
    answer_outputs = ("verdict", "summary", "kpi_table", "profile_message")
    prefetch = (
        "tpo_scoping.scope",
        "tpo_scoping.economics",
        "tpo_scoping.kpis",
        "tpo_scoping.charts.economics",
        "statsmodels.stats.power",
        "scipy.optimize",
    )
    scope = traitlets.Any(None, allow_none=True)
    revision = traitlets.Int(0)

    def __init__(self, profile: Any = None, *, charts: bool = True, with_needs: bool = True):
        from tpo_scoping.assumptions import default_assumptions
        from tpo_scoping.reference import load_reference

        self.with_charts = charts
        self.profile_data = ProfileData(enabled=with_needs)
        self._loading = False
        defaults = default_assumptions()
        catalogue = load_reference("compliance_catalogue")["domains"]

        prospect = widgets.Text(
            value="", description="Prospect", continuous_update=False, layout={"width": "420px"}
        )
        sites = SitesEditor()
        hires = NumberField("New hires per quarter", 0, minimum=0, maximum=1_000_000)
        attrition = NumberField("Annual attrition", 0.0, minimum=0.0, maximum=5.0, percent=True)
        internal_ld = NumberField("Internal L&D staff", 0, minimum=0, maximum=10_000, unit="FTE")
        domain_boxes = {
            key: widgets.Checkbox(
                value=False,
                description=domain.get("label", key),
                indent=False,
                layout=shared_model(widgets.Layout, width="auto"),
                style=shared_model(CheckboxStyle, description_width="initial"),
            )
            for key, domain in catalogue.items()
        }
        training = widgets.Dropdown(
            options=[(label, key) for key, label in TRAINING_LABELS.items()],
            description="Training today",
            style={"description_width": "100px"},
            layout={"width": "420px"},
        )
        readiness = {
            key: widgets.Checkbox(
                value=False,
                description=label,
                indent=False,
                layout=shared_model(widgets.Layout, width="auto"),
                style=shared_model(CheckboxStyle, description_width="initial"),
            )
            for key, label in READINESS_LABELS.items()
        }
        assumption_fields = {
            name: NumberField(
                defaults[name].description or name.replace("_", " "),
                defaults[name].value,
                # The field refuses what the profile would: the assumption's hard bounds.
                minimum=defaults[name].min_value,
                maximum=defaults[name].max_value,
                unit=defaults[name].unit,
                help=f"default {defaults[name].value:g} {defaults[name].unit}; "
                f"source: {defaults[name].source}",
                width="110px",
            )
            for name in KEY_ASSUMPTIONS
            if name in defaults
        }
        # Buttons as wide as their labels, wrapping onto a second row in a narrow column
        # (squeezed into one row, the labels were cut to "Load p…").
        upload = widgets.FileUpload(
            accept=".yaml,.yml",
            multiple=False,
            description="Load profile",
            layout=shared_model(widgets.Layout, width="auto", margin="2px"),
        )
        save, brief_html, brief_pdf, brief_xlsx = (
            widgets.Button(
                description=label,
                layout=shared_model(widgets.Layout, width="auto", margin="2px"),
                style=shared_model(widgets.ButtonStyle),
            )
            for label in ("Save profile (YAML)", "Brief: HTML", "Brief: PDF", "Brief: xlsx")
        )
        self.controls = {
            "prospect": prospect,
            "sites": sites,
            "hires": hires,
            "attrition": attrition,
            "internal_ld_staff": internal_ld,
            "domains": domain_boxes,
            "training": training,
            "readiness": readiness,
            "assumptions": assumption_fields,
            "profile_upload": upload,
            "save_profile": save,
            "brief_html": brief_html,
            "brief_pdf": brief_pdf,
            "brief_xlsx": brief_xlsx,
        }

        self.profile_message = MessageBox()
        self.file_message = MessageBox()
        self.downloads = HtmlBlock()
        self.verdict = HtmlBlock('<p style="color:#667">Scoping…</p>')
        self.verdict.add_class("tpo-verdict-box")
        self.summary = HtmlBlock()
        self.kpi_table = HtmlBlock()
        self.kpi_table.add_class("tpo-kpi-table")
        self.breakeven_chart = ChartSlot()
        self.cost_chart = ChartSlot()

        inputs = widgets.VBox(
            [
                heading("The prospect"),
                prospect,
                sites,
                widgets.HBox([hires, attrition, internal_ld]),
                training,
                HtmlBlock("<b style='font-size:13px'>Compliance domains</b>"),
                widgets.VBox(list(domain_boxes.values())),
                HtmlBlock("<b style='font-size:13px'>Readiness checklist</b>"),
                widgets.VBox(list(readiness.values())),
                HtmlBlock("<b style='font-size:13px'>Key cost assumptions</b>"),
                widgets.HBox(list(assumption_fields.values()), layout={"flex_flow": "row wrap"}),
                self.profile_message,
                widgets.HBox(
                    [upload, save, brief_html, brief_pdf, brief_xlsx],
                    layout=widgets.Layout(flex_flow="row wrap"),
                ),
                self.file_message,
                self.downloads,
            ],
            layout=widgets.Layout(width="100%"),
        )
        outputs = widgets.VBox(
            [
                heading("Fit verdict"),
                self.verdict,
                self.summary,
                heading("Break-even"),
                self.breakeven_chart,
                heading("Cost over time by option"),
                self.cost_chart,
            ]
        )
        super().__init__(
            [
                heading("Scoping calculator", 2),
                HtmlBlock(
                    '<p style="font-size:13px;color:#445;margin:0">Fill in the prospect\'s '
                    "answers; the verdict below updates when a field is committed "
                    "(Enter or leaving the field).</p>"
                ),
                widgets.HBox(
                    [inputs, outputs],
                    layout=widgets.Layout(width="100%", align_items="flex-start"),
                ),
                # Ten columns: the KPI table takes the page's width, under both columns.
                heading("Draft KPIs"),
                self.kpi_table,
            ]
        )
        inputs.layout.width = "44%"
        outputs.layout.width = "56%"
        outputs.layout.padding = "0 0 0 16px"
        self.add_class("tpo-scoping")
        self._profile = profile
        self._default_profile: Any = None

        prospect.observe(self._on_input, names="value")
        sites.observe(self._on_input, names="changed")
        for f in (hires, attrition, internal_ld, *assumption_fields.values()):
            f.observe(self._on_input, names=["value", "valid"])
        for box in (*domain_boxes.values(), *readiness.values()):
            box.observe(self._on_input, names="value")
        training.observe(self._on_input, names="value")
        upload.observe(self._on_upload, names="value")
        save.on_click(self._on_save)
        brief_html.on_click(lambda _b: self._on_brief("html"))
        brief_pdf.on_click(lambda _b: self._on_brief("pdf"))
        brief_xlsx.on_click(lambda _b: self._on_brief("xlsx"))

    # -- profile <-> fields --------------------------------------------------------------

    def set_profile(self, profile: Any) -> None:
        """Show a profile in the fields (without recomputing for every field)."""
        from tpo_scoping.assumptions import default_assumptions

        c = self.controls
        self._loading = True
        try:
            c["prospect"].value = profile.prospect
            c["sites"].set_sites(profile.sites)
            c["hires"].set(profile.growth.hires_per_quarter)
            c["attrition"].set(profile.growth.annual_attrition)
            c["internal_ld_staff"].set(profile.internal_ld_staff)
            for key, box in c["domains"].items():
                box.value = key in profile.compliance_domains
            c["training"].value = str(profile.current_training.value)
            for key, box in c["readiness"].items():
                box.value = bool(getattr(profile.readiness, key))
            defaults = default_assumptions()
            for name, f in c["assumptions"].items():
                f.set(profile.assumptions.get(name, defaults[name].value))
        finally:
            self._loading = False
        self._profile = profile

    def profile(self) -> Any:
        """The profile the fields describe; raises InputError naming the bad field."""
        from tpo_scoping.assumptions import default_assumptions
        from tpo_scoping.profile import parse_profile

        c = self.controls
        bad = [
            f.error
            for f in (
                c["hires"],
                c["attrition"],
                c["internal_ld_staff"],
                *c["assumptions"].values(),
                *(r.fte for r in c["sites"].rows),
            )
            if not f.valid
        ]
        if bad:
            raise InputError("Fix the highlighted field(s) first: " + "; ".join(bad))
        defaults = default_assumptions()
        overrides = {
            name: float(f.value)
            for name, f in c["assumptions"].items()
            if abs(float(f.value) - defaults[name].value) > 1e-12
        }
        base = self._profile
        if base is not None:
            overrides = {**base.assumptions, **overrides}
        fields: dict[str, Any] = {
            "prospect": c["prospect"].value.strip() or "Prospect",
            "sites": [r.to_dict() for r in c["sites"].rows],
            "growth": {
                "hires_per_quarter": float(c["hires"].value),
                "annual_attrition": float(c["attrition"].value),
            },
            "compliance_domains": [k for k, box in c["domains"].items() if box.value]
            or ["general"],
            "current_training": c["training"].value,
            "internal_ld_staff": float(c["internal_ld_staff"].value),
            "readiness": {k: bool(box.value) for k, box in c["readiness"].items()},
        }
        if overrides:
            fields["assumptions"] = overrides
        if base is not None and base.notes:
            fields["notes"] = base.notes
        import yaml

        text = yaml.safe_dump(fields, sort_keys=False)
        return parse_profile(text, source="the form")

    # -- computing -----------------------------------------------------------------------

    def _first_profile(self) -> Any:
        """The profile given to the app, else the sample prospect's (read once)."""
        if self._profile is None:
            self._profile = self._default_profile = sample_profile()
        return self._profile

    def prepare(self) -> Any:
        """The first profile and the needs analysis of its data (no widgets)."""
        super().prepare()
        profile = self._first_profile()
        return (profile, *self.profile_data.analyse(profile))

    def show_inputs(self) -> None:
        self.set_profile(self._first_profile())

    def show_answer(self) -> None:
        self.profile_data.remember(*self.prepared())
        self._recompute()

    def answer_key(self) -> str | None:
        if self._default_profile is None or self._profile is not self._default_profile:
            return None
        return self.input_key()

    def _on_input(self, _change: Any) -> None:
        if self.ready and not self._loading and not self.settle():
            self._recompute()

    def _build_scope(self, simulations: int = 0) -> Any:
        from tpo_scoping.scope import build_scope

        profile = self.profile()
        needs = self.profile_data.of(self._profile)
        return build_scope(profile, needs=needs, simulations=simulations, seed=0)

    def _outputs(self) -> list[widgets.Widget]:
        """What the verdict's inputs also drive: the summary, the KPIs and the charts."""
        return [self.summary, self.kpi_table, self.breakeven_chart, self.cost_chart]

    @guarded("scoping the engagement", lambda self: self.status)
    def _recompute(self) -> None:
        try:
            scope = self._build_scope()
        except InputError as exc:
            self.profile_message.show(input_error_text(exc))
            self.verdict.value = (
                '<p style="color:#8a5a00">Fix the input marked on the left to update the '
                "verdict.</p>"
            )
            show_stale(self._outputs(), True)
            return
        show_stale(self._outputs(), False)
        if self.profile_data.warning:
            self.profile_message.show(self.profile_data.warning, "warning")
        else:
            self.profile_message.clear()
        self.status.clear()
        self.downloads.value = ""
        self.verdict.value = verdict_html(scope.fit)
        be = scope.break_even.to_dict()
        tpo = be["options"]["tpo"]
        catalog = be["options"]["catalog_licensing"]
        from tpo_scoping.ui._common import money

        point = be["break_even_fte"]
        point_text = (
            f"{point:,.0f} FTE" if point is not None else str(be.get("break_even_reason") or "–")
        )
        self.summary.value = (
            '<p style="font-size:13px">'
            f"Over {be['horizon_months']} months: TPO {money(tpo['total_cost'])}, catalog "
            f"licensing {money(catalog['total_cost'])}, today's practice "
            f"{money(be['current_practice_costs']['total_cost'])}. Break-even against "
            f"catalog licensing: {html.escape(point_text)}; steady-team break-even "
            f"{be['break_even_fte_steady_team'] or 0:,.0f} FTE.</p>"
        )
        self.kpi_table.value = kpi_table_html(scope.kpis)
        self.scope = scope
        self.revision += 1
        self.mark_ready()
        if self.with_charts:
            self._draw_charts()

    @guarded("drawing the charts", lambda self: self.status)
    def _draw_charts(self) -> None:
        from tpo_scoping.charts.economics import cost_vs_fte_chart, cumulative_cost_chart

        result = self.scope.break_even
        self.breakeven_chart.show(
            cost_vs_fte_chart(
                result, highlight_fte=float(self.scope.profile.total_fte), width=CHART_WIDTH
            )
        )
        self.cost_chart.show(cumulative_cost_chart(result, width=CHART_WIDTH))

    # -- files ---------------------------------------------------------------------------

    def _on_upload(self, change: Any) -> None:
        if not change["new"]:
            return
        profile = profile_from_upload(change["new"], self.file_message)
        if profile is None:
            return
        self.settle()
        self.set_profile(profile)
        self.file_message.show(f"Loaded the profile of {profile.prospect}.", "ok")
        self._recompute()

    @guarded("saving the profile", lambda self: self.file_message)
    def _on_save(self, _button: Any = None) -> None:
        from tpo_scoping.profile import profile_to_yaml

        profile = self.profile()
        if profile.data is not None:
            profile = profile.model_copy(update={"data": None})
        data = profile_to_yaml(profile).encode("utf-8")
        name = f"{safe_filename(profile.prospect)}.yaml"
        self.file_message.clear()
        self.downloads.value = download_link(data, name, f"Download {name}")

    @guarded("preparing the brief", lambda self: self.file_message)
    def _on_brief(self, kind: str) -> None:
        from tpo_scoping import report

        self.settle()
        scope = self._build_scope(simulations=BRIEF_SIMULATIONS)
        if kind == "html":
            data = report.render_html(scope).encode("utf-8")
        elif kind == "pdf":
            data = bytes(report.render_pdf(scope))
        else:
            data = bytes(report.render_xlsx(scope))
        name = f"brief-{safe_filename(scope.profile.prospect)}.{kind}"
        self.file_message.clear()
        self.downloads.value = download_link(data, name, f"Download {name}")
