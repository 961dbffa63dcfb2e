"""Inside an app's kernel, the detail of a failure goes to the server's log, never to the page."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any


def _server_stream() -> Any:
    """The kernel process's real stderr, bypassing ipykernel's capture (which feeds the page)."""
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(fd, int):
        try:
            return os.fdopen(os.dup(fd), "w", buffering=1)
        except OSError:  # pragma: no cover - exotic kernels
            pass
    return sys.__stderr__


def install_server_log() -> None:
    """Inside a kernel, send ``tpo_scoping`` log records to the server log (once).

    Outside a kernel (tests, scripts) logging is left alone.
    """
    if not type(sys.stderr).__module__.startswith("ipykernel"):
        return
    root = logging.getLogger("tpo_scoping")
    if any(getattr(h, "_tpo_server_log", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(_server_stream())
    handler.setFormatter(logging.Formatter("[tpo_scoping] %(levelname)s %(name)s: %(message)s"))
    handler._tpo_server_log = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
