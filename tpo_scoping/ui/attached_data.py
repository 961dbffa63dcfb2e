"""Performance data belongs to one prospect, and the page says which.

:class:`AttachedData` is the data the apps use for the prospect on screen: where it came from
(the profile's own data folder, or files uploaded in this session), its rows and as-of date, and
its needs analysis. :class:`DataChip` shows it next to the prospect's name with a one-click
"Detach", and an upload button to attach data. An app that changes prospect (a new one, another
name or other sites) detaches the data and says so, so one prospect's data never reaches
another's brief.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.ui.html import HtmlBlock, button, row, shared_model
from tpo_scoping.ui.messages import MessageBox, guarded, input_error_text
from tpo_scoping.ui.uploads import UploadButton

if TYPE_CHECKING:
    from tpo_scoping.needs import NeedsResult
    from tpo_scoping.profile import Profile

ACCEPTED = (".xlsx", ".csv")


@dataclass(frozen=True)
class AttachedData:
    """A prospect's performance data and its needs analysis (without the impact models)."""

    prospect: str
    files: tuple[str, ...]
    rows: int
    needs: NeedsResult
    path: str | None = None
    """The server folder or workbook it was read from; None for files uploaded in the page."""

    @property
    def as_of(self) -> dt.date:
        return self.needs.as_of

    def describe(self) -> str:
        """One line for the chip: which files, how many rows, as of when."""
        names = ", ".join(self.files[:4]) + (
            f" and {len(self.files) - 4} more" if len(self.files) > 4 else ""
        )
        return f"{names}: {self.rows:,} rows, as of {self.as_of:%d %b %Y}"


def _check_size(total: int, limit: int) -> None:
    if total > limit:
        raise InputError(
            f"The upload is {total / 1_048_576:.1f} MB; the limit is "
            f"{limit / 1_048_576:.0f} MB. Send a smaller extract (recent months, or fewer tables)."
        )


def check_upload(files: Mapping[str, bytes], limit: int) -> None:
    """Refuse empty, oversized or unsupported uploads with a clear message."""
    if not files:
        raise InputError("Choose an .xlsx workbook or one or more .csv files")
    _check_size(sum(len(b) for b in files.values()), limit)
    for name in files:
        if not name.lower().endswith(ACCEPTED):
            raise InputError(f"{name}: only .xlsx workbooks and .csv files are accepted")


def upload_files(value: Any, limit: int) -> dict[str, bytes]:
    """``{file name: bytes}`` from an upload button's value, refused when the files' declared
    sizes add up past ``limit`` (the page does not send files that large)."""
    items = list(value or ())
    _check_size(sum(int(item.get("size") or 0) for item in items), limit)
    return {str(item["name"]): bytes(item["content"]) for item in items}


def _analysed(
    data: Any, profile: Profile | None, prospect: str, files: tuple[str, ...], path: str | None
) -> AttachedData:
    from tpo_scoping.needs import analyse_needs

    needs = analyse_needs(data, profile=profile, with_impact=False)
    rows = sum(needs.quality.rows_read.values())
    return AttachedData(prospect, files, rows, needs, path)


def attach_profile_data(profile: Profile) -> AttachedData | None:
    """The data the profile points at (``data.path``), analysed; None when it names none.

    Raises :class:`InputError` when the files cannot be used.
    """
    if profile.data is None or not profile.data.path:
        return None
    from tpo_scoping.ingest import load_performance_data

    path = Path(profile.data.path)
    data = load_performance_data(path, profile.data.mapping or None)
    files = (
        tuple(sorted(p.name for p in path.iterdir() if p.is_file()))
        if path.is_dir()
        else (path.name,)
    )
    return _analysed(data, profile, profile.prospect, files, str(path))


def attach_uploaded_data(
    files: Mapping[str, bytes], prospect: str, limit: int, profile: Profile | None = None
) -> AttachedData:
    """Uploaded files, read in memory and analysed for ``prospect``."""
    from tpo_scoping.ingest import load_performance_data

    check_upload(files, limit)
    data = load_performance_data(dict(files), max_bytes=limit)
    return _analysed(data, profile, prospect, tuple(sorted(files)), None)


class DataChip(widgets.VBox):
    """Which performance data is attached to the prospect, with Detach and Attach.

    ``attached`` holds the :class:`AttachedData` in use, or None. When the user detaches or
    attaches data, ``on_change`` is called (the app recomputes); the app's own calls
    (:meth:`attach_profile`, :meth:`drop`) call nothing. ``can_attach=False`` leaves the
    upload button out (an app whose data comes only with the prospect's profile).
    """

    attached = traitlets.Any(None, allow_none=True)

    def __init__(
        self,
        *,
        prospect: Callable[[], str],
        on_change: Callable[[], None],
        max_bytes: int,
        can_attach: bool = True,
    ) -> None:
        self._prospect = prospect
        self._on_change = on_change
        self.max_bytes = max_bytes
        self.chip = HtmlBlock()
        self.chip.add_class("tpo-data-chip")
        self.detach = button("Detach", "stop using this data for this prospect")
        # Every widget in the kernel is fetched by the page, shown or not: create only what shows.
        self.upload = (
            UploadButton("Attach data", accept=",".join(ACCEPTED), multiple=True)
            if can_attach
            else None
        )
        self.message = MessageBox()
        super().__init__(
            [
                row(
                    [self.chip, self.detach, *([self.upload] if self.upload else [])],
                    align_items="center",
                ),
                self.message,
            ],
            layout=shared_model(widgets.Layout),
        )
        self.add_class("tpo-data")
        self.detach.on_click(lambda _b: self._user_detached())
        if self.upload is not None:
            self.upload.observe(self._on_upload, names="value")
        self._draw()

    @traitlets.observe("attached")
    def _draw(self, _change: Any = None) -> None:
        data: AttachedData | None = self.attached
        if data is None:
            self.chip.value = (
                '<span class="tpo-chip tpo-chip-none">No performance data attached: KPI '
                "baselines are the packaged defaults</span>"
            )
            return
        self.chip.value = (
            f'<span class="tpo-chip">Data attached for <b>{html.escape(data.prospect)}</b>: '
            f"{html.escape(data.describe())}</span>"
        )

    def drop(self, why: str) -> None:
        """Detach the data (if any) and say why."""
        if self.attached is None:
            return
        self.message.show(why, "info")  # the reason first: it is on screen when the chip changes
        self.attached = None

    def attach_profile(self, profile: Profile) -> None:
        """Attach the data the profile names, or say why it cannot be used."""
        try:
            attached = attach_profile_data(profile)
        except InputError as exc:
            self.message.show(
                "The profile's performance data could not be used: " + input_error_text(exc),
                "warning",
            )
            return
        if attached is not None:
            self.attached = attached
            self.message.clear()

    def _user_detached(self) -> None:
        if self.attached is None:
            self.message.show("No performance data is attached.", "info")
            return
        self.drop(f"Detached the data of {self.attached.prospect}.")
        self._on_change()

    @guarded("reading the uploaded data", lambda self: self.message)
    def _on_upload(self, change: Mapping[str, Any]) -> None:
        if not change["new"]:
            return
        assert self.upload is not None  # only an upload button calls this
        self.upload.value = ()  # drop the widget's copy of the bytes at once
        files = upload_files(change["new"], self.max_bytes)
        self.message.show("Reading the data…", "info")
        prospect = self._prospect()
        self.attached = attach_uploaded_data(files, prospect, self.max_bytes)
        self.message.show(f"Attached {', '.join(sorted(files))} to {prospect}.", "ok")
        self._on_change()
