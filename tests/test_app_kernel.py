"""The kernel the served apps run in: found by Voilà, and without what a page never uses."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

from tpo_scoping.voila import SHARE_DIR
from tpo_scoping.voila.kernel import LEFT_OUT
from tpo_scoping.voila.processes import kernel_processes
from tpo_scoping.voila.server import _prepend_jupyter_path

PROBE = """
import importlib, json, sys
import ipywidgets, pandera.pandas as pa, pandas as pd
left_out = {}
for name in %r:
    try:
        importlib.import_module(name)
        left_out[name] = False
    except ImportError:
        left_out[name] = True
schema = pa.DataFrameSchema({"fte": pa.Column(int, pa.Check.ge(0))})
try:
    schema.validate(pd.DataFrame({"fte": [-1]}))
    refused = False
except pa.errors.SchemaError:
    refused = True
print(json.dumps({
    "left_out": left_out,
    "pydevd": "pydevd" in sys.modules,
    "history": get_ipython().history_manager.enabled,
    "validation_refuses": refused,
}))
"""


@pytest.fixture
def served_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("JUPYTER_PATH", os.environ.get("JUPYTER_PATH", ""))
    _prepend_jupyter_path()
    yield


def test_voila_finds_the_app_kernel_on_the_served_path(served_path: None) -> None:
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.resource_dir == str(SHARE_DIR / "kernels" / "python3")
    assert spec.argv[:3] == ["python", "-m", "tpo_scoping.voila.kernel"]
    assert "{connection_file}" in spec.argv


def test_app_kernel_leaves_out_debugger_hypothesis_history_numpy_tools(served_path: None) -> None:
    manager, client = start_new_kernel(kernel_name="python3", startup_timeout=120)
    try:
        # The process watchers (browser tests, benchmarks, operators) count it as a kernel.
        pid = manager.provisioner.process.pid
        assert pid in [p.pid for p in kernel_processes(os.getpid())]
        lines: list[str] = []
        reply = client.execute_interactive(
            PROBE % (LEFT_OUT,),
            timeout=120,
            output_hook=lambda msg: (
                lines.append(msg["content"].get("text", ""))
                if msg["msg_type"] == "stream"
                else None
            ),
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        report = json.loads("".join(lines))
        assert report["left_out"] == dict.fromkeys(LEFT_OUT, True)
        assert report["pydevd"] is False
        assert report["history"] is False
        assert report["validation_refuses"] is True  # pandera still validates without hypothesis
        # numpy's test and f2py tools were imported by scipy but not run until used.
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
