"""The scoping calculator a sales engineer shares on a discovery call.

The prospect's answers go in (sites with FTEs, hiring, attrition, compliance domains, how they
train today, the readiness checklist, a few key cost assumptions); the fit verdict with its
reasons and risks, the break-even chart with the prospect marked, cost over time by option and
the draft KPI table come out, recomputed when a field is committed.

Performance data belongs to one prospect: the chip under the name says which data is attached;
a new prospect, or another name or other sites, detaches it. The profile loads from and saves
to YAML, and to the server's workspace as numbered versions; the engagement brief downloads as
HTML, PDF or xlsx in one click, optionally with two scenarios compared side by side.

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
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.ui.attached_data import AttachedData, DataChip
from tpo_scoping.ui.chart_slot import ChartSlot
from tpo_scoping.ui.downloads import DownloadButton, Prepared, safe_filename
from tpo_scoping.ui.html import HtmlBlock, button, column, heading, row, show_stale
from tpo_scoping.ui.kpi_table import kpi_table_html
from tpo_scoping.ui.messages import MessageBox, guarded, input_error_text
from tpo_scoping.ui.profile_upload import profile_from_upload
from tpo_scoping.ui.sample_prospect import sample_profile
from tpo_scoping.ui.saved_prospects import SavedProspects
from tpo_scoping.ui.scope_answer import comparison_html, summary_html, verdict_html
from tpo_scoping.ui.scoping_form import ProspectForm, field_name
from tpo_scoping.ui.uploads import UploadButton
from tpo_scoping.voila import MAX_UPLOAD_BYTES

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile
    from tpo_scoping.scope import Scope

CHART_WIDTH = 460
"""Plot width of the two charts (px): with their axes they fit the results column (56 % of the
page) on a 1280-px screen shared in a call; on a phone they shrink to the screen's width."""

BRIEF_SIMULATIONS = 1000
"""Monte Carlo size of the downloaded brief (the live view skips the Monte Carlo)."""


class ScopingCalculator(ProspectForm):
    """The discovery-call calculator.

    Controls (``self.controls``): those of :class:`~tpo_scoping.ui.scoping_form.ProspectForm`
    plus ``profile_upload``, ``new_prospect``, ``save_profile``, ``brief_html``, ``brief_pdf``,
    ``brief_xlsx`` (one-click :class:`DownloadButton`), ``keep_scenario`` and
    ``brief_with_comparison``. The computed :class:`~tpo_scoping.scope.Scope` is ``self.scope``;
    the attached performance data is ``self.data.attached``.
    """

    activity = "scoping the engagement"
    answer_outputs = (
        "verdict",
        "summary",
        "kpi_table",
        "comparison",
        "profile_message",
        "data.chip",
        "data.message",
    )
    scope = traitlets.Any(None, allow_none=True)
    revision = traitlets.Int(0)

    def __init__(
        self,
        profile: Profile | None = None,
        *,
        charts: bool = True,
        with_needs: bool = True,
        workspace: Any = "from the server",
    ) -> None:
        from tpo_scoping.workspace import workspace_from_env

        self.with_charts = charts
        self.with_needs = with_needs
        self.scenario: tuple[str, Scope] | None = None
        self.build_form()
        self.data = DataChip(
            prospect=self.prospect_name, on_change=self._on_data, max_bytes=MAX_UPLOAD_BYTES
        )
        self.saved = SavedProspects(
            workspace_from_env() if workspace == "from the server" else workspace,
            on_open=self.open_profile,
            current=self.profile_to_save,
        )
        self._build_files()
        self._build_outputs()
        super().__init__(self._layout())
        self.add_class("tpo-scoping")
        # A pooled kernel started before the latest save: list the saved prospects again when
        # the visitor's page shows the app.
        self.shown.when_shown(self.saved.refresh_list)
        self._first = profile
        self._sample_first = profile is None
        self._loaded: tuple[str, Any] | None = None
        self._observe_inputs(self._on_input)

    # -- layout --------------------------------------------------------------------------

    def _build_files(self) -> None:
        upload = UploadButton("Load profile (YAML)", accept=".yaml,.yml")
        upload.observe(self._on_upload, names="value")
        new = button("New prospect", "clear the form and the data")
        new.on_click(lambda _b: self.new_prospect())
        keep = button("Keep as scenario A", "compare later inputs with this answer")
        keep.on_click(lambda _b: self.keep_scenario())
        with_comparison = widgets.Checkbox(
            value=False, description="Include the comparison in the brief", indent=False
        )
        self.controls.update(
            {
                "profile_upload": upload,
                "new_prospect": new,
                "save_profile": DownloadButton("Profile (YAML)", self._profile_file),
                "brief_html": DownloadButton("Brief (HTML)", lambda: self._brief_file("html")),
                "brief_pdf": DownloadButton("Brief (PDF)", lambda: self._brief_file("pdf")),
                "brief_xlsx": DownloadButton("Brief (xlsx)", lambda: self._brief_file("xlsx")),
                "keep_scenario": keep,
                "brief_with_comparison": with_comparison,
            }
        )
        self.profile_message = MessageBox()
        self.file_message = MessageBox()

    def _build_outputs(self) -> None:
        self.verdict = HtmlBlock('<p style="color:#667">Scoping…</p>')
        self.verdict.add_class("tpo-verdict-box")
        self.summary = HtmlBlock()
        self.kpi_table = HtmlBlock()
        self.kpi_table.add_class("tpo-kpi-table")
        self.breakeven_chart = ChartSlot()
        self.cost_chart = ChartSlot()
        self.comparison = HtmlBlock()
        self.comparison.add_class("tpo-scroll")

    def _layout(self) -> list[widgets.Widget]:
        c = self.controls
        names = ("profile_upload", "save_profile", "brief_html", "brief_pdf", "brief_xlsx")
        files = row([c[name] for name in names])
        inputs = column(
            [
                heading("The prospect"),
                self.saved,
                row([c["prospect"], c["new_prospect"]]),
                self.data,
                *self.form_rows(),
                self.profile_message,
                heading("Files"),
                files,
                self.file_message,
            ]
        )
        inputs.add_class("tpo-inputs")
        outputs = column(
            [
                heading("Fit verdict"),
                self.verdict,
                self.summary,
                heading("Break-even"),
                self.breakeven_chart,
                heading("Cost over time by option"),
                self.cost_chart,
                heading("Scenarios"),
                row([c["keep_scenario"], c["brief_with_comparison"]]),
                self.comparison,
            ]
        )
        outputs.add_class("tpo-outputs")
        return [
            heading("Scoping calculator", 2),
            HtmlBlock(
                '<p style="font-size:13px;color:#445;margin:0">Fill in the prospect\'s '
                "answers; the verdict updates when a field is committed (Enter or leaving "
                "the field).</p>"
            ),
            row([inputs, outputs]),
            heading("Draft KPIs"),  # ten columns: the page's width, under both columns
            self.kpi_table,
        ]

    # -- the prospect --------------------------------------------------------------------

    def prospect_name(self) -> str:
        return self.controls["prospect"].value.strip() or "this prospect"

    def show_inputs(self) -> None:
        if self._first is None:
            self._first = sample_profile()
        self.set_profile(self._first)

    def show_answer(self) -> None:
        if self.with_needs and self._first is not None:
            self.data.attach_profile(self._first)
        self._recompute()

    def answer_key(self) -> str | None:
        """The fields' values while they still hold the sample prospect (see AppShell)."""
        return self.input_key() if self._sample_first else None

    def open_profile(self, profile: Profile) -> None:
        """Show another prospect: its fields, and its own data when it names a folder."""
        if self.data.attached is not None:
            self.data.drop(f"Detached the data of {self.data.attached.prospect}.")
        self.set_profile(profile)
        if self.with_needs:
            self.data.attach_profile(profile)
        self._recompute()

    def set_profile(self, profile: Profile) -> None:
        super().set_profile(profile)
        self._loaded = (profile.prospect, self.controls["sites"].identity())

    def new_prospect(self) -> None:
        """Clear the form for another prospect; any attached data is detached."""
        had = self.data.attached
        self.clear_form()
        self._loaded = ("", ())
        if had is not None:
            self.data.drop(f"New prospect: the data of {had.prospect} was detached.")
        self.scenario = None
        self.comparison.value = ""
        self._recompute()

    def profile_to_save(self) -> Profile:
        profile = self.profile()
        attached: AttachedData | None = self.data.attached
        if attached is not None and attached.path is not None:
            from tpo_scoping.profile import DataSource

            profile = profile.model_copy(update={"data": DataSource(path=attached.path)})
        return profile

    # -- computing -----------------------------------------------------------------------

    def _on_input(self, _change: Any) -> None:
        if self._loading or not self.ready:
            return
        self._detach_if_another_prospect()
        self._recompute()

    def _on_data(self) -> None:
        """The user attached or detached data."""
        if self.data.attached is not None:  # attached here: it belongs to the prospect on screen
            self._loaded = (
                self.controls["prospect"].value.strip(),
                self.controls["sites"].identity(),
            )
        self._recompute()

    def _detach_if_another_prospect(self) -> None:
        attached = self.data.attached
        if attached is None or self._loaded is None:
            return
        now = (self.controls["prospect"].value.strip(), self.controls["sites"].identity())
        if now == self._loaded:
            return
        what = "name" if now[0] != self._loaded[0] else "sites"
        self.data.drop(
            f"The prospect's {what} changed, so the data of {attached.prospect} was "
            "detached. Attach this prospect's own data to use it."
        )

    def _build_scope(self, simulations: int = 0) -> Scope:
        from tpo_scoping.scope import build_scope

        attached: AttachedData | None = self.data.attached
        needs = attached.needs if attached is not None else None
        return build_scope(self.profile(), needs=needs, simulations=simulations, seed=0)

    def _outputs(self) -> list[widgets.Widget]:
        """What the verdict's inputs also drive: the summary, the KPIs and the charts."""
        return [self.summary, self.kpi_table, self.breakeven_chart, self.cost_chart]

    @guarded("scoping the engagement", lambda self: self.status)
    def _recompute(self) -> None:
        try:
            scope = self._build_scope()
        except InputError as exc:
            self._show_wrong_input(exc)
            return
        show_stale(self._outputs(), False)
        self.profile_message.clear()
        self.status.clear()
        self.verdict.value = verdict_html(scope.fit)
        self.summary.value = summary_html(scope)
        self.kpi_table.value = kpi_table_html(scope.kpis, scope.profile.total_fte)
        self.scope = scope
        self.revision += 1
        self._show_comparison()
        self.mark_ready()
        if self.with_charts:
            self._draw_charts()

    def _show_wrong_input(self, exc: InputError) -> None:
        fields = self.field_problems()
        if not fields:  # a rule across fields (two sites with one name): say it under them
            self.profile_message.show(input_error_text(exc))
        where = field_name(fields[0]) if fields else "the sites"
        self.verdict.value = (
            '<p style="color:#8a5a00">The verdict waits for a correction: '
            f"{html.escape(where)} (marked in red on the left).</p>"
        )
        show_stale(self._outputs(), True)

    @guarded("drawing the charts", lambda self: self.status)
    def _draw_charts(self) -> None:
        from tpo_scoping.charts.economics import cost_vs_fte_chart, cumulative_cost_chart

        result = self.scope.break_even
        fte = float(self.scope.profile.total_fte)
        self.breakeven_chart.show(cost_vs_fte_chart(result, highlight_fte=fte, width=CHART_WIDTH))
        self.cost_chart.show(cumulative_cost_chart(result, width=CHART_WIDTH))

    # -- scenarios -----------------------------------------------------------------------

    def keep_scenario(self) -> None:
        """Keep the answer on screen as scenario A; later inputs are compared with it."""
        if self.scope is None:
            return
        self.scenario = ("Scenario A (kept)", self.scope)
        self._show_comparison()

    def comparison_now(self) -> Any:
        from tpo_scoping.presentation.scenarios import compare_scopes

        if self.scenario is None or self.scope is None:
            return None
        name, kept = self.scenario
        return compare_scopes(kept, self.scope, (name, "Scenario B (on screen)"))

    def _show_comparison(self) -> None:
        comparison = self.comparison_now()
        self.comparison.value = (
            comparison_html(comparison)
            if comparison is not None
            else '<p style="font-size:13px;color:#556">Keep the answer on screen as scenario '
            "A, change an input, and the two appear side by side.</p>"
        )

    # -- files ---------------------------------------------------------------------------

    def _on_upload(self, change: Any) -> None:
        if not change["new"]:
            return
        profile = profile_from_upload(change["new"], self.file_message)
        self.controls["profile_upload"].value = ()
        if profile is None:
            return
        self.open_profile(profile)
        self.file_message.show(f"Loaded the profile of {profile.prospect}.", "ok")

    @guarded("saving the profile", lambda self: self.file_message)
    def _profile_file(self) -> Prepared:
        from tpo_scoping.profile import profile_to_yaml

        profile = self.profile()
        self.file_message.clear()
        return profile_to_yaml(profile).encode("utf-8"), f"{safe_filename(profile.prospect)}.yaml"

    @guarded("preparing the brief", lambda self: self.file_message)
    def _brief_file(self, kind: str) -> Prepared:
        from tpo_scoping import report

        scope = self._build_scope(simulations=BRIEF_SIMULATIONS)
        comparison = None
        if self.controls["brief_with_comparison"].value:
            comparison = self.comparison_now()
        if kind == "html":
            data = report.render_html(scope, comparison=comparison).encode("utf-8")
        elif kind == "pdf":
            data = bytes(report.render_pdf(scope, comparison=comparison))
        else:
            data = bytes(report.render_xlsx(scope))
        self.file_message.clear()
        return data, f"brief-{safe_filename(scope.profile.prospect)}.{kind}"
