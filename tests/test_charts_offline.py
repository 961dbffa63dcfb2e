"""Offline chart rendering: the vega bundle is built once, then read from the cache."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """
import json, sys
from tpo_scoping.charts import enable_offline
enable_offline()
import altair as alt
print(json.dumps({"offline": alt.JupyterChart._is_offline, "size": len(alt.JupyterChart._esm),
                  "vl_convert_loaded": "vl_convert" in sys.modules,
                  "cdn": "cdn.jsdelivr" in alt.JupyterChart._esm,
                  "esm": alt.JupyterChart._esm[:300]}))
"""


def _probe(cache: Path, **extra: str) -> dict:
    env = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(cache), **extra}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_bundle_is_built_once_then_read_from_the_cache(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    assert first["offline"] and first["vl_convert_loaded"]
    cached = list((tmp_path / "tpo-scoping").glob("jupyterchart-offline-*.js"))
    assert len(cached) == 1
    second = _probe(tmp_path)
    assert second["offline"]
    assert not second["vl_convert_loaded"], "a cached bundle must not start vl-convert"
    assert second["size"] == first["size"] == len(cached[0].read_text("utf-8"))
    assert not first["cdn"]


def test_under_the_workbench_server_charts_load_the_served_bundle(tmp_path: Path) -> None:
    """With the server's variable set, a chart carries a loader, not the 0.9 MB bundle."""
    got = _probe(
        tmp_path,
        TPO_SCOPING_CHART_BUNDLE="tpo-assets/bundle.js",
        VOILA_SERVER_URL="/prefix/",
    )
    assert got["offline"] and not got["cdn"]
    assert got["size"] < 300
    assert '"/prefix/tpo-assets/bundle.js"' in got["esm"]
    assert not got["vl_convert_loaded"]
