"""Run standalone Voilà on the apps with the workbench's configuration.

Two modes:

* **workbench** (default): every notebook in the apps folder, reachable under
  ``/voila/render/<name>.ipynb``; ``/`` redirects to the landing page ``index.ipynb``. Voilà's
  file tree and contents API are not mounted, so only the notebooks themselves are reachable.
* **public**: the public break-even calculator alone. Voilà serves one notebook for every path,
  so there is no tree, no other notebook and no file to reach; only the page assets are served.

Standalone Voilà accepts only widget (comm) messages from a page, never code to execute; the
server-extension mode does not filter them, which is why this launcher never uses it.

On top of Voilà the server

* admits pages through :class:`tpo_scoping.voila.admission.Admission` (a cap on kernels, a rate
  per client address; past them a polite page with 503 or 429 and ``Retry-After``, and no
  kernel);
* answers only requests whose ``Host`` names it (loopback names, the address it is bound to,
  and ``--allowed-host`` names), so that a web page elsewhere cannot reach a workbench on
  localhost through DNS rebinding;
* closes connections that are slow to send their request (:data:`HEADER_TIMEOUT_SECONDS`,
  :data:`BODY_TIMEOUT_SECONDS`) and refuses request bodies above :data:`MAX_BODY_BYTES`
  (uploads travel over the websocket, not in a request body);
* with ``trust_proxy_headers``, reads the client address from the reverse proxy's
  ``X-Real-IP``/``X-Forwarded-For`` (only when every request comes through that proxy).
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
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

PUBLIC_CULL_IDLE_SECONDS = 90
"""Idle kernels of the public calculator are culled after 90 s (15 minutes in workbench mode).

"Idle" means no page connected and nothing running: a visitor who closed the tab (when the
page's own shutdown request did not arrive), lost the connection, or fetched the page without
running it. A visitor reading the answer keeps a connection open and is never culled."""

PUBLIC_CULL_INTERVAL_SECONDS = 20
"""How often public mode looks for idle kernels: one is reclaimed at most 110 s after it
went idle."""

PUBLIC_KERNELS_PER_CORE = 6
"""Default cap of the public calculator: kernels per CPU core (see the README's capacity)."""

WORKBENCH_KERNELS_PER_CORE = 12
"""Default cap of the workbench: sales engineers' sessions are long and mostly idle."""

PUBLIC_PAGES_PER_ADDRESS_PER_MINUTE = 10
"""Default rate of new calculator pages per client address (0 in workbench mode: no limit)."""

HEADER_TIMEOUT_SECONDS = 15
"""A connection must send its request line and headers within this (and may idle this long
between requests)."""

BODY_TIMEOUT_SECONDS = 30
"""A request body must arrive within this."""

MAX_BODY_BYTES = 1024 * 1024
"""Largest request body: the login form and the page-close shutdown request are tiny."""

PUBLIC_NICENESS = 10
"""CPU priority the public calculator gives up (``nice``): under contention the workbench's
kernels, at the default priority, get about nine tenths of the CPU."""

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def default_max_kernels(public: bool, cores: int | None = None) -> int:
    """The default cap on kernels for one server: per core, by mode.

    Examples
    --------
    >>> default_max_kernels(True, cores=2), default_max_kernels(False, cores=2)
    (12, 24)
    """
    cores = cores or os.cpu_count() or 1
    return cores * (PUBLIC_KERNELS_PER_CORE if public else WORKBENCH_KERNELS_PER_CORE)


def voila_argv(
    apps_dir: str | Path,
    *,
    port: int = 8866,
    public: bool = False,
    token: str | None = None,
    ip: str = "127.0.0.1",
    pool_size: int | None = None,
    log_level: str = "INFO",
    max_kernels: int | None = None,
    pages_per_address_per_minute: int | None = None,
    trust_proxy_headers: bool = False,
    allowed_hosts: Sequence[str] = (),
) -> list[str]:
    """Command-line arguments for :class:`WorkbenchVoila`, on top of ``voila.json``.

    ``max_kernels`` and ``pages_per_address_per_minute`` default by mode
    (:func:`default_max_kernels`, :data:`PUBLIC_PAGES_PER_ADDRESS_PER_MINUTE`); 0 turns either
    off.

    Examples
    --------
    >>> argv = voila_argv("apps", port=9000, public=True)
    >>> argv[0].endswith("breakeven.ipynb"), "--port=9000" in argv
    (True, True)
    """
    apps = Path(apps_dir).resolve()
    target = apps / PUBLIC_NOTEBOOK if public else apps
    argv = [str(target), f"--port={port}", f"--Voila.ip={ip}", f"--Voila.log_level={log_level}"]
    if max_kernels is None:
        max_kernels = default_max_kernels(public)
    if pages_per_address_per_minute is None:
        pages_per_address_per_minute = PUBLIC_PAGES_PER_ADDRESS_PER_MINUTE if public else 0
    argv += [
        f"--WorkbenchVoila.max_kernels={max_kernels}",
        f"--WorkbenchVoila.pages_per_address_per_minute={pages_per_address_per_minute}",
        f"--WorkbenchVoila.trust_proxy_headers={trust_proxy_headers}",
    ]
    argv += [f"--WorkbenchVoila.allowed_hosts={host}" for host in allowed_hosts]
    if public:
        # Public visitors leave tabs open and walk away: reclaim their kernels sooner.
        argv.append(f"--MappingKernelManager.cull_idle_timeout={PUBLIC_CULL_IDLE_SECONDS}")
        argv.append(f"--MappingKernelManager.cull_interval={PUBLIC_CULL_INTERVAL_SECONDS}")
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
    from traitlets import Bool, Int, List, Unicode, default
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
        """Voilà reading only the packaged ``voila.json``; a landing page instead of the tree;
        pages admitted by capacity; requests checked for their host and their pace."""

        max_kernels = Int(0, config=True, help="Most kernels this server runs (0: no cap).")
        pages_per_address_per_minute = Int(
            0, config=True, help="Most new pages per client address a minute (0: no limit)."
        )
        trust_proxy_headers = Bool(
            False, config=True, help="Read the client address from the proxy's X-Real-IP."
        )
        allowed_hosts = List(
            Unicode(), config=True, help="Host names the server answers to, besides loopback."
        )

        def initialize(self, argv: Any = None) -> None:
            from tpo_scoping.voila.admission import Admission, capped_kernel_manager

            super().initialize(argv)
            self.log.addFilter(_quiet_trust_warning)
            self.tpo_admission = Admission(
                max_kernels=self.max_kernels,
                per_address_per_minute=self.pages_per_address_per_minute,
            )
            # Voilà builds its (pooling) kernel manager on this class, in init_settings.
            self.voila_configuration.multi_kernel_manager_class = capped_kernel_manager(
                self.voila_configuration.multi_kernel_manager_class
            )

        def init_settings(self) -> dict[str, Any]:
            settings = dict(super().init_settings())
            settings["tpo_allowed_hosts"] = allowed_host_names(self.ip, self.allowed_hosts)
            settings["tpo_admission"] = self.tpo_admission
            return settings

        def listen(self) -> None:
            # Voilà calls app.listen(port, ip); these reach tornado's HTTPServer.
            self.app.listen = functools.partial(
                self.app.listen,
                xheaders=self.trust_proxy_headers,
                idle_connection_timeout=HEADER_TIMEOUT_SECONDS,
                body_timeout=BODY_TIMEOUT_SECONDS,
                max_body_size=MAX_BODY_BYTES,
            )
            super().listen()

        @default("config_file_paths")
        def _config_file_paths_default(self) -> list[str]:
            # Only the packaged file: a stray voila.json in the working directory or in a
            # Jupyter config folder must not loosen the serving settings.
            return [str(CONFIG_DIR)]

        def init_handlers(self) -> list[Any]:
            return [_host_checked(h) for h in self._routes()]

        def _routes(self) -> list[Any]:
            root = self.server_url
            handlers = [_admitted(_with_page_close_shutdown(h)) for h in super().init_handlers()]
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


def allowed_host_names(ip: str, extra: Sequence[str] = ()) -> frozenset[str] | None:
    """The names a request's ``Host`` may give: loopback, the bound address (unless it is the
    wildcard), and ``extra``; ``None`` when ``extra`` holds ``*`` (any host: a proxy in front
    checks it).

    Examples
    --------
    >>> sorted(allowed_host_names("127.0.0.1", ["calc.example.com"]))
    ['127.0.0.1', '::1', 'calc.example.com', 'localhost']
    >>> allowed_host_names("0.0.0.0", ["*"]) is None
    True
    """
    names = {name.strip().lower().rstrip(".") for name in extra if name.strip()}
    if "*" in names:
        return None
    names |= set(LOOPBACK_HOSTS)
    with contextlib.suppress(ValueError):
        if not ipaddress.ip_address(ip).is_unspecified:
            names.add(str(ipaddress.ip_address(ip)))
    return frozenset(names)


def host_is_allowed(host_header: str, allowed: frozenset[str] | None) -> bool:
    """Whether a request's ``Host`` header names this server (port ignored).

    Examples
    --------
    >>> allowed = allowed_host_names("127.0.0.1")
    >>> [host_is_allowed(h, allowed) for h in ("localhost:8866", "[::1]:80", "evil.test:8866")]
    [True, True, False]
    """
    if allowed is None:
        return True
    from tornado.httputil import split_host_and_port

    host, _port = split_host_and_port(host_header.strip().lower())
    host = host.strip("[]").rstrip(".")
    with contextlib.suppress(ValueError):
        host = str(ipaddress.ip_address(host))
    return host in allowed


def _host_checked(spec: Any) -> Any:
    """The handler of a route, refusing requests whose ``Host`` does not name this server."""
    if not (isinstance(spec, tuple) and len(spec) >= 2 and isinstance(spec[1], type)):
        return spec
    from tornado.web import HTTPError

    class HostChecked(spec[1]):  # type: ignore[misc,valid-type]
        def prepare(self, *args: Any, **kwargs: Any) -> Any:
            if not host_is_allowed(self.request.host, self.settings.get("tpo_allowed_hosts")):
                logging.getLogger("tpo_scoping.voila").warning(
                    "refused a request for host %r (not one of this server's names; see"
                    " --allowed-host)",
                    self.request.host[:100],
                )
                raise HTTPError(403, "unknown host")
            return super().prepare(*args, **kwargs)

    HostChecked.__name__ = HostChecked.__qualname__ = spec[1].__name__
    return (spec[0], HostChecked, *spec[2:])


def _admitted(spec: Any) -> Any:
    """Voilà's page handler, asking the server's admission before a page starts a kernel."""
    if not (isinstance(spec, tuple) and len(spec) >= 2):
        return spec
    from tornado.web import authenticated
    from voila.tornado.handler import TornadoVoilaHandler

    if spec[1] is not TornadoVoilaHandler:
        return spec

    class AdmittedVoilaHandler(TornadoVoilaHandler):  # type: ignore[misc]
        @authenticated  # type: ignore[misc]
        async def get(self, path: Any = None) -> None:
            from tpo_scoping.voila.admission import busy_page

            admission = self.settings["tpo_admission"]
            decision = admission.admit(
                self.request.remote_ip or "", len(self.kernel_manager.list_kernel_ids())
            )
            if not decision.admitted:
                logging.getLogger("tpo_scoping.voila").warning(
                    "refused a page (%s, %s): %s",
                    decision.status,
                    self.request.remote_ip,
                    decision.reason,
                )
                self.set_status(decision.status)
                self.set_header("Retry-After", str(decision.retry_after))
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.set_header(
                    "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"
                )
                self.finish(busy_page(decision))
                return
            await super().get(path=path)

    return (spec[0], AdmittedVoilaHandler, *spec[2:])


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
