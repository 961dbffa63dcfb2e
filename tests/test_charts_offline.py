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
                  "cdn": "cdn.jsdelivr" in alt.JupyterChart._esm}))
"""


def _probe(cache: Path) -> dict:
    env = {"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin", "HOME": str(cache)}
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
