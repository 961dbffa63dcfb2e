"""Open and save prospects in the server's workspace (see :mod:`tpo_scoping.workspace`).

The scoping calculator saves the prospect on screen as a new version; it, the KPI drafter and the
needs app open a saved prospect's newest version. Without a workspace (public mode, notebooks,
tests without one) the bar is not shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from tpo_scoping.ui.html import shared_model
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
            options=[NONE_SAVED], description="Saved", layout={"width": "260px"}
        )
        self.choice.style.description_width = "50px"
        self.open_button = widgets.Button(
            description="Open",
            layout=shared_model(widgets.Layout, width="auto", margin="2px"),
            style=shared_model(widgets.ButtonStyle),
        )
        self.save_button = widgets.Button(
            description="Save as new version",
            layout=shared_model(widgets.Layout, width="auto", margin="2px"),
            style=shared_model(widgets.ButtonStyle),
        )
        self.message = MessageBox()
        buttons = [self.choice, self.open_button]
        if current is not None:
            buttons.append(self.save_button)
        super().__init__(
            [widgets.HBox(buttons, layout=widgets.Layout(flex_flow="row wrap")), self.message]
        )
        self.add_class("tpo-saved")
        if workspace is None:
            self.layout.display = "none"
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
