"""Packaged reference data: one loader for every data file shipped in ``tpo_scoping/data``.

Reference data is data: default costs, benchmarks and the compliance catalogue live in YAML
files, each value with a source or the word "assumption" and a rationale.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


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
    data = yaml.safe_load(text)
    if not isinstance(data, dict):  # pragma: no cover - packaging error
        raise RuntimeError(f"reference file {name}.yaml is not a mapping")
    return data
