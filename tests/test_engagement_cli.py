"""``track`` and ``portfolio`` on the sample engagement: the JSON keys the README documents, the
quarterly business review (self-contained HTML, PDF, xlsx), the chart's spec, and the portfolio
worst first with CSV and xlsx exports safe for a spreadsheet."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SAMPLES

ENGAGEMENT = SAMPLES / "engagements" / "growing_healthcare"


@pytest.fixture(scope="module")
def result():
    from tpo_scoping.engagement import track

    return track(ENGAGEMENT)


def test_json_has_the_documented_keys(cli) -> None:
    out = cli("track", ENGAGEMENT, "--format", "json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    for key in ("kpis", "credits", "bonuses", "plan_vs_actual", "attribution"):
        assert key in data
    row_keys = {
        "key",
        "period",
        "baseline",
        "target",
        "milestone",
        "actual",
        "ci_low",
        "ci_high",
        "status",
        "value_delivered",
    }
    assert all(row_keys <= set(r) for r in data["kpis"])
    assert data["periods"] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## After the signature", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"\w+", section.split("JSON (", 1)[1]))
    assert row_keys | {"credits", "bonuses", "plan_vs_actual", "attribution"} <= documented


def test_quarter_option_tracks_to_that_quarter(cli) -> None:
    out = cli("track", ENGAGEMENT, "--quarter", "2026Q1", "--format", "json")
    data = json.loads(out.out)
    assert data["periods"] == ["2025Q4", "2026Q1"] and data["as_of"] == "2026-03-31"


def test_table_leads_with_the_headline(cli) -> None:
    out = cli("track", ENGAGEMENT)
    assert out.code == 0
    lines = out.out.splitlines()
    assert lines[1].startswith("2026Q3: 1 behind")
    assert "Productivity behind" in lines[1] and "service credits owed USD" in lines[1]
    assert "Not proof of cause" in out.out


def test_html_review_is_self_contained(cli, tmp_path: Path) -> None:
    target = tmp_path / "qbr.html"
    out = cli("track", ENGAGEMENT, "--format", "html", "--out", target)
    assert out.code == 0, out.err
    html = target.read_text("utf-8")
    assert "default-src 'none'" in html and "<svg" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<script" not in html
    assert "Quarterly business review · 2026Q3" in html
    for section in ("Bonuses and service credits", "Plan against reality", "What to do next"):
        assert section in html


def test_the_same_rows_in_the_review_and_the_terminal(result) -> None:
    from tpo_scoping.presentation.engagement import status_rows, tracking_text
    from tpo_scoping.report.qbr import render_html

    html = render_html(result)
    text = tracking_text(result)
    for row in status_rows(result.latest):
        for column in ("Actual", "95 % interval", "Status"):
            assert row[column].replace("'", "&#39;") in html
            assert row[column] in text


def test_xlsx_review_has_every_table(cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "qbr.xlsx"
    assert cli("track", ENGAGEMENT, "--format", "xlsx", "--out", target).code == 0
    book = load_workbook(io.BytesIO(target.read_bytes()))
    assert book.sheetnames == [
        "KPI status",
        "Credits and bonuses",
        "Evidence",
        "Rules",
        "Plan vs actual",
        "Attribution",
    ]
    status = book["KPI status"]
    assert status.max_row == 1 + 4 * 8  # four quarters of eight KPIs
    assert all(c.data_type != "f" for row in book["Rules"].iter_rows() for c in row)


@pytest.mark.slow
def test_pdf_review(cli, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed")
    target = tmp_path / "qbr.pdf"
    out = cli("track", ENGAGEMENT, "--format", "pdf", "--out", target)
    assert out.code == 0, out.err
    assert target.read_bytes()[:5] == b"%PDF-"


def test_chart_spec_draws_each_kpi_against_its_milestones(result) -> None:
    from tpo_scoping.charts.engagement import kpi_frames, kpi_tracking_chart

    spec = kpi_tracking_chart(result).to_dict()
    layers = spec["spec"]["layer"]
    assert layers[0]["mark"]["interpolate"] == "step-after"
    assert [layer["mark"]["type"] for layer in layers] == ["line", "rule", "point"]
    paths, actuals = kpi_frames(result)
    assert paths["kpi"].nunique() == len(result.engagement.kpis.kpis)
    coverage = actuals[actuals["kpi"] == "Compliance certification coverage (%)"]
    measured = [q.kpi("compliance_coverage").measurement.value * 100 for q in result.quarters]
    assert coverage["value"].tolist() == pytest.approx(measured)


def _second_engagement(tmp_path: Path, prospect: str) -> Path:
    folder = tmp_path / "book" / "second"
    shutil.copytree(ENGAGEMENT, folder)
    for name in ("engagement.yaml", "profile.yaml"):
        data = yaml.safe_load((folder / name).read_text())
        data["prospect"] = prospect
        (folder / name).write_text(yaml.safe_dump(data))
    table = json.loads((folder / "kpis.json").read_text())
    for kpi in table["kpis"]:
        if kpi["key"] == "productivity":
            kpi["detectable"] = False  # signed as reported only: nothing behind
    (folder / "kpis.json").write_text(json.dumps(table))
    shutil.copytree(ENGAGEMENT, tmp_path / "book" / "first")
    return tmp_path / "book"


@pytest.mark.slow
def test_portfolio_lists_worst_first_and_exports_safely(cli, tmp_path: Path) -> None:
    book = _second_engagement(tmp_path, "=HYPERLINK(1)")
    data = json.loads(cli("portfolio", book, "--format", "json").out)
    rows = data["engagements"]
    assert [r["prospect"] for r in rows] == ["Example Health Services", "=HYPERLINK(1)"]
    assert rows[0]["status_counts"]["behind"] == 1 and rows[1]["status_counts"]["behind"] == 0
    assert rows[1]["credits_owed"] == 0
    csv_out = cli("portfolio", book, "--format", "csv")
    assert csv_out.code == 0
    assert '"\'=HYPERLINK(1)"' in csv_out.out and '"=HYPERLINK' not in csv_out.out
    target = tmp_path / "portfolio.xlsx"
    assert cli("portfolio", book, "--format", "xlsx", "--out", target).code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(target)["Portfolio"]
    assert sheet.cell(row=3, column=1).value == "'=HYPERLINK(1)"
    assert sheet.cell(row=3, column=1).data_type == "s"
    table = cli("portfolio", book)
    assert table.out.index("Example Health Services") < table.out.index("=HYPERLINK(1)")


def test_portfolio_without_engagements(cli, tmp_path: Path) -> None:
    out = cli("portfolio", tmp_path)
    assert out.code == 2 and "no signed engagement" in out.err
