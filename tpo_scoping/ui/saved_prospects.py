"""Open and save prospects in the server's workspace (see :mod:`tpo_scoping.workspace`).

The scoping calculator saves the prospect on screen as a new version; it, the KPI drafter and the
needs app open a saved prospect's newest version. Without a workspace (public mode, notebooks,
tests without one) the bar is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
from ipywidgets.widgets.widget_description import DescriptionStyle

from tpo_scoping.ui.html import button, row, shared_model
from tpo_scoping.ui.messages import MessageBox, guarded

if TYPE_CHECKING:
    from tpo_scoping.profile import Profile
    from tpo_scoping.workspace import Workspace

NONE_SAVED = "(no saved prospect yet)"


class SavedProspects(widgets.VBox):
    """A list of saved prospects with Open (and Save, when the app can describe a profile)."""

    def __init__(
        self,
        workspace: Workspace | None,
        on_open: Callable[[Profile], None],
        current: Callable[[], Profile] | None = None,
    ) -> None:
        self.workspace = workspace
        self.on_open = on_open
        self.current = current
        self.choice = widgets.Dropdown(
            options=[NONE_SAVED],
            description="Saved",
            layout=shared_model(widgets.Layout, width="min(260px, 100%)"),
            style=shared_model(DescriptionStyle, description_width="50px"),
        )
        self.open_button = button("Open")
        self.save_button = button("Save as new version")
        self.message = MessageBox()
        buttons = [self.choice, self.open_button]
        if current is not None:
            buttons.append(self.save_button)
        shown = [row(buttons), self.message] if workspace is not None else []
        super().__init__(shown, layout=shared_model(widgets.Layout))
        self.add_class("tpo-saved")
        if workspace is None:  # nothing to show, nothing for the page to fetch
            return
        self.open_button.on_click(lambda _b: self.open_selected())
        self.save_button.on_click(lambda _b: self.save_current())
        self.refresh_list()

    def refresh_list(self, select: str | None = None) -> None:
        if self.workspace is None:
            return
        names = self.workspace.prospects()
        self.choice.options = names or [NONE_SAVED]
        if select in names:
            self.choice.value = select

    @guarded("opening the saved prospect", lambda self: self.message)
    def open_selected(self) -> None:
        if self.workspace is None or self.choice.value in (None, NONE_SAVED):
            self.message.show("Choose a saved prospect first.", "info")
            return
        name = str(self.choice.value)
        versions = self.workspace.versions(name)
        profile = self.workspace.load(name)
        self.on_open(profile)
        self.message.show(f"Opened {name}, {versions[-1].describe()}.", "ok")

    @guarded("saving the prospect", lambda self: self.message)
    def save_current(self) -> Any:
        if self.workspace is None or self.current is None:
            return None
        profile = self.current()
        saved = self.workspace.save(profile)
        self.refresh_list(select=profile.prospect)
        data = "" if profile.data is not None else " (without uploaded performance data)"
        self.message.show(f"Saved {profile.prospect} as {saved.describe()}{data}.", "ok")
        return saved
