"""Run standalone Voilà on the apps with the workbench's configuration.

Two modes:

* **workbench** (default): every notebook in the apps folder, reachable under
  ``/voila/render/<name>.ipynb``; ``/`` redirects to the landing page ``index.ipynb``. Voilà's
  file tree and contents API are not mounted, so only the notebooks themselves are reachable.
* **public**: the public break-even calculator alone. Voilà serves one notebook for every path,
  so there is no tree, no other notebook and no file to reach; only the page assets are served.

Standalone Voilà accepts only widget (comm) messages from a page, never code to execute; the
server-extension mode does not filter them, which is why this launcher never uses it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tpo_scoping.voila import CONFIG_DIR, SHARE_DIR

PUBLIC_NOTEBOOK = "breakeven.ipynb"
"""The notebook public mode serves."""

LANDING_NOTEBOOK = "index.ipynb"

ASSET_ROUTE = "tpo-assets"
"""Where the server hands out the offline chart bundle (the only file it serves itself)."""

PUBLIC_CULL_IDLE_SECONDS = 300
"""Idle kernels of the public calculator are culled after 5 minutes (15 in workbench mode)."""


def voila_argv(
    apps_dir: str | Path,
    *,
    port: int = 8866,
    public: bool = False,
    token: str | None = None,
    ip: str = "127.0.0.1",
    pool_size: int | None = None,
    log_level: str = "INFO",
) -> list[str]:
    """Command-line arguments for :class:`WorkbenchVoila`, on top of ``voila.json``.

    Examples
    --------
    >>> argv = voila_argv("apps", port=9000, public=True)
    >>> argv[0].endswith("breakeven.ipynb"), "--port=9000" in argv
    (True, True)
    """
    apps = Path(apps_dir).resolve()
    target = apps / PUBLIC_NOTEBOOK if public else apps
    argv = [str(target), f"--port={port}", f"--Voila.ip={ip}", f"--Voila.log_level={log_level}"]
    if public:
        # Public visitors leave tabs open and walk away: reclaim their kernels sooner.
        argv.append(f"--MappingKernelManager.cull_idle_timeout={PUBLIC_CULL_IDLE_SECONDS}")
    if token is not None:
        argv.append(f"--token={token}")
    if pool_size is not None:
        if pool_size <= 0:
            argv.append("--VoilaConfiguration.preheat_kernel=False")
        else:
            argv.append(f"--VoilaConfiguration.default_pool_size={pool_size}")
    return argv


def _prepend_jupyter_path() -> None:
    """Make the ``tpo`` template and the app kernel findable (Voilà looks on ``JUPYTER_PATH``)."""
    current = os.environ.get("JUPYTER_PATH", "")
    parts = [p for p in current.split(os.pathsep) if p]
    if str(SHARE_DIR) not in parts:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(SHARE_DIR), *parts])


def make_app_class() -> Any:
    """The Voilà application class with the workbench's routes (imports Voilà lazily)."""
    from tornado.web import RedirectHandler, StaticFileHandler
    from traitlets import default
    from voila.app import Voila

    try:
        from jupyter_server.utils import url_path_join
    except ImportError:  # pragma: no cover - jupyter_server is a dependency
        from voila.utils import url_path_join  # type: ignore[no-redef]

    class ChartBundleHandler(StaticFileHandler):  # type: ignore[misc]
        """The cached chart bundle, by its versioned file name and nothing else.

        JavaScript from the installed altair and vl-convert packages only, never data, so it is
        served without the token, like Voilà's own static files. The name changes with the
        package versions, so browsers may keep it for a day.
        """

        def set_default_headers(self) -> None:
            for name, value in self.settings.get("headers", {}).items():
                self.set_header(name, value)

        def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
            return 86_400

    class WorkbenchVoila(Voila):  # type: ignore[misc]
        """Voilà reading only the packaged ``voila.json``; a landing page instead of the tree."""

        def initialize(self, argv: Any = None) -> None:
            super().initialize(argv)
            self.log.addFilter(_quiet_trust_warning)

        @default("config_file_paths")
        def _config_file_paths_default(self) -> list[str]:
            # Only the packaged file: a stray voila.json in the working directory or in a
            # Jupyter config folder must not loosen the serving settings.
            return [str(CONFIG_DIR)]

        def init_handlers(self) -> list[Any]:
            root = self.server_url
            handlers = [_with_page_close_shutdown(h) for h in super().init_handlers()]
            from tpo_scoping.charts import bundle_path

            bundle = bundle_path()
            handlers.insert(
                0,
                (
                    url_path_join(root, ASSET_ROUTE, f"({re.escape(bundle.name)})"),
                    ChartBundleHandler,
                    {"path": str(bundle.parent)},
                ),
            )
            if self.notebook_path:
                # Public mode: Voilà would send any other path to its (refused) file handler;
                # send it to the calculator instead, keeping the link's query string.
                catch_all = url_path_join(self.server_url, r"/(.*)")
                at = next(i for i, h in enumerate(handlers) if h[0] == catch_all)
                handlers.insert(
                    at,
                    (
                        url_path_join(self.server_url, r"/(.+)"),
                        RedirectHandler,
                        {"url": root, "permanent": False},
                    ),
                )
                return handlers
            hidden = (
                url_path_join(root, "/voila/tree"),
                url_path_join(root, "/voila/api/contents"),
            )
            kept = [h for h in handlers if h[0] != root and not h[0].startswith(hidden)]
            landing = url_path_join(self.base_url, "voila/render", LANDING_NOTEBOOK)
            kept.insert(0, (root, RedirectHandler, {"url": landing}))
            return kept

    return WorkbenchVoila


def _quiet_trust_warning(record: logging.LogRecord) -> bool:
    """Drop jupyter_server's "Notebook ... is not trusted" warning (one per page visit).

    Trust decides whether a notebook's *stored* outputs may run scripts. The apps are kept
    without outputs and Voilà executes them afresh for each visitor, so the warning never
    means anything here, and an operator reading the log would take it for a problem.
    """
    return record.msg != "Notebook %s is not trusted"


def _with_page_close_shutdown(handler: Any) -> Any:
    """Let the page's ``beforeunload`` request actually shut its kernel down.

    Voilà's page posts to ``/voila/api/shutdown/<kernel id>`` without an ``_xsrf`` token, so
    jupyter_server refuses it (voila issue #1458) and the kernel of a closed tab lives on until
    the idle cull. The handler is swapped for one that skips the XSRF check: the kernel id is an
    unguessable UUID known only to the page that owns it, and authentication (the token, when
    one is set) still applies.
    """
    if not (isinstance(handler, tuple) and len(handler) >= 2):
        return handler
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    if handler[1] is not VoilaShutdownKernelHandler:
        return handler

    class PageCloseShutdownHandler(VoilaShutdownKernelHandler):  # type: ignore[misc]
        def check_xsrf_cookie(self) -> None:
            return None

    return (handler[0], PageCloseShutdownHandler, *handler[2:])


def warm_chart_bundle() -> None:
    """Build the cached offline chart bundle before the first kernel needs it.

    Done in a short-lived subprocess so that the server itself never holds vl-convert's
    JavaScript engine; a failure only means the first kernel builds it instead.
    """
    import contextlib
    import subprocess
    import sys

    code = "from tpo_scoping.charts import offline_bundle; offline_bundle()"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run([sys.executable, "-c", code], timeout=300, check=False)


def serve(argv: Sequence[str]) -> None:
    """Start the server in this process (blocks until interrupted)."""
    from tpo_scoping.charts import SERVED_BUNDLE_ENV, bundle_path
    from tpo_scoping.voila.answer_cache import SERVED_ENV

    _prepend_jupyter_path()
    os.environ[SERVED_ENV] = "1"  # the kernels may keep and show default first answers
    warm_chart_bundle()
    bundle = bundle_path()
    if bundle.is_file():
        # Kernels inherit the server's environment: their charts load the bundle from here.
        os.environ[SERVED_BUNDLE_ENV] = f"{ASSET_ROUTE}/{bundle.name}"
    app_class = make_app_class()
    app_class.launch_instance(argv=list(argv))
