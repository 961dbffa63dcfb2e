"""Packaged reference data: one loader for every data file shipped in ``tpo_scoping/data``.

Reference data is data: default costs, benchmarks and the compliance catalogue live in YAML
files, each value with a source or the word "assumption" and a rationale.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, libyaml's C build when PyYAML has it (the wheels do).

It reads the same documents to the same values about ten times faster than the pure-Python
loader, which an app kernel otherwise spends on the reference files before its first widget.
"""


def load_yaml(text: str) -> Any:
    """Parse one YAML document with the safe loader (plain Python values, no objects).

    >>> load_yaml("a: 1\\nb: [x, y]")
    {'a': 1, 'b': ['x', 'y']}
    """
    return yaml.load(text, Loader=SafeLoader)


@cache
def load_reference(name: str) -> dict[str, Any]:
    """Load ``tpo_scoping/data/<name>.yaml`` (cached; treat the result as read-only).

    Examples
    --------
    >>> catalogue = load_reference("compliance_catalogue")
    >>> "healthcare" in catalogue["domains"]
    True
    """
    text = resources.files("tpo_scoping").joinpath("data", f"{name}.yaml").read_text("utf-8")
    data = load_yaml(text)
    if not isinstance(data, dict):  # pragma: no cover - packaging error
        raise RuntimeError(f"reference file {name}.yaml is not a mapping")
    return data
