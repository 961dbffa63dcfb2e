"""Wording every output shares: each sample's whole scope (JSON) and brief (HTML) follow the
workbench's formatters, wherever a sentence was built.

A percentage is written ``30 %`` (:func:`tpo_scoping.labels.pct`); an acronym keeps its
capitals when a sentence is joined to another. (Column and field names such as ``hire_date``
do appear, on purpose, in the KPI definitions' formulas and data sources.)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import SAMPLES
from tpo_scoping.scope import build_scope

PERCENT_WITHOUT_SPACE = re.compile(r"\d%")
LOWERED_ACRONYM = re.compile(r"\b[a-z][A-Z]{2,}\b")  # "tPO": a capital lowered by a join


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


@pytest.fixture(
    scope="module",
    params=[("growing_healthcare", None), ("not_ready", dt.date(2026, 6, 30))],
)
def scope(request: pytest.FixtureRequest) -> Any:
    """Two samples; on the second's data of June a KPI is detectable, so the bonus and credit
    clauses name their shares of the fee."""
    key, as_of = request.param
    return build_scope(SAMPLES / key / "profile.yaml", as_of=as_of, simulations=200)


def test_percentages_have_a_space_and_acronyms_their_capitals(scope: Any) -> None:
    texts = list(_strings(scope.to_dict()))
    assert len(texts) > 200  # the sentences are there to check
    assert [t for t in texts if PERCENT_WITHOUT_SPACE.search(t)] == []
    assert [t for t in texts if LOWERED_ACRONYM.search(t)] == []


def test_the_brief_reads_the_same_way(scope: Any) -> None:
    """The brief's text (its charts' axes, drawn by vega, keep their compact ticks)."""
    from tpo_scoping.report.html import render_html

    text = re.sub(r"<(style|script|svg)[^>]*>.*?</\1>", " ", render_html(scope), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    assert PERCENT_WITHOUT_SPACE.findall(text) == []
    assert LOWERED_ACRONYM.findall(text) == []
