"""The KPI drafter app: ambition and cadence in, targets, milestones and detectability out.

Examples
--------
>>> app = KpiDrafter()
>>> app.launch()
>>> app.controls["ambition"].value = 0.8
>>> round(app.draft.ambition, 2)
0.8
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.labels import kpi_level
from tpo_scoping.ui._common import (
    AppShell,
    HtmlBlock,
    MessageBox,
    ProfileData,
    download_link,
    guarded,
    heading,
    html_table,
    input_error_text,
    safe_filename,
    sample_profile,
)

MAX_PROFILE_UPLOAD = 1_000_000


def kpi_rows(draft: Any) -> tuple[list[str], list[list[str]]]:
    """Headers and rows (escaped HTML) of the KPI table shown in the apps."""
    days = sorted({m.day for k in draft.kpis for m in k.milestones if m.day != 365})
    headers = ["KPI", "Baseline", "Target (day 365)", *[f"Day {d}" for d in days]]
    headers += ["Min. detectable change", "Measurable?"]
    rows = []
    for k in draft.kpis:
        by_day = {m.day: m.value for m in k.milestones}
        source = "default" if k.baseline_is_default else "prospect data"
        if k.detectable is None:
            verdict = "–"
        elif k.detectable:
            verdict = "✔ yes"
        else:
            verdict = f'<span title="{html.escape(k.detectability_note, quote=True)}">⚠ no</span>'
        rows.append(
            [
                f"<b>{html.escape(k.name)}</b>",
                f"{kpi_level(k.baseline, k.unit)}"
                f'<br><span style="color:#667;font-size:11px">{source}</span>',
                f"<b>{kpi_level(k.target, k.unit)}</b>",
                *[kpi_level(by_day.get(d), k.unit) for d in days],
                k.min_detectable_change_text,
                verdict,
            ]
        )
    return headers, rows


def kpi_table_html(draft: Any) -> str:
    headers, rows = kpi_rows(draft)
    return html_table(headers, rows)


def kpis_xlsx_bytes(draft: Any) -> bytes:
    """The KPI table as an xlsx workbook, built in memory."""
    from tpo_scoping.report import kpis_to_xlsx

    return bytes(kpis_to_xlsx(draft))


def read_profile_upload(value: Any) -> Any:
    """Validate an uploaded profile YAML (from a ``FileUpload`` value) into a Profile."""
    from tpo_scoping.profile import parse_profile

    files = list(value or [])
    if not files:
        raise InputError("Choose a profile YAML file")
    item = files[0]
    name = str(item.get("name", "profile.yaml"))
    size = int(item.get("size", 0) or 0)
    if size > MAX_PROFILE_UPLOAD:
        raise InputError(
            f"{name}: {size:,} bytes is too large for a profile (at most {MAX_PROFILE_UPLOAD:,})"
        )
    content = bytes(item.get("content", b""))
    profile = parse_profile(content, source=name)
    if profile.data is not None:
        # An uploaded profile cannot point at files on the server.
        profile = profile.model_copy(update={"data": None})
    return profile


def profile_from_upload(value: Any, message: Any) -> Any:
    """The uploaded profile, or None after explaining the problem in ``message``."""
    try:
        return read_profile_upload(value)
    except InputError as exc:
        message.show(input_error_text(exc))
    except Exception:
        from tpo_scoping.ui._common import POLITE_ERROR, log

        log.exception("reading an uploaded profile failed")
        message.show(POLITE_ERROR.format(what="reading the profile"))
    return None


class KpiDrafter(AppShell):
    """Draft the KPI schedule for a prospect, with live ambition and cadence.

    Controls (``self.controls``): ``ambition`` (slider, 0–1), ``cadence`` (monthly/quarterly),
    ``profile_upload`` (a profile YAML), ``export`` (prepares the xlsx download).
    """

    what = "drafting the KPIs"
    answer_outputs = ("table", "notes")
    prefetch = ("tpo_scoping.kpis", "statsmodels.stats.power")
    profile = traitlets.Any()
    draft = traitlets.Any(None, allow_none=True)

    def __init__(self, profile: Any = None, *, with_data: bool = True) -> None:
        self.profile_data = ProfileData(enabled=with_data)
        self.title = heading("KPI drafter", 2)
        ambition = widgets.FloatSlider(
            value=0.5,
            min=0.0,
            max=1.0,
            step=0.05,
            description="Ambition",
            readout_format=".0%",
            continuous_update=False,
            style={"description_width": "80px"},
            layout=widgets.Layout(width="360px"),
        )
        cadence = widgets.ToggleButtons(
            options=[("Monthly", "monthly"), ("Quarterly", "quarterly")],
            value="monthly",
            description="Cadence",
            style={"description_width": "80px", "button_width": "90px"},
        )
        upload = widgets.FileUpload(
            accept=".yaml,.yml", multiple=False, description="Load profile (YAML)"
        )
        upload.layout.width = "200px"
        export = widgets.Button(description="Prepare xlsx", button_style="info")
        self.upload_message = MessageBox()
        self.prospect_label = HtmlBlock()
        self.explain = HtmlBlock(
            '<p style="color:#445;font-size:13px;margin:2px 0">Ambition is the share of the gap '
            "between today's baseline and the prospect's best-quartile performers that the "
            "engagement commits to close by day 365. A target smaller than the minimum "
            "detectable change cannot be told apart from noise at the chosen cadence.</p>"
        )
        self.table = HtmlBlock('<p style="color:#667">Drafting the KPIs…</p>')
        self.table.add_class("tpo-kpi-table")
        self.notes = HtmlBlock()
        self.download = HtmlBlock()
        self.download_message = MessageBox()
        super().__init__(
            [
                self.title,
                self.prospect_label,
                self.explain,
                widgets.HBox([ambition, cadence]),
                widgets.HBox([upload, self.upload_message]),
                self.table,
                self.notes,
                widgets.HBox([export, self.download, self.download_message]),
            ]
        )
        self.controls = {
            "ambition": ambition,
            "cadence": cadence,
            "profile_upload": upload,
            "export": export,
        }
        self.profile = profile
        self._default_profile: Any = None
        ambition.observe(self._on_setting, names="value")
        cadence.observe(self._on_setting, names="value")
        upload.observe(self._on_upload, names="value")
        export.on_click(self._on_export)

    def _show_prospect(self) -> None:
        if self.profile is not None:
            p = self.profile
            self.prospect_label.value = (
                f'<p style="margin:2px 0">Prospect: <b>{html.escape(p.prospect)}</b>, '
                f"{p.total_fte} FTE, {p.growth.hires_per_quarter:g} hires per quarter</p>"
            )

    def _first_profile(self) -> Any:
        """The profile given to the app, else the sample prospect's (read once)."""
        if self.profile is None:
            self.profile = self._default_profile = sample_profile()
        return self.profile

    def show_inputs(self) -> None:
        self._first_profile()
        self._show_prospect()

    def prepare(self) -> Any:
        """The first profile's needs analysis (its KPI baselines), when it has data."""
        super().prepare()
        profile = self._first_profile()
        return (profile, *self.profile_data.analyse(profile))

    def show_answer(self) -> None:
        self.profile_data.remember(*self.prepared())
        self._recompute()

    def answer_key(self) -> str | None:
        if self._default_profile is None or self.profile is not self._default_profile:
            return None
        return self.input_key()

    def _on_setting(self, _change: Any) -> None:
        if self.ready and not self.settle():
            self._recompute()

    @guarded("drafting the KPIs", lambda self: self.status)
    def _recompute(self) -> None:
        from tpo_scoping.kpis import draft_kpis

        draft = draft_kpis(
            self.profile,
            self.profile_data.of(self.profile),
            ambition=float(self.controls["ambition"].value),
            cadence=self.controls["cadence"].value,
        )
        if self.profile_data.warning:
            self.status.show(self.profile_data.warning, "warning")
        else:
            self.status.clear()
        self.download.value = ""
        self.table.value = kpi_table_html(draft)
        self.notes.value = "".join(
            f'<p style="color:#445;font-size:12px;margin:2px 0">{html.escape(n)}</p>'
            for n in draft.notes
        )
        self.draft = draft

    def _on_upload(self, change: Any) -> None:
        if not change["new"]:
            return
        profile = profile_from_upload(change["new"], self.upload_message)
        if profile is None:
            return
        self.settle()
        self.upload_message.show(f"Loaded {profile.prospect}.", "ok")
        self.profile = profile
        self._show_prospect()
        self._recompute()

    @guarded("preparing the xlsx file", lambda self: self.download_message)
    def _on_export(self, _button: Any = None) -> None:
        self.settle()
        if self.draft is None:
            raise InputError("The KPIs are still being drafted; try again in a moment")
        data = kpis_xlsx_bytes(self.draft)
        name = f"kpis-{safe_filename(self.profile.prospect)}.xlsx"
        self.download_message.clear()
        self.download.value = download_link(data, name)
