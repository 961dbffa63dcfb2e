"""The needs-analysis app: upload performance data, see quality, gaps, ramp, retention,
compliance and training impact.

Uploads are read from memory (``load_performance_data`` takes ``{file name: bytes}``) and are
never written to disk; the upload button keeps no copy. Files over
:data:`~tpo_scoping.voila.MAX_UPLOAD_BYTES` in total are refused with a message. A failed
upload after a good one greys the earlier results out and says why. A prospect saved in the
workspace opens with its own data, when its profile names a folder on the server.

Examples
--------
>>> app = NeedsApp(charts=False)
>>> app.use_sample()
>>> app.result is not None
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.presentation.needs import logrank_sentence
from tpo_scoping.ui.attached_data import ACCEPTED, check_upload, upload_files
from tpo_scoping.ui.chart_slot import ChartSlot
from tpo_scoping.ui.downloads import DownloadButton, Prepared
from tpo_scoping.ui.html import HtmlBlock, button, heading, html_paragraph, row, show_stale
from tpo_scoping.ui.messages import MessageBox, guarded, input_error_text
from tpo_scoping.ui.needs_tables import (
    impact_html,
    needs_workbook,
    outcome_text,
    quality_html,
    screen_tables,
    table_html,
)
from tpo_scoping.ui.sample_prospect import sample_data_path
from tpo_scoping.ui.saved_prospects import SavedProspects
from tpo_scoping.ui.shell import AppShell
from tpo_scoping.ui.uploads import UploadButton
from tpo_scoping.voila import MAX_UPLOAD_BYTES

if TYPE_CHECKING:
    from tpo_scoping.needs import NeedsResult
    from tpo_scoping.profile import Profile


class NeedsApp(AppShell):
    """Upload → quality report, gaps and priorities, ramp, retention, compliance, impact.

    Controls: ``upload`` (.xlsx/.csv, several files), ``sample`` (button: analyse the sample
    prospect's data), and once there are results ``export`` (one-click xlsx of the tables on
    screen).
    """

    activity = "analysing the data"
    result = traitlets.Any(None, allow_none=True)

    def __init__(
        self, charts: bool = True, max_bytes: int = MAX_UPLOAD_BYTES, workspace: Any = None
    ) -> None:
        from tpo_scoping.workspace import workspace_from_env

        self.with_charts = charts
        self.max_bytes = max_bytes
        self.label = ""
        upload = UploadButton("Upload data", accept=",".join(ACCEPTED), multiple=True)
        sample = button("Use the sample data")
        self.controls = {"upload": upload, "sample": sample}
        self.saved = SavedProspects(workspace or workspace_from_env(), on_open=self.open_profile)
        self.upload_message = MessageBox()
        self._build_results()
        super().__init__(
            [
                heading("Needs analysis", 2),
                self.saved,
                HtmlBlock(
                    '<p style="font-size:13px;color:#445;margin:0">Upload an .xlsx workbook '
                    "(one sheet per table) or CSV files named after the tables (employees, "
                    "assessments, compliance, metrics, training). At most "
                    f"{max_bytes / 1_048_576:.0f} MB. Files stay in this session's memory and "
                    "are never saved on the server.</p>"
                ),
                row([upload, sample]),
                self.upload_message,
                self.results,
            ]
        )
        self.add_class("tpo-needs")
        # A pooled kernel started before the latest save: list the saved prospects again when
        # the visitor's page shows the app.
        self.shown.when_shown(self.saved.refresh_list)
        upload.observe(self._on_upload, names="value")
        sample.on_click(lambda _b: self.use_sample())

    def _build_results(self) -> None:
        self.source = HtmlBlock()
        self.quality = HtmlBlock()
        self.priorities = HtmlBlock()
        self.gaps = HtmlBlock()
        self.retention = HtmlBlock()
        self.ramp = HtmlBlock()
        self.compliance = HtmlBlock()
        self.impact = HtmlBlock()
        for block in (self.gaps, self.ramp, self.retention, self.compliance, self.impact):
            block.add_class("tpo-scroll")
        self.download_message = MessageBox()
        # The export button arrives with the first results: a widget the page would fetch
        # before there is anything to export only slows the page down.
        self.export_row = row([])
        self.gap_chart = ChartSlot()
        self.retention_chart = ChartSlot()
        self.results = widgets.VBox(
            [
                self.source,
                heading("Data quality"),
                self.quality,
                heading("Gaps and priorities"),
                self.priorities,
                self.gap_chart,
                self.gaps,
                heading("Ramp time"),
                self.ramp,
                heading("Retention"),
                self.retention,
                self.retention_chart,
                heading("Compliance"),
                self.compliance,
                heading("Training impact"),
                self.impact,
                self.export_row,
            ]
        )
        self.results.add_class("tpo-needs-results")
        self.results.layout.display = "none"

    def show_answer(self) -> None:
        """Nothing to compute until data arrives; the page is ready as it is."""

    def _on_upload(self, change: Mapping[str, Any]) -> None:
        if not change["new"]:
            return
        self.controls["upload"].value = ()  # the analysis keeps what it needs
        try:
            files = upload_files(change["new"], self.max_bytes)
        except InputError as exc:
            self._failed_upload(input_error_text(exc))
            return
        self.analyse(files, label=", ".join(sorted(files)))

    def use_sample(self) -> None:
        folder = sample_data_path()
        if folder is None:
            self.upload_message.show("The sample data is not available in this installation.")
            return
        files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
        self.analyse(files, label="the sample prospect's data")

    def open_profile(self, profile: Profile) -> None:
        """Analyse a saved prospect's own data (its profile names a folder on the server)."""
        from pathlib import Path

        path = Path(profile.data.path) if profile.data and profile.data.path else None
        if path is None or not path.exists():
            self.upload_message.show(
                f"{profile.prospect} has no performance data saved on the server; upload it.",
                "info",
            )
            return
        files = (
            {p.name: p.read_bytes() for p in sorted(path.glob("*.csv"))}
            if path.is_dir()
            else {path.name: path.read_bytes()}
        )
        self.analyse(files, label=f"the data of {profile.prospect}")

    def analyse(self, files: Mapping[str, bytes], label: str = "") -> None:
        """Read and analyse ``files``; a failure leaves earlier results greyed out."""
        from tpo_scoping.ingest import load_performance_data
        from tpo_scoping.needs import analyse_needs

        try:
            check_upload(files, self.max_bytes)
            self.upload_message.show("Analysing…", "info")
            data = load_performance_data(dict(files), max_bytes=self.max_bytes)
            result = analyse_needs(data)
        except InputError as exc:
            self._failed_upload(input_error_text(exc))
            return
        except Exception:
            self._failed_upload("")
            raise
        self.label = label
        self._show(result)

    def _failed_upload(self, reason: str) -> None:
        from tpo_scoping.ui.messages import POLITE_ERROR

        reason = reason or POLITE_ERROR.format(activity=self.activity)
        if self.result is not None:
            show_stale([self.results], True)
            reason += f"\nThe results below are still those of {self.label}, greyed out."
        self.upload_message.show(reason, "error")

    @guarded("showing the results", lambda self: self.upload_message)
    def _show(self, result: NeedsResult) -> None:
        self.source.value = (
            f'<p style="font-size:13px">Analysed {html.escape(self.label)} as of '
            f"{result.as_of:%d %b %Y}.</p>"
        )
        self.quality.value = quality_html(result.quality)
        tables = dict(screen_tables(result))
        priorities = tables["Priorities"].column("Priority")
        items = "".join(f"<li>{html.escape(p)}</li>" for p in priorities)
        self.priorities.value = (
            f"<ol style='font-size:13px'>{items}</ol>" if items else "<p>No material gaps.</p>"
        )
        self.gaps.value = table_html(tables["Gaps"], "No competency scores to compare.")
        self.ramp.value = table_html(tables["Ramp time"], "No new hires with weekly measures.")
        self.retention.value = table_html(
            tables["Retention"], "No hire dates: retention cannot be measured."
        ) + html_paragraph(logrank_sentence(result))
        self.compliance.value = table_html(
            tables["Compliance"], "No compliance records."
        ) + table_html(tables["Compliance by module"])
        self.impact.value = impact_html(result)
        self.result = result
        if "export" not in self.controls:
            self.controls["export"] = DownloadButton("Tables (xlsx)", self._xlsx_file)
            self.export_row.children = [self.controls["export"], self.download_message]
        show_stale([self.results], False)
        self.results.layout.display = "flex"
        self.upload_message.show(outcome_text(result.quality), "ok")
        if self.with_charts:
            self._draw_charts()

    @guarded("drawing the charts", lambda self: self.status)
    def _draw_charts(self) -> None:
        from tpo_scoping.charts.needs import gap_heatmap, km_curves

        self.gap_chart.show(gap_heatmap(self.result))
        self.retention_chart.show(km_curves(self.result))

    @guarded("preparing the xlsx file", lambda self: self.download_message)
    def _xlsx_file(self) -> Prepared:
        if self.result is None:
            raise InputError("Analyse some data first")
        self.download_message.clear()
        return needs_workbook(self.result), "needs-analysis.xlsx"
