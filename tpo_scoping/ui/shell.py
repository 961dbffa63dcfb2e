"""The frame every app shares: its styles, a status line, and the first answer at the right time.

An app's first answer costs imports and computation. In a kernel Voilà started for the request,
it waits until the page has drawn the app (:class:`PageShown`), so the page appears at once and
fills in; in a kernel from the preheated pool it runs at once, before anyone is waiting. In a
served kernel the answer for the default inputs is kept on disk once computed
(:mod:`tpo_scoping.voila.answer_cache`), and a later cold kernel shows it at launch.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from tpo_scoping.ui.html import APP_CSS, HtmlBlock
from tpo_scoping.ui.messages import POLITE_ERROR, MessageBox
from tpo_scoping.ui.server_log import install_server_log

log = logging.getLogger("tpo_scoping.ui")


def is_preheated() -> bool:
    """True in a kernel Voilà started ahead of any request (the kernel pool)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


class PageShown(anywidget.AnyWidget):  # type: ignore[misc]
    """An invisible widget whose view tells the kernel that the page has drawn the app.

    Its view sends one ``{"event": "shown"}`` message when it renders, which happens only after
    the page has loaded every widget model of the app from the kernel.
    """

    _esm = "export default { render({ model }) { model.send({ event: 'shown' }); } };"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(layout=widgets.Layout(display="none"), **kwargs)
        self.seen = False
        self._callbacks: list[Callable[[], None]] = []
        self.on_msg(self._on_message)

    def when_shown(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the page has shown the app (at once if it already has)."""
        if self.seen:
            callback()
        else:
            self._callbacks.append(callback)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "shown" or self.seen:
            return
        self.seen = True
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


class AppShell(widgets.VBox):
    """Base of every app: the apps' styles, a status line, a ``ready`` flag.

    :meth:`launch` is the last thing an app notebook calls. It puts the first inputs in the
    fields (:meth:`show_inputs`, cheap), then computes the first answer (:meth:`show_answer`)
    at once in a preheated kernel or plain Python, or once the page has drawn the app. The
    page loads the app's widgets by asking the kernel for their state and gives up after four
    seconds (ipywidgets' control-comm timeout); a kernel busy with the first answer at that
    moment would leave the page saying "model not found", so the answer waits for the page.
    ``ready`` turns True, and the container gains the CSS class ``tpo-ready``, once the first
    answer is on screen.
    """

    ready = traitlets.Bool(False)
    activity = "preparing the results"
    """What the app does, in the words of its polite error ("… went wrong while …")."""
    answer_outputs: tuple[str, ...] = ()
    """Attribute paths ("verdict", "data.chip") of the widgets that show the answer; what
    :mod:`tpo_scoping.voila.answer_cache` keeps of a default answer."""

    def __init__(self, children: list[widgets.Widget], **kwargs: Any) -> None:
        self.status = MessageBox()
        self.shown = PageShown()
        super().__init__([HtmlBlock(APP_CSS), *children, self.status, self.shown], **kwargs)
        self.add_class("tpo-app")
        self.controls: dict[str, Any] = getattr(self, "controls", {})
        install_server_log()

    def __repr__(self) -> str:
        # The page embeds each output's plain-text form next to the widget; keep the widget
        # tree (and its styles) out of it.
        return "tpo-scoping app"

    def show_inputs(self) -> None:
        """Put the first inputs in the fields: cheap, before the page fetches the widgets."""

    def show_answer(self) -> None:
        """Compute and show the answer for what the fields hold now."""

    def answer_key(self) -> str | None:
        """The inputs the answer on screen depends on, when they are the app's defaults.

        None (the default) means the answer must not be kept: it came from a visitor's link,
        file or typing, which never reach the disk.
        """
        return None

    def launch(self, deferred: bool | None = None) -> None:
        """Show the first inputs, then the first answer: now, or once the page shows the app.

        A cold kernel with a kept answer for the first inputs shows it now, with the app, and
        computes the answer for real once the page is drawn.
        """
        if deferred is None:
            deferred = not is_preheated()
        if deferred:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                deferred = False  # plain Python (tests): compute now
        try:
            self.show_inputs()
        except Exception:
            self._failed("showing its first inputs")
        if deferred and self._show_kept_answer():
            self.shown.when_shown(self._check_kept_answer)
        elif deferred:
            self.shown.when_shown(self.first_answer)
        else:
            self.first_answer()

    def first_answer(self) -> None:
        """Compute the first answer (once) and mark the app ready, whatever happens."""
        if self.ready:
            return
        try:
            self.show_answer()
        except Exception:
            self._failed(self.activity)
        finally:
            self.mark_ready()

    # -- the answer kept for cold kernels ------------------------------------------------

    def answer_state(self) -> dict[str, dict[str, str]]:
        """What :attr:`answer_outputs` show: each message's text and kind, each block's HTML."""
        state: dict[str, dict[str, str]] = {}
        for path in self.answer_outputs:
            widget = self._widget_at(path)
            if isinstance(widget, MessageBox):
                state[path] = {"kind": widget.kind, "text": widget.text}
            else:
                state[path] = {"value": widget.value}
        return state

    def input_key(self) -> str:
        """The values of :attr:`controls` as canonical text (buttons and uploads left out)."""

        def value(control: Any) -> Any:
            if isinstance(control, Mapping):
                return {name: value(c) for name, c in control.items()}
            if isinstance(control, widgets.Button) or not hasattr(control, "value"):
                return None
            return control.value if not isinstance(control.value, tuple) else None

        values = {name: value(c) for name, c in self.controls.items()}
        return json.dumps(values, sort_keys=True, default=str)

    def _widget_at(self, path: str) -> Any:
        widget: Any = self
        for part in path.split("."):
            widget = getattr(widget, part)
        return widget

    def _keep_answer(self) -> None:
        from tpo_scoping.voila import answer_cache

        key = self.answer_key() if answer_cache.enabled() and not self.status.text else None
        if key is not None:
            answer_cache.store(type(self).__name__, key, self.answer_state())

    def _show_kept_answer(self) -> bool:
        """Put the kept answer for the first inputs in the widgets; False if there is none."""
        from tpo_scoping.voila import answer_cache

        try:
            key = self.answer_key() if answer_cache.enabled() else None
            kept = (
                None
                if key is None
                else answer_cache.load(type(self).__name__, key, like=self.answer_state())
            )
        except Exception:  # an unreadable cache only costs the shortcut
            log.exception("%s could not read its kept answer", type(self).__name__)
            return False
        if kept is None:
            return False
        for path, traits in kept.items():
            widget = self._widget_at(path)
            with widget.hold_trait_notifications():
                for trait, value in traits.items():
                    setattr(widget, trait, value)
        self._show_ready()
        log.info("%s: showed the kept first answer", type(self).__name__)
        return True

    def _check_kept_answer(self) -> None:
        """Compute the answer shown from the cache; keep the new one if it differs."""
        shown = self.answer_state()
        try:
            self.show_answer()
        except Exception:
            self._failed(self.activity)
            return
        if self.answer_state() != shown:
            log.warning("%s: the kept first answer was out of date", type(self).__name__)
            self._keep_answer()

    def _failed(self, activity: str) -> None:
        log.exception("%s failed while %s", type(self).__name__, activity)
        self.status.show(POLITE_ERROR.format(activity=activity))

    def mark_ready(self) -> None:
        """The first answer is on screen: say so to the page, and keep it for cold kernels.

        Apps call it as soon as the answer's text is shown, before slower parts such as charts:
        a visitor may close the page (and Voilà end the kernel) from then on.
        """
        if not self.ready:
            self._show_ready()
            self._keep_answer()

    def _show_ready(self) -> None:
        self.ready = True
        self.add_class("tpo-ready")
