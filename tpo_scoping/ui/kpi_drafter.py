"""The KPI drafter app: ambition and cadence in, targets, milestones and detectability out.

It opens with the sample prospect, a profile YAML, or a prospect saved in the workspace; the
performance data the baselines come from is the prospect's own, shown in the chip under its name.

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
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.ui.attached_data import DataChip
from tpo_scoping.ui.downloads import DownloadButton, Prepared, safe_filename
from tpo_scoping.ui.html import HtmlBlock, heading, row
from tpo_scoping.ui.kpi_table import kpi_table_html, kpi_workbook
from tpo_scoping.ui.messages import MessageBox, guarded
from tpo_scoping.ui.profile_upload import profile_from_upload
from tpo_scoping.ui.sample_prospect import sample_profile
from tpo_scoping.ui.saved_prospects import SavedProspects
from tpo_scoping.ui.shell import AppShell
from tpo_scoping.ui.uploads import UploadButton
from tpo_scoping.voila import MAX_UPLOAD_BYTES

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile


EXPLANATION = (
    "Ambition is the share of the gap between today's baseline and the prospect's "
    "best-quartile performers that the engagement commits to close by day 365."
)


class KpiDrafter(AppShell):
    """Draft the KPI schedule for a prospect, with live ambition and cadence.

    Controls (``self.controls``): ``ambition`` (slider, 0–1), ``cadence`` (monthly/quarterly),
    ``profile_upload`` (a profile YAML), ``export`` (one-click xlsx download).
    """

    activity = "drafting the KPIs"
    answer_outputs = ("table", "notes", "data.chip")
    profile = traitlets.Any()
    draft = traitlets.Any(None, allow_none=True)

    def __init__(
        self, profile: Profile | None = None, *, with_data: bool = True, workspace: Any = None
    ) -> None:
        from tpo_scoping.workspace import workspace_from_env

        self.with_data = with_data
        self.controls = self._controls()
        self.upload_message = MessageBox()
        self.prospect_label = HtmlBlock()
        self.data = DataChip(
            prospect=lambda: self.profile.prospect,
            on_change=self._recompute,
            max_bytes=MAX_UPLOAD_BYTES,
            can_attach=False,
        )
        self.saved = SavedProspects(workspace or workspace_from_env(), on_open=self.open_profile)
        self.table = HtmlBlock('<p style="color:#667">Drafting the KPIs…</p>')
        self.table.add_class("tpo-kpi-table")
        self.notes = HtmlBlock()
        self.download_message = MessageBox()
        c = self.controls
        super().__init__(
            [
                heading("KPI drafter", 2),
                self.saved,
                self.prospect_label,
                self.data,
                HtmlBlock(f'<p style="color:#445;font-size:13px;margin:2px 0">{EXPLANATION}</p>'),
                row([c["ambition"], c["cadence"]]),
                row([c["profile_upload"], self.upload_message]),
                self.table,
                self.notes,
                row([c["export"], self.download_message]),
            ]
        )
        self.add_class("tpo-kpi-drafter")
        # A pooled kernel started before the latest save: list the saved prospects again when
        # the visitor's page shows the app.
        self.shown.when_shown(self.saved.refresh_list)
        self.profile = profile
        c["ambition"].observe(self._on_setting, names="value")
        c["cadence"].observe(self._on_setting, names="value")
        c["profile_upload"].observe(self._on_upload, names="value")

    def _controls(self) -> dict[str, Any]:
        upload = UploadButton("Load profile (YAML)", accept=".yaml,.yml")
        return {
            "ambition": widgets.FloatSlider(
                value=0.5,
                min=0.0,
                max=1.0,
                step=0.05,
                description="Ambition",
                readout_format=".0%",
                continuous_update=False,
                style={"description_width": "80px"},
                layout=widgets.Layout(width="min(360px, 100%)"),
            ),
            "cadence": widgets.ToggleButtons(
                options=[("Monthly", "monthly"), ("Quarterly", "quarterly")],
                value="monthly",
                description="Cadence",
                style={"description_width": "80px", "button_width": "90px"},
            ),
            "profile_upload": upload,
            "export": DownloadButton("KPIs (xlsx)", self._xlsx_file),
        }

    def _show_prospect(self) -> None:
        p = self.profile
        self.prospect_label.value = (
            f'<p style="margin:2px 0">Prospect: <b>{html.escape(p.prospect)}</b>, '
            f"{p.total_fte:,} FTE, {p.growth.hires_per_quarter:g} hires per quarter</p>"
        )

    def show_inputs(self) -> None:
        if self.profile is None:
            self.profile = self._sample = sample_profile()
        self._show_prospect()

    _sample: Profile | None = None

    def answer_key(self) -> str | None:
        """The settings while the sample prospect is shown (see AppShell)."""
        return self.input_key() if self.profile is self._sample is not None else None

    def show_answer(self) -> None:
        self._attach_own_data(self.profile)
        self._recompute()

    def open_profile(self, profile: Profile) -> None:
        """Draft for another prospect, with its own data (if its profile names a folder)."""
        if self.data.attached is not None:
            self.data.drop(f"Detached the data of {self.data.attached.prospect}.")
        self.profile = profile
        self._show_prospect()
        self._attach_own_data(profile)
        self._recompute()

    def _attach_own_data(self, profile: Profile) -> None:
        if self.with_data:
            self.data.attach_profile(profile)

    def _on_setting(self, _change: Any) -> None:
        if self.ready:
            self._recompute()

    @guarded("drafting the KPIs", lambda self: self.status)
    def _recompute(self) -> None:
        from tpo_scoping.kpis import draft_kpis

        attached = self.data.attached
        draft = draft_kpis(
            self.profile,
            attached.needs if attached is not None else None,
            ambition=float(self.controls["ambition"].value),
            cadence=self.controls["cadence"].value,
        )
        self.status.clear()
        self.table.value = kpi_table_html(draft, self.profile.total_fte)
        self.notes.value = "".join(
            f'<p style="color:#445;font-size:12px;margin:2px 0">{html.escape(n)}</p>'
            for n in draft.notes
        )
        self.draft = draft

    def _on_upload(self, change: Any) -> None:
        if not change["new"]:
            return
        profile = profile_from_upload(change["new"], self.upload_message)
        self.controls["profile_upload"].value = ()
        if profile is None:
            return
        self.open_profile(profile)
        self.upload_message.show(f"Loaded {profile.prospect}.", "ok")

    @guarded("preparing the xlsx file", lambda self: self.download_message)
    def _xlsx_file(self) -> Prepared:
        if self.draft is None:
            raise InputError("The KPIs are still being drafted; try again in a moment")
        self.download_message.clear()
        return kpi_workbook(self.draft), f"kpis-{safe_filename(self.profile.prospect)}.xlsx"
