"""altair chart builders, separate from the analyses.

Every builder takes a plain result object and returns an ``alt.Chart`` (or layered/concatenated
chart); nothing here computes an analysis. Charts must stay under altair's 5,000-row limit:
aggregate before charting. Rendering is offline everywhere:

* in notebooks and Voilà, :func:`enable_offline` switches altair to the anywidget-based
  ``jupyter`` renderer with the vega bundle served locally (no CDN);
* in the HTML brief, :func:`to_svg` renders server-side with vl-convert (no JavaScript at all).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PALETTE = {
    "tpo": "#1f6f8b",
    "catalog_licensing": "#e07a5f",
    "custom_course_development": "#81b29a",
    "internal_ld": "#f2cc8f",
    "lms_only": "#6d597a",
    "adhoc_vendor": "#9c9c9c",
}
"""One colour per engagement option, used consistently across charts."""

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"


def theme() -> Any:
    """The workbench's altair theme: readable fonts, no chart border."""
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": True, "gridOpacity": 0.4},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "title": {"fontSize": 15, "anchor": "start"},
        }
    }


SERVED_BUNDLE_ENV = "TPO_SCOPING_CHART_BUNDLE"
"""Set by ``tpo-scoping serve`` for its kernels: the bundle's route under Voilà's server URL."""


def enable_offline() -> None:
    """Render altair charts in Jupyter/Voilà without any network access.

    Uses altair's anywidget-based ``jupyter`` renderer in offline mode, which serves the vega
    JavaScript from the installed packages instead of a CDN. Building that bundle starts
    vl-convert's JavaScript engine, which costs about 100 MB and a few seconds per kernel, so the
    bundle is built once and cached on disk (see :func:`offline_bundle`); later kernels read the
    file and never load vl-convert.

    Under ``tpo-scoping serve`` the server hands the bundle out itself (see
    :func:`served_bundle_loader`), so each chart widget carries a three-line loader instead of
    the 0.9 MB bundle, and the browser fetches, caches and evaluates the bundle once per page
    however many charts the page shows. Anywhere else (JupyterLab, exported notebooks) the
    bundle travels inline in the widget, as altair's offline mode ships it.
    """
    import altair as alt

    jupyter_chart = alt.JupyterChart
    if not getattr(jupyter_chart, "_is_offline", False):
        served = os.environ.get(SERVED_BUNDLE_ENV)
        if served:
            server_url = os.environ.get("VOILA_SERVER_URL") or "/"
            jupyter_chart._esm = served_bundle_loader(server_url.rstrip("/") + "/" + served)
        else:
            jupyter_chart._esm = offline_bundle()
        jupyter_chart._is_offline = True
    alt.renderers.enable("jupyter", offline=True)
    _register_theme()


def warm_up() -> None:
    """Pay altair's one-off costs now: its import, the offline renderer, the schema validator.

    The first ``to_dict()`` in a process builds the vega-lite schema validator (about 0.1 s on
    top of importing altair). The apps call this in a background thread while their page loads,
    so their first chart does not wait for it.
    """
    import altair as alt
    import pandas as pd

    enable_offline()
    alt.Chart(pd.DataFrame({"x": [0.0]})).mark_point().encode(x="x:Q").to_dict()


def served_bundle_loader(url: str) -> str:
    """An ES module that renders charts with the bundle at ``url`` (resolved against the page).

    anywidget imports only absolute ``http(s)`` addresses by itself; this loader resolves a
    server-relative path against the page's own address, so it works behind a reverse proxy
    with a path prefix, and the browser's module map shares one evaluation between charts.
    The loader starts the download at once but waits for it only inside ``render``: anywidget
    gives a model two seconds to initialise, which a 0.9 MB download on a busy server can
    exceed, while rendering has no deadline.

    >>> '"/tpo-assets/x.js"' in served_bundle_loader("/tpo-assets/x.js")
    True
    """
    import json

    return (
        f"const bundle = import(new URL({json.dumps(url)}, document.baseURI).href);\n"
        "export default {\n"
        "  async render(context) { return (await bundle).default.render(context); },\n"
        "};\n"
    )


def bundle_path() -> Path:
    """Where the offline bundle for the installed altair and vl-convert versions is cached.

    The cache lives in ``$XDG_CACHE_HOME/tpo-scoping`` (default ``~/.cache/tpo-scoping``) and is
    keyed by the altair and vl-convert versions, so an upgrade rebuilds it.
    """
    from importlib.metadata import version

    from tpo_scoping.serialize import cache_dir

    key = f"altair-{version('altair')}-vlc-{version('vl-convert-python')}"
    return cache_dir() / f"jupyterchart-offline-{key}.js"


def offline_bundle() -> str:
    """altair's JupyterChart JavaScript with vega bundled in, cached per installed version.

    Cached at :func:`bundle_path`. It holds only JavaScript from the installed packages, never
    user data. Written atomically, so concurrent kernels never read half a file.
    """
    path = bundle_path()
    try:
        return path.read_text("utf-8")
    except OSError:
        pass
    bundle = _build_offline_bundle()
    try:
        from tpo_scoping.serialize import write_atomic

        write_atomic(path, bundle)
    except OSError:  # a read-only home still renders, only slower
        pass
    return bundle


def _build_offline_bundle() -> str:
    import altair as alt

    saved = (alt.JupyterChart._esm, getattr(alt.JupyterChart, "_is_offline", False))
    alt.JupyterChart._is_offline = False
    try:
        alt.JupyterChart.enable_offline(offline=True)
        return str(alt.JupyterChart._esm)
    finally:
        alt.JupyterChart._esm, alt.JupyterChart._is_offline = saved


def _register_theme() -> None:
    import altair as alt

    if "tpo_scoping" not in alt.theme.names():
        alt.theme.register("tpo_scoping", enable=True)(theme)
    else:
        alt.theme.enable("tpo_scoping")


def to_svg(chart: Any) -> str:
    """Render a chart to a standalone SVG string with vl-convert (no browser, no network)."""
    import vl_convert as vlc

    _register_theme()
    return str(vlc.vegalite_to_svg(chart.to_dict(), vl_version=_vl_version()))


def _vl_version() -> str:
    import altair as alt

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return f"v{major_minor.replace('.', '_')}"
