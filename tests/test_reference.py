"""Packaged reference data: every file reads the same with libyaml's loader as with PyYAML's."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from tpo_scoping.reference import load_reference, load_yaml

FILES = sorted(
    p.name.removesuffix(".yaml")
    for p in resources.files("tpo_scoping").joinpath("data").iterdir()
    if p.name.endswith(".yaml")
)


def test_the_fast_loader_is_in_use() -> None:
    # The wheels of PyYAML ship libyaml; without it every app kernel reads its reference files
    # about ten times slower before the first widget.
    assert yaml.__with_libyaml__


@pytest.mark.parametrize("name", FILES)
def test_reference_files_read_the_same_with_the_pure_python_loader(name: str) -> None:
    text = resources.files("tpo_scoping").joinpath("data", f"{name}.yaml").read_text("utf-8")
    assert load_reference(name) == yaml.load(text, Loader=yaml.SafeLoader)


def test_load_yaml_builds_no_objects() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['true']")
