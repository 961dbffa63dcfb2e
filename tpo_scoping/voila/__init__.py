"""Serving the apps with Voilà: the configuration, the page template and the launcher.

* ``voila.json`` holds every serving setting (sources stripped, no template or theme override
  from the URL, no tracebacks, idle kernels culled, a preheated kernel pool, loopback only, a
  larger websocket message limit for uploads, no file serving, kernels on IPC sockets);
* ``share/voila/templates/tpo`` is the page template: Voilà's ``lab`` template without the
  stylesheets, MathJax and mermaid it would fetch from public CDNs;
* ``share/kernels/python3`` is the app kernel, :mod:`tpo_scoping.voila.kernel`: ipykernel
  without the debugger, the property-testing library and the input history;
* :mod:`tpo_scoping.voila.server` runs standalone Voilà (never the server extension, which lets
  a page execute code) with that configuration, in workbench or public mode.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG_DIR = HERE
"""Folder holding ``voila.json``; Voilà reads it through ``Voila.config_file_paths``."""

SHARE_DIR = HERE / "share"
"""A Jupyter data folder (on ``JUPYTER_PATH``): the ``tpo`` page template and the app kernel."""

TEMPLATE = "tpo"

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest performance-data upload the needs-analysis app accepts (10 MiB)."""

WEBSOCKET_MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""Tornado's websocket limit, raised well above :data:`MAX_UPLOAD_BYTES` so that an oversized
file reaches the app and is refused with a message instead of dropping the connection."""
