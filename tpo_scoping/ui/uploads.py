"""An upload button that hands files to the kernel and keeps no copy in the page.

ipywidgets' ``FileUpload`` shows how many files it holds ("Upload (1)") and keeps their bytes in
its synchronised state. :class:`UploadButton` shows only its label, or "Reading …" while the
kernel reads what was sent. Its ``value`` has ``FileUpload``'s shape (a tuple of
``{"name", "size", "content"}``) but lives only in the kernel: apps observe it, read it, and
empty it.
"""

from __future__ import annotations

from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from tpo_scoping.ui.html import shared_model

_ESM = """
export default {
  render({ model, el }) {
    const input = document.createElement("input");
    input.type = "file";
    input.style.display = "none";
    const button = document.createElement("button");
    button.className = "jupyter-button widget-button tpo-upload-button";
    const draw = () => {
      const busy = model.get("busy");
      button.textContent = busy ? model.get("busy_label") : model.get("label");
      button.disabled = busy;
      input.accept = model.get("accept");
      input.multiple = model.get("multiple");
    };
    button.addEventListener("click", () => { input.value = ""; input.click(); });
    input.addEventListener("change", async () => {
      const files = Array.from(input.files || []);
      if (!files.length) return;
      const sizes = files.map((f) => f.size);
      const names = files.map((f) => f.name);
      if (sizes.reduce((a, b) => a + b, 0) > model.get("max_bytes")) {
        model.send({ event: "too_big", names, sizes });
        return;
      }
      button.disabled = true;
      button.textContent = model.get("busy_label");
      const buffers = await Promise.all(files.map((f) => f.arrayBuffer()));
      model.send({ event: "files", names, sizes }, undefined, buffers);
    });
    model.on("change:busy", draw);
    draw();
    el.appendChild(input);
    el.appendChild(button);
  },
};
"""

SEND_LIMIT = 48 * 1024 * 1024
"""Largest total the page sends (the server's websocket limit is 64 MiB); apps refuse far less,
with a message naming their own limit."""


class UploadButton(anywidget.AnyWidget):  # type: ignore[misc]
    """A button that opens the file chooser and gives the chosen files to ``value``."""

    _esm = _ESM
    label = traitlets.Unicode("Upload").tag(sync=True)
    busy_label = traitlets.Unicode("Reading…").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)
    max_bytes = traitlets.Int(SEND_LIMIT).tag(sync=True)
    value = traitlets.Tuple()
    """The files as ``FileUpload`` holds them; kernel-side only, never sent to the page."""

    @traitlets.default("layout")
    def _shared_layout(self) -> Any:
        return shared_model(widgets.Layout)

    def __init__(self, description: str, *, accept: str = "", multiple: bool = False) -> None:
        super().__init__(label=description, accept=accept, multiple=multiple)
        self.add_class("tpo-upload")
        self.on_msg(self._on_message)

    @property
    def description(self) -> str:
        return str(self.label)

    def _on_message(self, _widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        names = [str(n) for n in content.get("names", [])][:50]
        sizes = [int(s) for s in content.get("sizes", [])][: len(names)]
        if content.get("event") == "too_big" and len(sizes) == len(names):
            # What the app would refuse anyway: pass the sizes on, without the bytes.
            files = [
                {"name": n, "size": s, "content": b""} for n, s in zip(names, sizes, strict=True)
            ]
        elif content.get("event") == "files" and len(buffers or []) == len(names):
            files = [
                {"name": n, "size": len(b), "content": bytes(b)}
                for n, b in zip(names, buffers, strict=True)
            ]
        else:
            return
        self.busy = True
        try:
            self.value = tuple(files)
        finally:
            self.busy = False
