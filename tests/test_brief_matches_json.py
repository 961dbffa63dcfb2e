"""Every figure the brief prints is the figure of the JSON (``tpo-scoping scope --format json``),
read here from the JSON and formatted independently of the brief's code."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from bs4 import BeautifulSoup

from tests.conftest import SAMPLES
from tpo_scoping.cli import main
from tpo_scoping.labels import kpi_level, money, option_label

SAMPLE = SAMPLES / "growing_healthcare" / "profile.yaml"


def _run(*args: object) -> str:
    """``tpo-scoping ARGS`` in-process; its standard output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main([str(a) for a in args]) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def brief_and_json(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    html_path = tmp_path_factory.mktemp("brief") / "brief.html"
    args = ("scope", SAMPLE, "--simulations", "300", "--seed", "2")
    _run(*args, "--format", "html", "--out", html_path)
    data = json.loads(_run(*args, "--format", "json"))
    return BeautifulSoup(html_path.read_text("utf-8"), "html.parser"), data


def _table_after(soup: BeautifulSoup, first_header: str) -> list[dict[str, str]]:
    """The rows of the first table whose first header cell reads ``first_header``."""
    for table in soup.find_all("table"):
        headers = [th.get_text(strip=True) for th in table.find_all("th")]
        if headers and headers[0] == first_header:
            rows = []
            for tr in table.find_all("tr")[1:]:
                if "note" in (tr.get("class") or []):  # a row's note, under it
                    continue
                cells = [td.get_text(strip=True) for td in tr.find_all("td")]
                if cells:
                    rows.append(dict(zip(headers, cells, strict=True)))
            return rows
    raise AssertionError(f"no table starting with {first_header!r}")


def test_the_verdict_and_its_headline(brief_and_json) -> None:  # type: ignore[no-untyped-def]
    soup, data = brief_and_json
    assert soup.select_one(".verdict .headline").get_text(strip=True) == data["fit"]["headline"]
    reasons = [li.get_text(strip=True) for li in soup.select("ul.reasons li")]
    assert reasons == data["fit"]["reasons"]


def test_the_options_table_is_the_json_options(brief_and_json) -> None:  # type: ignore[no-untyped-def]
    soup, data = brief_and_json
    rows = _table_after(soup, "Option")
    options = data["break_even"]["options"]
    today = data["break_even"]["current_practice_costs"]
    # Every option, and today's practice when it is none of them (manager walkthroughs).
    assert len(rows) == len(options) + (today["key"] not in options)
    by_label = {option_label(k): v for k, v in options.items()} | {today["label"]: today}
    for row in rows:
        label = row["Option"].removesuffix(" (today)")
        o = by_label[label]
        assert row["Cash"] == money(o["cash_cost"])
        assert row["Imputed"] == money(o["imputed_cost"])
        assert row["Total"] == money(o["total_cost"])
        assert row["Per FTE per month"] == money(o["monthly_cost_per_fte"])
    cheapest = min([*options.values(), today], key=lambda o: o["total_cost"])
    assert rows[0]["Total"] == money(cheapest["total_cost"])


def test_the_conservative_view_is_the_json_views(brief_and_json) -> None:  # type: ignore[no-untyped-def]
    soup, data = brief_and_json
    rows = _table_after(soup, "Imputed cost counted")
    views = data["break_even"]["conservative"]
    assert [r["Imputed cost counted"] for r in rows] == [
        f"{100 * v['imputed_share']:.0f} %" for v in views
    ]
    for row, view in zip(rows, views, strict=True):
        assert row["TPO total"] == money(view["tpo_total"])
        assert row["Cheapest option"] == option_label(view["cheapest_option"])


def test_compliance_figures_are_the_analysis_rows(brief_and_json) -> None:  # type: ignore[no-untyped-def]
    soup, data = brief_and_json
    compliance = [r for r in data["needs"]["compliance"] if r["module"] == "all"]
    tables = [t for t in soup.find_all("table") if "Coverage" in t.get_text()]
    assert tables, "the brief shows compliance coverage"
    cells = [
        [td.get_text(strip=True) for td in tr.find_all("td")] for tr in tables[0].find_all("tr")
    ]
    cells = [c for c in cells if c]
    by_site = {c[0]: c for c in cells}
    for r in compliance:
        site = "whole team" if r["site"] == "all" else r["site"]
        row = by_site[site]
        expiring = r["expiring_30"] + r["expiring_60"] + r["expiring_90"]
        valid = r["current"] + expiring
        assert row[1] == f"{r['required']:,}"
        assert row[2] == f"{valid:,}"
        assert row[3] == f"{expiring:,}"
        assert row[4] == f"{r['overdue']:,}" and row[5] == f"{r['never_completed']:,}"
        assert row[-1] == f"{100 * r['coverage']:.1f} %"  # one coverage definition


def test_the_kpi_table_is_the_json_kpis(brief_and_json) -> None:  # type: ignore[no-untyped-def]
    soup, data = brief_and_json
    rows = _table_after(soup, "KPI")
    assert [r["KPI"] for r in rows] == [k["name"] for k in data["kpis"]]
    for row, k in zip(rows, data["kpis"], strict=True):
        assert row["Baseline"] == kpi_level(k["baseline"], k["unit"])
        assert row["Target (day 365)"] == kpi_level(k["target"], k["unit"])
        assert row["Measurable?"] == k["measurability"]
        day90 = next(m["value"] for m in k["milestones"] if m["day"] == 90)
        assert row["Day 90"] == kpi_level(day90, k["unit"])
    notes = [tr.get_text(strip=True) for tr in soup.select("tr.note")]
    assert notes == [k["detectability_note"] for k in data["kpis"]]


def test_key_figures_are_the_json_figures(brief_and_json) -> None:  # type: ignore[no-untyped-def]
    soup, data = brief_and_json
    figures = {
        div.select_one(".k").get_text(strip=True): div.select_one(".v").get_text(strip=True)
        for div in soup.select(".numbers > div")
    }
    be = data["break_even"]
    assert figures["offshore FTE today"] == str(data["total_fte"])
    tpo, catalog = be["options"]["tpo"], be["options"]["catalog_licensing"]
    extra = tpo["cash_cost"] - catalog["cash_cost"]
    label = next(k for k in figures if k.startswith("TPO's extra cash cost") or "cash saving" in k)
    assert figures[label] == money(abs(extra), short=True)
    assert figures["chance TPO is cheaper in total (simulated)"] == (
        f"{100 * be['probability_tpo_cheaper']:.0f} %"
    )
