"""Hostile text a user supplied is escaped in HTML and neutralised in spreadsheets.

A prospect name, site names and data values carry script tags, event handlers and spreadsheet
formulas. The HTML brief must show them as text; the xlsx and CSV exports must never let a cell
start a formula (OWASP CSV injection).
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

import pandas as pd
import pytest

from tpo_scoping.profile import Profile

HOSTILE_NAME = "<script>alert(1)</script><img src=x onerror=alert(1)>"
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.handlers += [f"{tag}.{n}" for n, _ in attrs if n.startswith("on")]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def hostile_scope() -> Any:
    from tpo_scoping.scope import build_scope

    profile = Profile.model_validate(
        {
            "prospect": HOSTILE_NAME,
            "sites": [
                {"country": "PH", "fte": 30, "name": FORMULAS[0]},
                {"country": "CO", "fte": 12, "name": "<img src=x onerror=alert(2)>"},
            ],
            "growth": {"hires_per_quarter": 6, "annual_attrition": 0.3},
            "compliance_domains": ["healthcare"],
        }
    )
    return build_scope(profile, None, None, simulations=0)


def test_html_brief_escapes_user_text(hostile_scope: Any) -> None:
    from tpo_scoping.report import render_html

    page = render_html(hostile_scope)
    parser = Tags()
    parser.feed(page)
    assert "img" not in parser.tags
    assert parser.handlers == [], f"event handlers in the brief: {parser.handlers}"
    # Script tags, if the template has any of its own, must not come from the prospect's name.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert HOSTILE_NAME in "".join(parser.text), "the name must still be shown, as text"


def test_xlsx_brief_neutralises_formulas(hostile_scope: Any) -> None:
    from openpyxl import load_workbook

    from tpo_scoping.report import render_xlsx

    book = load_workbook(io.BytesIO(render_xlsx(hostile_scope)))
    seen = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), cell.value
                    seen.append(cell.value)
    assert any(HOSTILE_NAME in v for v in seen), "the prospect name must be in the workbook"


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_and_frames_neutralise_every_formula_prefix(text: str) -> None:
    from tpo_scoping.report import safe_csv, safe_frame

    frame = pd.DataFrame({"site": [text, "Manila"], text: [1.5, -2.0]})
    out = safe_frame(frame)
    assert not str(out.columns[1]).startswith(FORMULA_START)
    assert not out["site" if "site" in out else out.columns[0]].iloc[0].startswith(FORMULA_START)
    assert out.iloc[:, 1].tolist() == [1.5, -2.0], "numbers must stay numbers"
    reread = pd.read_csv(io.StringIO(safe_csv(frame)), dtype=str, keep_default_na=False)
    for value in [*reread.columns, *reread.to_numpy().ravel()]:
        if value not in ("1.5", "-2.0"):
            assert not str(value).startswith(FORMULA_START), value


def test_kpi_xlsx_from_the_app_neutralises_formulas() -> None:
    from openpyxl import load_workbook

    from tpo_scoping.kpis import draft_kpis
    from tpo_scoping.ui.kpi_table import kpi_workbook

    profile = Profile.model_validate(
        {"prospect": FORMULAS[0], "sites": [{"country": "PH", "fte": 20, "name": FORMULAS[3]}]}
    )
    book = load_workbook(io.BytesIO(kpi_workbook(draft_kpis(profile))))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), cell.value


def test_download_file_names_are_data_never_markup() -> None:
    """The page sets a download's name as a property of a link it makes itself, never as HTML;
    names built from a prospect's name are reduced to letters, digits and dashes."""
    from tpo_scoping.ui.downloads import DownloadButton, safe_filename

    sent: list[dict] = []
    button = DownloadButton("File", lambda: (b"x", f"{safe_filename(HOSTILE_NAME)}.csv"))
    button.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    button.click()
    assert sent[0]["name"] == "script-alert-1-script-img-src-x-onerror-alert-1.csv"
    assert "innerHTML" not in button._esm and "link.download = msg.name" in button._esm
