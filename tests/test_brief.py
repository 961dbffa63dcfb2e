"""The engagement brief: hostile text stays inert in HTML and xlsx; no network; PDF prints."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.needs_fixtures import gap, needs_with
from tpo_scoping.profile import parse_profile
from tpo_scoping.report import kpis_to_xlsx, render_html, render_xlsx, safe_csv, spreadsheet_safe
from tpo_scoping.scope import build_scope

HOSTILE_PROFILE = """
prospect: "<script>alert(1)</script>"
sites:
  - {country: PH, fte: 60, name: '=HYPERLINK("http://x","y")'}
  - {country: CO, fte: 20, name: "<img src=x onerror=alert(2)>"}
growth: {hires_per_quarter: 15, annual_attrition: 0.3}
compliance_domains: [healthcare]
readiness: {kpis_defined: true, processes_stable: true}
notes: "+cmd|' /C calc'!A0"
"""

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)"
)


@pytest.fixture(scope="module")
def hostile_scope():
    profile = parse_profile(HOSTILE_PROFILE)
    hostile_needs = needs_with([gap("=cmd()", "<b>x</b>", -12.0, 0.001)])
    return build_scope(profile, simulations=0, needs=hostile_needs)


def test_spreadsheet_safe_neutralises_formula_prefixes() -> None:
    for text in ("=1+1", "+1+1", "-1-cmd", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1"):
        assert spreadsheet_safe(text) == "'" + text
    # A formatted figure can only be read as a number: it stays as the screen shows it.
    for text in ("-1", "+1.5", "-$1,200", "-3.2 %", "+$482k"):
        assert spreadsheet_safe(text) == text
    assert spreadsheet_safe("Manila") == "Manila"
    assert spreadsheet_safe(-3) == -3 and spreadsheet_safe(0.5) == 0.5
    import pandas as pd

    csv = safe_csv(pd.DataFrame({"site": ["=HYPERLINK(1)", "ok"], "fte": [-1, 2]}))
    assert "'=HYPERLINK" in csv and ",-1" in csv  # numbers stay numbers


def test_html_brief_escapes_prospect_text(hostile_scope) -> None:
    html = render_html(hostile_scope)
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "onerror" not in html or "&lt;img src=x onerror" in html
    assert 'http-equiv="Content-Security-Policy"' in html
    # self-contained: nothing refers to an outside resource (SVG namespaces are not fetched)
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    attribute = re.compile(r"""\s(?:href|src|xlink:href)\s*=\s*["']?(?!#|data:)""")
    assert [t for t in tags if attribute.search(t)] == []
    assert "<link" not in html and "@import" not in html and "url(http" not in html


def test_xlsx_has_no_formula_and_numbers_stay_numbers(hostile_scope) -> None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render_xlsx(hostile_scope)))
    assert {"Fit", "KPIs", "Plan", "Clauses (DRAFT)"} <= set(book.sheetnames)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    texts.append(cell.value)
    assert any("HYPERLINK" in t for t in texts)
    kpis = book["KPIs"]
    header = [c.value for c in kpis[1]]
    baseline = kpis.cell(row=2, column=header.index("Baseline") + 1)
    assert baseline.data_type == "n" and isinstance(baseline.value, float)
    assert kpis_to_xlsx(hostile_scope.kpis)[:2] == b"PK"


def test_json_of_hostile_scope_round_trips(hostile_scope) -> None:
    import json

    from tpo_scoping.serialize import dumps

    data = json.loads(dumps(hostile_scope.to_dict()))
    assert data["prospect"] == "<script>alert(1)</script>"  # JSON carries raw text, unrendered
    assert {"fit", "break_even", "needs", "kpis", "plan", "clauses"} <= set(data)


@needs_chromium
def test_html_brief_makes_no_network_request(hostile_scope, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tpo_scoping.report.pdf import CHROMIUM_ARGS

    path = tmp_path / "brief.html"
    path.write_text(render_html(hostile_scope), "utf-8")
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(path.as_uri(), wait_until="networkidle")
            assert page.locator("svg").count() >= 2
            assert page.title().startswith("Engagement brief: <script>")
        finally:
            browser.close()
    outside = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    assert outside == []
    assert dialogs == []  # no injected script ran


@needs_chromium
def test_pdf_brief_prints(hostile_scope) -> None:
    from tpo_scoping.report import render_pdf

    pdf = render_pdf(hostile_scope)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000


@needs_chromium
def test_pdf_prints_inside_a_running_event_loop() -> None:
    """Jupyter and Voilà kernels run an asyncio loop; the PDF download must work there too."""
    import asyncio

    from tpo_scoping.report.pdf import html_to_pdf

    async def in_kernel() -> bytes:
        return html_to_pdf("<h1>Brief</h1>")

    assert asyncio.run(in_kernel()).startswith(b"%PDF-")


def test_printers_are_shared_across_processes_and_a_full_house_says_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every slot held by another process: the next document waits, then gets a message."""
    import subprocess
    import sys
    import time

    from tpo_scoping.errors import InputError
    from tpo_scoping.report import pdf

    monkeypatch.setattr(pdf, "PRINTERS", 2)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    holder = (
        "import sys, time\n"
        "from tpo_scoping.report import pdf\n"
        "pdf.PRINTERS = 2\n"
        "with pdf.printer_slot(), pdf.printer_slot():\n"
        "    print('held', flush=True)\n"
        "    time.sleep(30)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", holder], stdout=subprocess.PIPE, env={**os.environ}
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"held"
        started = time.monotonic()
        with pytest.raises(InputError, match="try again in a minute"), pdf.printer_slot(wait=0.5):
            pass
        assert time.monotonic() - started >= 0.5  # it waited for a slot first
    finally:
        child.kill()
        child.wait(timeout=10)
    with pdf.printer_slot(wait=5):  # the system released the dead holder's locks
        pass
