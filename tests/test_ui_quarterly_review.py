"""The quarterly review app, driven through its controls without a browser: it shows the same
rows as the review document, follows the picked quarter and engagement, and downloads."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from tests.conftest import SAMPLES
from tpo_scoping.engagement import review
from tpo_scoping.presentation import engagement as p
from tpo_scoping.ui.quarterly_review import LATEST, QuarterlyReview

ENGAGEMENTS = SAMPLES / "engagements"


@pytest.fixture(scope="module")
def app() -> QuarterlyReview:
    app = QuarterlyReview(ENGAGEMENTS)
    app.launch()
    return app


def test_opens_on_the_latest_quarter_of_the_sample(app: QuarterlyReview) -> None:
    assert app.ready and app.status.text == ""
    engagement = app.controls["engagement"]
    assert engagement.value == str(ENGAGEMENTS / "growing_healthcare")
    assert "Example Health Services" in engagement.label
    assert [v for _, v in app.controls["quarter"].options] == [
        LATEST,
        "2026Q3",
        "2026Q2",
        "2026Q1",
        "2025Q4",
    ]
    assert app.result.latest.period.label == "2026Q3"
    assert p.headline(app.result, app.result.latest).replace("'", "&#x27;") in app.headline.value
    for row in p.status_rows(app.result.latest):
        assert row["Actual"] in app.status_table.value
    assert "Productivity" in app.next_steps.value and "behind" in app.next_steps.value
    assert app.chart.widget is not None


def test_picking_a_quarter_reviews_that_quarter(app: QuarterlyReview) -> None:
    app.controls["quarter"].value = "2026Q1"
    assert app.result.latest.period.label == "2026Q1"
    expected = review(ENGAGEMENTS / "growing_healthcare", "2026Q1", with_attribution=False)
    assert [k.measurement for k in app.result.latest.kpis] == [
        k.measurement for k in expected.latest.kpis
    ]
    assert "Evidence for 2026Q1" in app.incentives.value
    assert "2026Q2" not in app.plan.value
    app.controls["quarter"].value = LATEST
    assert app.result.latest.period.label == "2026Q3"


def test_downloads_the_review_and_the_portfolio(app: QuarterlyReview) -> None:
    name, data = app.controls["review_html"].click()
    assert app.download_message.text == ""
    assert name == "review-example-health-services-2026Q3.html"
    html = data.decode("utf-8")
    assert "Quarterly business review · 2026Q3" in html and "default-src 'none'" in html
    _name, data = app.controls["review_xlsx"].click()
    assert "KPI status" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    _name, data = app.controls["portfolio_csv"].click()
    assert data.decode("utf-8").splitlines()[1].startswith('"Example Health Services"')
    _name, data = app.controls["portfolio_xlsx"].click()
    assert openpyxl.load_workbook(io.BytesIO(data)).worksheets
    assert "Example Health Services" in app.portfolio.value


def test_switching_engagements_and_an_unreadable_one(tmp_path: Path) -> None:
    root = tmp_path / "engagements"
    shutil.copytree(ENGAGEMENTS / "growing_healthcare", root / "a")
    shutil.copytree(ENGAGEMENTS / "growing_healthcare", root / "b")
    for name in ("engagement.yaml", "profile.yaml"):
        data = yaml.safe_load((root / "b" / name).read_text())
        data["prospect"] = "Zeta <Support> & Co"
        (root / "b" / name).write_text(yaml.safe_dump(data))
    shutil.rmtree(root / "b" / "data" / "2026Q3")
    (root / "c").mkdir()
    (root / "c" / "engagement.yaml").write_text("schema_version: 9\n")
    app = QuarterlyReview(root)
    app.launch()
    labels = [label for label, _ in app.controls["engagement"].options]
    assert labels[0].startswith("Example Health Services")
    assert labels[1].startswith("Zeta <Support> & Co") and labels[2] == "c (cannot be read)"
    app.controls["engagement"].value = str(root / "b")
    assert app.result.engagement.prospect == "Zeta <Support> & Co"
    assert app.result.latest.period.label == "2026Q2"
    assert "Zeta &lt;Support&gt; &amp; Co" in app.portfolio.value
    assert "<Support>" not in app.portfolio.value
    app.controls["engagement"].value = str(root / "c")
    assert app.status.text.startswith("c/profile.yaml: missing")
    assert str(tmp_path) not in app.status.text and "Traceback" not in app.status.text
