"""The needs-analysis app: upload performance data, see quality, gaps, retention, compliance.

Uploads are read from memory (``load_performance_data`` takes ``{file name: bytes}``) and are
never written to disk; the upload widget is emptied once the files are read. Files over
:data:`~tpo_scoping.voila.MAX_UPLOAD_BYTES` in total are refused with a message.

Examples
--------
>>> app = NeedsApp(charts=False)
>>> app.use_sample()
>>> app.result is not None
True
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.labels import impact_sentence, module_title, site_label, words
from tpo_scoping.ui._common import (
    AppShell,
    ChartSlot,
    HtmlBlock,
    MessageBox,
    download_link,
    guarded,
    heading,
    html_table,
    sample_data_path,
)
from tpo_scoping.voila import MAX_UPLOAD_BYTES

if TYPE_CHECKING:
    from tpo_scoping.needs.impact import ImpactEstimate

ACCEPTED = (".xlsx", ".csv")


def check_upload(files: Mapping[str, bytes], limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse empty, oversized or unsupported uploads with a clear message."""
    if not files:
        raise InputError("Choose an .xlsx workbook or one or more .csv files")
    total = sum(len(b) for b in files.values())
    if total > limit:
        raise InputError(
            f"The upload is {total / 1_048_576:.1f} MB; the limit is "
            f"{limit / 1_048_576:.0f} MB. Send a smaller extract (recent months, or fewer tables)."
        )
    for name in files:
        if not name.lower().endswith(ACCEPTED):
            raise InputError(f"{name}: only .xlsx workbooks and .csv files are accepted")


def upload_files(value: Any) -> dict[str, bytes]:
    """``{file name: bytes}`` from a FileUpload value (ipywidgets 8)."""
    return {str(item["name"]): bytes(item["content"]) for item in (value or ())}


def _pct(x: Any) -> str:
    return "–" if x is None else f"{float(x) * 100:.0f} %"


def _counts(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{html.escape(str(k))} {v:,}" for k, v in value.items()) or "0"
    return html.escape(str(value if value is not None else "–"))


def outcome_text(quality: Mapping[str, Any]) -> str:
    """One line on what an analysis used: rows read and dropped, where to look next.

    >>> outcome_text({"rows_read": {"employees": 80, "metrics": 2000},
    ...               "rows_used": {"employees": 78, "metrics": 2000}})
    'Done: 2,080 rows read, 2 dropped (listed under Data quality); the results are below.'
    """
    read = sum((quality.get("rows_read") or {}).values())
    dropped = read - sum((quality.get("rows_used") or {}).values())
    rows = f"{read:,} rows read, " + (
        f"{dropped:,} dropped (listed under Data quality)" if dropped else "none dropped"
    )
    return f"Done: {rows}; the results are below."


def quality_html(quality: Mapping[str, Any]) -> str:
    issues = quality.get("issues") or []
    rows = [
        [html.escape(str(i.get(k, ""))) for k in ("table", "row", "column", "problem")]
        for i in issues[:15]
        if isinstance(i, Mapping)
    ]
    more = len(issues) - len(rows)
    table = html_table(["Table", "Row", "Column", "Issue"], rows) if rows else ""
    missing = quality.get("missing") or {}
    gaps = [
        f"{html.escape(str(table))}.{html.escape(str(column))} {float(share):.0%}"
        for table, columns in (missing.items() if isinstance(missing, Mapping) else [])
        if isinstance(columns, Mapping)
        for column, share in columns.items()
        if isinstance(share, int | float) and share > 0
    ]
    missing_text = (
        f"<p style='font-size:13px'>Missing values (share of rows): {', '.join(gaps)}.</p>"
        if gaps
        else ""
    )
    limits = [
        *(str(w) for w in quality.get("warnings") or []),
        *(f"{t}: read but not used: {why}" for t, why in (quality.get("unused") or {}).items()),
    ]
    limits_text = "".join(
        f"<p style='font-size:13px;color:#8a5300'>{html.escape(text)}</p>" for text in limits
    )
    return (
        f"{limits_text}<p style='font-size:13px'>"
        f"Rows read: {_counts(quality.get('rows_read'))}.<br>"
        f"Rows dropped: {_counts(quality.get('rows_dropped'))}; issues: "
        f"{quality.get('issues_total', len(issues))}.</p>{missing_text}{table}"
        + (f"<p style='font-size:12px'>… and {more} more.</p>" if more > 0 else "")
    )


def priorities_html(priorities: list[Mapping[str, Any]], top: int = 8) -> str:
    items = "".join(f"<li>{html.escape(str(p.get('summary', '')))}</li>" for p in priorities[:top])
    return f"<ol style='font-size:13px'>{items}</ol>" if items else "<p>No material gaps.</p>"


def retention_html(retention: list[Mapping[str, Any]]) -> str:
    rows = [
        [
            html.escape(site_label(r["site"])),
            f"{_pct(r['estimate'])} ({_pct(r['ci_low'])}–{_pct(r['ci_high'])})",
            str(r.get("n", "")),
        ]
        for r in retention
        if r.get("day") == 90 and r.get("cohort") in ("all", None)
    ]
    return html_table(["Site", "90-day retention (95% CI)", "Hires"], rows)


def compliance_html(compliance: list[Mapping[str, Any]]) -> str:
    rows = [
        [
            html.escape(site_label(c["site"])),
            html.escape(module_title(c["module"])),
            _pct(c.get("coverage")),
            _pct(c.get("on_time")),
            str(c.get("overdue", 0)),
            str(c.get("expiring_30", 0)),
        ]
        for c in compliance
    ]
    return html_table(["Site", "Module", "Coverage", "On time", "Overdue", "Expiring ≤30 d"], rows)


def impact_html(impact: Sequence[ImpactEstimate] | None) -> str:
    """Each course's effect on each measure in one sentence, or why there is none."""
    if not impact:
        return (
            "<p style='font-size:13px'>Training impact cannot be estimated: the data has no"
            " training records with performance before and after.</p>"
        )
    rows = [
        [
            html.escape(words(e.course)),
            html.escape(words(e.metric)),
            html.escape(impact_sentence(e)),
        ]
        for e in impact
    ]
    return html_table(["Course", "Measure", "Estimated effect"], rows)


class NeedsApp(AppShell):
    """Upload → quality report, gaps and priorities, retention, compliance, training impact.

    Controls: ``upload`` (FileUpload, .xlsx/.csv, several files), ``sample`` (button: analyse
    the sample prospect's data), ``export`` (button: gaps and priorities as xlsx).
    """

    what = "analysing the data"
    prefetch = ("tpo_scoping.ingest", "tpo_scoping.needs", "scipy.stats", "scipy.optimize")
    result = traitlets.Any(None, allow_none=True)

    def __init__(self, charts: bool = True, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self.with_charts = charts
        self.max_bytes = max_bytes
        upload = widgets.FileUpload(
            accept=",".join(ACCEPTED), multiple=True, description="Upload data"
        )
        sample = widgets.Button(description="Use the sample data")
        export = widgets.Button(description="Prepare xlsx")
        self.controls = {"upload": upload, "sample": sample, "export": export}
        self.upload_message = MessageBox()
        self.source = HtmlBlock()
        self.quality = HtmlBlock()
        self.priorities = HtmlBlock()
        self.retention = HtmlBlock()
        self.compliance = HtmlBlock()
        self.impact = HtmlBlock()
        self.download = HtmlBlock()
        self.download_message = MessageBox()
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
                heading("Retention"),
                self.retention,
                self.retention_chart,
                heading("Compliance"),
                self.compliance,
                heading("Training impact"),
                self.impact,
                widgets.HBox([export, self.download, self.download_message]),
            ]
        )
        self.results.add_class("tpo-needs-results")
        self.results.layout.display = "none"
        super().__init__(
            [
                heading("Needs analysis", 2),
                HtmlBlock(
                    '<p style="font-size:13px;color:#445;margin:0">Upload an .xlsx workbook '
                    "(one sheet per table) or CSV files named after the tables (employees, "
                    "assessments, compliance, metrics, training). At most "
                    f"{max_bytes / 1_048_576:.0f} MB. Files stay in this session's memory and "
                    "are never saved on the server.</p>"
                ),
                widgets.HBox([upload, sample]),
                self.upload_message,
                self.results,
            ]
        )
        self.add_class("tpo-needs")
        upload.observe(self._on_upload, names="value")
        sample.on_click(lambda _b: self.use_sample())
        export.on_click(self._on_export)

    def refresh(self) -> None:
        """Nothing to compute until data arrives; the page is ready as it is."""

    def _on_upload(self, change: Any) -> None:
        if not change["new"]:
            return
        files = upload_files(change["new"])
        # Drop the widget's copy of the bytes at once: the analysis keeps what it needs.
        self.controls["upload"].value = ()
        self.analyse(files, label=", ".join(sorted(files)))

    def use_sample(self) -> None:
        folder = sample_data_path()
        if folder is None:
            self.upload_message.show("The sample data is not available in this installation.")
            return
        files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
        self.analyse(files, label="the sample prospect's data")

    @guarded("analysing the data", lambda self: self.upload_message)
    def analyse(self, files: Mapping[str, bytes], label: str = "") -> None:
        from tpo_scoping.ingest import load_performance_data
        from tpo_scoping.needs import analyse_needs

        check_upload(files, self.max_bytes)
        self.upload_message.show("Analysing…", "info")
        data = load_performance_data(dict(files), max_bytes=self.max_bytes)
        result = analyse_needs(data)
        d = result.to_dict()
        self.source.value = (
            f'<p style="font-size:13px">Analysed {html.escape(label)} as of {d.get("as_of")}.</p>'
        )
        self.quality.value = quality_html(d.get("quality") or {})
        self.priorities.value = priorities_html(d.get("priorities") or [])
        self.retention.value = retention_html(d.get("retention") or [])
        self.compliance.value = compliance_html(d.get("compliance") or [])
        self.impact.value = impact_html(result.impact)
        self.download.value = ""
        self.result = result
        self.results.layout.display = "flex"
        self.upload_message.show(outcome_text(d.get("quality") or {}), "ok")
        if self.with_charts:
            self._draw_charts()

    @guarded("drawing the charts", lambda self: self.status)
    def _draw_charts(self) -> None:
        from tpo_scoping.charts.needs import gap_heatmap, km_curves

        self.gap_chart.show(gap_heatmap(self.result))
        self.retention_chart.show(km_curves(self.result))

    @guarded("preparing the xlsx file", lambda self: self.download_message)
    def _on_export(self, _button: Any = None) -> None:
        import pandas as pd

        from tpo_scoping.report.xlsx import tables_to_xlsx

        if self.result is None:
            raise InputError("Analyse some data first")
        d = self.result.to_dict()
        # Built in memory: nothing of the analysis is written to the server's disk.
        payload = tables_to_xlsx(
            {
                sheet: pd.DataFrame(d.get(sheet) or [])
                for sheet in ("priorities", "gaps", "retention", "compliance")
            }
        )
        self.download_message.clear()
        self.download.value = download_link(payload, "needs-analysis.xlsx")
