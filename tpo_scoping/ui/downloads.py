"""One-click downloads built in memory: a button that says when it is preparing the file.

:class:`DownloadButton` runs its ``prepare`` callback when clicked, shows "Preparing …" while
the kernel builds the file, then hands the bytes to the page, which saves them under the given
name. No link is left behind, so an old file can never be downloaded by mistake, and nothing is
written to the server's disk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from tpo_scoping.ui.html import shared_model

MIME = {
    "html": "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "yaml": "application/x-yaml",
    "csv": "text/csv",
}


def safe_filename(text: str, default: str = "prospect") -> str:
    """A file-name stem made of letters, digits and dashes.

    Examples
    --------
    >>> safe_filename("Example Health Services, Inc.")
    'example-health-services-inc'
    """
    stem = "".join(c.lower() if c.isalnum() else "-" for c in text)
    stem = "-".join(part for part in stem.split("-") if part)[:60]
    return stem or default


_ESM = """
export default {
  render({ model, el }) {
    const button = document.createElement("button");
    button.className = "jupyter-button widget-button tpo-download-button";
    const draw = () => {
      const busy = model.get("preparing");
      button.textContent = busy ? model.get("busy_label") : model.get("label");
      button.disabled = busy;
      button.classList.toggle("tpo-preparing", busy);
    };
    button.addEventListener("click", () => model.send({ event: "click" }));
    model.on("change:preparing", draw);
    model.on("change:label", draw);
    model.on("msg:custom", (msg, buffers) => {
      if (!msg || msg.event !== "file") return;
      const url = URL.createObjectURL(new Blob(buffers, { type: msg.mime }));
      const link = document.createElement("a");
      link.href = url;
      link.download = msg.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    });
    draw();
    el.appendChild(button);
  },
};
"""

Prepared = tuple[bytes, str] | None
"""What a ``prepare`` callback returns: the file's bytes and name, or None when it explained
in the page why there is no file."""


class DownloadButton(anywidget.AnyWidget):  # type: ignore[misc]
    """A button that prepares a file on click and downloads it at once.

    ``prepare`` returns ``(bytes, file name)``, or None after explaining the problem in the
    page (apps wrap it in :func:`~tpo_scoping.ui.messages.guarded`). :attr:`last_file` keeps the
    last file handed to the page, for tests.
    """

    _esm = _ESM
    label = traitlets.Unicode("Download").tag(sync=True)
    busy_label = traitlets.Unicode("Preparing…").tag(sync=True)
    preparing = traitlets.Bool(False).tag(sync=True)

    @traitlets.default("layout")
    def _shared_layout(self) -> Any:
        return shared_model(widgets.Layout)

    def __init__(self, label: str, prepare: Callable[[], Prepared], **kwargs: Any) -> None:
        super().__init__(label=label, busy_label=f"Preparing {_noun(label)}…", **kwargs)
        self.add_class("tpo-download")
        self.prepare = prepare
        self.last_file: tuple[str, bytes] | None = None
        self.on_msg(self._on_message)

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "click":
            self.click()

    def click(self) -> tuple[str, bytes] | None:
        """Prepare the file and hand it to the page; the file, or None if there was none."""
        if self.preparing:
            return None
        self.preparing = True
        try:
            prepared = self.prepare()
        finally:
            self.preparing = False
        if prepared is None:
            return None
        data, name = prepared
        mime = MIME.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
        self.last_file = (name, data)
        self.send({"event": "file", "name": name, "mime": mime}, buffers=[data])
        return self.last_file


def _noun(label: str) -> str:
    """'Brief (PDF)' -> 'the brief (PDF)'; the words a busy button uses."""
    text = label.removeprefix("Download ").strip()
    return "the " + text[:1].lower() + text[1:] if text else "the file"
