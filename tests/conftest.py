"""Shared fixtures: paths to the repo and sample prospects, and an in-process CLI runner.

Property-based tests run derandomized by default (the ``repeatable`` Hypothesis profile): the
same examples on every machine, so ``make test`` passes or fails the same way everywhere.
``HYPOTHESIS_PROFILE=explore`` draws fresh random examples to hunt for new failures; a failure
found that way becomes an ``@example`` on its test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from tpo_scoping.cli import main

settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
SAMPLE_KEYS = sorted(p.name for p in SAMPLES.iterdir() if (p / "profile.yaml").exists())


def upload_value(name: str, content: bytes, kind: str = "") -> tuple[dict[str, Any], ...]:
    """What ipywidgets' FileUpload holds after a person picks one file."""
    return (
        {
            "name": name,
            "type": kind,
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        },
    )


@dataclasses.dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run ``tpo-scoping ARGS`` in-process; returns exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture(params=SAMPLE_KEYS)
def sample_key(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last.

    They share one Playwright session for the whole run, and Playwright's synchronous API keeps
    an event loop on the main thread while it is open, which other tests' own asyncio use must
    not meet.
    """
    browser_dir = ROOT / "tests" / "browser"
    items.sort(key=lambda item: Path(str(item.fspath)).is_relative_to(browser_dir))
