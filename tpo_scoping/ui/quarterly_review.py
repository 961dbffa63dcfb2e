"""The quarterly review app: an account manager picks an engagement and a quarter, and sees
each KPI against its signed milestone, the credits and bonus, the plan against reality, the
cohort comparison, what to do next, the portfolio worst first, and downloads.

Engagements are the signed folders under ``$TPO_SCOPING_ENGAGEMENTS`` (a folder of engagement
folders); by default the sample engagement. Every figure and sentence comes from
:mod:`tpo_scoping.presentation.engagement`, as in the review document and the notebook.

Examples
--------
>>> app = QuarterlyReview()
>>> app.launch()
>>> app.controls["quarter"].value = "2026Q1"
>>> app.result.latest.period.label
'2026Q1'
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.labels import MISSING
from tpo_scoping.presentation import Table
from tpo_scoping.ui.chart_slot import ChartSlot
from tpo_scoping.ui.downloads import DownloadButton, Prepared, safe_filename
from tpo_scoping.ui.html import HtmlBlock, bullets_html, heading, html_table
from tpo_scoping.ui.html import row as side_by_side
from tpo_scoping.ui.messages import MessageBox, guarded, input_error_text
from tpo_scoping.ui.shell import AppShell

if TYPE_CHECKING:
    from tpo_scoping.engagement import Portfolio, TrackingResult

ENGAGEMENTS_ENV = "TPO_SCOPING_ENGAGEMENTS"
"""Environment variable naming the folder whose subfolders are signed engagements."""

LATEST = "latest"


def engagements_root() -> Path:
    """Where the app looks for engagements: ``$TPO_SCOPING_ENGAGEMENTS``, the checkout's sample
    engagements, or (installed without a checkout) the sample engagement generated once into
    the cache folder."""
    configured = os.environ.get(ENGAGEMENTS_ENV)
    if configured:
        return Path(configured)
    checkout = Path(__file__).resolve().parents[2] / "sample_data" / "engagements"
    if checkout.is_dir():
        return checkout
    from tpo_scoping.serialize import cache_dir
    from tpo_scoping.synthetic.engagement import ENGAGEMENT_SCENARIO, write_engagement_sample

    generated = cache_dir() / "sample_engagements"
    if not (generated / ENGAGEMENT_SCENARIO.key / "engagement.yaml").is_file():
        write_engagement_sample(generated / ENGAGEMENT_SCENARIO.key)
    return generated


def engagement_options(root: Path) -> list[tuple[str, str]]:
    """(label, folder) of each signed engagement under ``root``, by prospect name."""
    from tpo_scoping.engagement.portfolio import find_engagements
    from tpo_scoping.engagement.record import read_record

    options = []
    for folder in find_engagements([root]):
        try:
            record = read_record(folder)
        except InputError:
            options.append((f"{folder.name} (cannot be read)", str(folder)))
            continue
        options.append((f"{record.prospect} (from {record.start.isoformat()})", str(folder)))
    return sorted(options)


def quarter_options(folder: str) -> list[tuple[str, str]]:
    """The quarters with a data drop, latest first, after a 'latest' entry."""
    from tpo_scoping.engagement.record import read_record

    periods = read_record(folder).periods_with_data()
    return [("Latest quarter", LATEST), *((p.label, p.label) for p in reversed(periods))]


def _cell(text: str) -> str:
    return html.escape(text)


def status_table_html(result: TrackingResult) -> str:
    from tpo_scoping.presentation import engagement as p

    assert result.latest is not None
    colours = {"good": "#2e7d32", "bad": "#b3261e", "muted": "#5b6475"}
    rows = []
    for row in p.status_rows(result.latest):
        tone = colours[p.STATUS_TONE[row["Status"]]]
        rows.append(
            [
                f"<b>{_cell(row['KPI'])}</b>",
                _cell(row["Baseline"]),
                _cell(row["Milestone due"]),
                _cell(row["Actual"]),
                _cell(row["95 % interval"]),
                f'<b style="color:{tone}">{_cell(row["Status"])}</b>'
                f'<br><span style="color:#667;font-size:11px">{_cell(row["Why"])}</span>',
                f"{_cell(row['Value delivered'])}"
                f'<br><span style="color:#667;font-size:11px">{_cell(row["Value note"])}</span>',
            ]
        )
    return html_table(list(p.STATUS_COLUMNS), rows)


def rows_table_html(rows: list[dict[str, str]] | list[dict[str, object]]) -> str:
    """Rows of the review (column -> cell) as an escaped table; "None." when there are none."""
    if not rows:
        return '<p style="color:#667">None.</p>'
    cells = tuple(tuple(MISSING if v is None else str(v) for v in r.values()) for r in rows)
    return Table(tuple(str(h) for h in rows[0]), cells, left=tuple(range(len(rows[0])))).to_html()


def headline_html(result: TrackingResult) -> str:
    from tpo_scoping.presentation import engagement as p

    latest = result.latest
    assert latest is not None
    figures = "".join(
        '<div style="border:1px solid #dde3e8;border-radius:6px;padding:8px 12px;'
        'min-width:150px;flex:1">'
        f'<div class="tpo-big">{_cell(f["value"])}</div>'
        f'<div style="color:#556;font-size:12px">{_cell(f["label"])}</div></div>'
        for f in p.key_figures(result, latest)
    )
    return (
        f'<p class="tpo-answer tpo-review-headline" style="margin:6px 0">'
        f"{_cell(p.headline(result, latest))}</p>"
        f'<div style="display:flex;flex-wrap:wrap;gap:8px;margin:6px 0">{figures}</div>'
    )


class QuarterlyReview(AppShell):
    """Pick an engagement and a quarter; see the review, the portfolio, and download both.

    Controls (``self.controls``): ``engagement`` (dropdown of folders), ``quarter`` (dropdown:
    ``latest`` or a quarter label), ``download`` (prepares the HTML and xlsx review),
    ``portfolio_download`` (prepares the portfolio CSV and xlsx).
    """

    activity = "preparing the quarterly review"
    result = traitlets.Any(None, allow_none=True)

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else None
        self._cache: dict[tuple[str, str], TrackingResult] = {}
        engagement = widgets.Dropdown(
            description="Engagement",
            style={"description_width": "90px"},
            layout=widgets.Layout(width="min(440px, 100%)"),
        )
        quarter = widgets.Dropdown(
            description="Quarter",
            style={"description_width": "90px"},
            layout=widgets.Layout(width="min(260px, 100%)"),
        )
        downloads = {
            "review_html": DownloadButton("Review (HTML)", self._review_html),
            "review_xlsx": DownloadButton("Review (xlsx)", self._review_xlsx),
            "portfolio_csv": DownloadButton("Portfolio (CSV)", self._portfolio_csv),
            "portfolio_xlsx": DownloadButton("Portfolio (xlsx)", self._portfolio_xlsx),
        }
        self.headline = HtmlBlock('<p style="color:#667">Reading the engagement…</p>')
        self.status_table = HtmlBlock()
        self.status_table.add_class("tpo-kpi-table")
        self.chart = ChartSlot(scroll_on_phone=True)
        self.rules = HtmlBlock()
        self.incentives = HtmlBlock()
        self.incentives.add_class("tpo-kpi-table")
        self.plan = HtmlBlock()
        self.plan.add_class("tpo-kpi-table")
        self.break_even = HtmlBlock()
        self.attribution = HtmlBlock()
        self.next_steps = HtmlBlock()
        self.download_message = MessageBox()
        self.portfolio = HtmlBlock()
        self.portfolio.add_class("tpo-kpi-table")
        super().__init__(
            [
                heading("Quarterly business review", 2),
                HtmlBlock(
                    '<p style="color:#445;font-size:13px;margin:2px 0">Each KPI against the'
                    " milestone the contract set, judged with its 95 % interval: behind only"
                    " when the whole interval falls short. Credits and bonuses as the signed"
                    " clause says.</p>"
                ),
                widgets.HBox([engagement, quarter], layout=widgets.Layout(flex_flow="row wrap")),
                self.headline,
                heading("KPIs against the signed milestones"),
                self.status_table,
                self.chart,
                heading("Bonuses and service credits"),
                self.rules,
                self.incentives,
                heading("Plan against reality"),
                self.plan,
                self.break_even,
                heading("Did the engagement cause it?"),
                self.attribution,
                heading("What to do next"),
                self.next_steps,
                side_by_side([downloads["review_html"], downloads["review_xlsx"]]),
                self.download_message,
                heading("Portfolio, worst first"),
                self.portfolio,
                side_by_side([downloads["portfolio_csv"], downloads["portfolio_xlsx"]]),
            ]
        )
        self.controls = {"engagement": engagement, "quarter": quarter, **downloads}
        engagement.observe(self._on_engagement, names="value")
        quarter.observe(self._on_quarter, names="value")

    # ----------------------------------------------------------------------------------------

    def _root(self) -> Path:
        if self.root is None:
            self.root = engagements_root()
        return self.root

    def show_inputs(self) -> None:
        engagement = self.controls["engagement"]
        options = engagement_options(self._root())
        with self.hold_trait_notifications():
            engagement.options = options
            engagement.value = options[0][1]
            self.controls["quarter"].options = quarter_options(options[0][1])
            self.controls["quarter"].value = LATEST

    def review(self, folder: str, quarter: str) -> TrackingResult:
        """The engagement tracked to ``quarter`` (remembered: tracking takes seconds)."""
        from tpo_scoping.engagement import review

        key = (folder, quarter)
        if key not in self._cache:
            self._cache[key] = review(folder, None if quarter == LATEST else quarter)
        return self._cache[key]

    def problem_text(self, exc: InputError) -> str:
        """An input error's text with the engagements folder left out of its paths."""
        return input_error_text(exc).replace(f"{self._root()}/", "")

    def show_answer(self) -> None:
        self._recompute()

    def _on_engagement(self, change: Any) -> None:
        if not self.ready or not change["new"]:
            return
        try:
            options = quarter_options(change["new"])
        except InputError as exc:
            self.status.show(self.problem_text(exc))
            return
        with self.hold_trait_notifications():
            self.controls["quarter"].options = options
            self.controls["quarter"].value = LATEST
        self._recompute()

    def _on_quarter(self, _change: Any) -> None:
        if self.ready and self.controls["quarter"].value:
            self._recompute()

    @guarded("preparing the quarterly review", lambda self: self.status)
    def _recompute(self) -> None:
        from tpo_scoping.charts.engagement import kpi_tracking_chart
        from tpo_scoping.presentation import engagement as p

        folder = self.controls["engagement"].value
        quarter = self.controls["quarter"].value or LATEST
        result = self.review(folder, quarter)
        latest = result.latest
        if latest is None:
            raise InputError("no quarter with data to review yet")
        self.status.clear()
        self.download_message.clear()
        self.headline.value = headline_html(result)
        self.status_table.value = status_table_html(result)
        self.chart.show(kpi_tracking_chart(result, width=190, columns=3))
        self.rules.value = bullets_html(p.rules_in_words(result))
        self.incentives.value = (
            rows_table_html(p.incentive_rows(result))
            + f"<p style='margin:8px 0 2px'><b>Evidence for {latest.period.label}</b></p>"
            + rows_table_html(p.evidence_rows(latest.incentives))
        )
        self.plan.value = rows_table_html(p.plan_rows(result))
        self.break_even.value = bullets_html(p.break_even_sentences(result))
        self.attribution.value = bullets_html(p.attribution_sentences(result.attribution))
        self.next_steps.value = bullets_html(p.next_steps(result, latest))
        self.portfolio.value = rows_table_html(p.portfolio_summary_rows(self.portfolio_now()))
        self.result = result

    def portfolio_now(self) -> Portfolio:
        """Every engagement at its latest quarter, worst first (tracked results remembered)."""
        from tpo_scoping.engagement import Portfolio
        from tpo_scoping.engagement.portfolio import row_of, sort_key

        rows = []
        for _label, folder in self.controls["engagement"].options:
            try:
                rows.append(row_of(self.review(folder, LATEST)))
            except InputError:
                continue  # named in the dropdown as unreadable; the review shows why
        return Portfolio(tuple(sorted(rows, key=sort_key)))

    def _review_stem(self) -> str:
        if self.result is None or self.result.latest is None:
            raise InputError("The review is still being prepared; try again in a moment")
        prospect = safe_filename(self.result.engagement.prospect)
        return f"review-{prospect}-{self.result.latest.period.label}"

    @guarded("preparing the review", lambda self: self.download_message)
    def _review_html(self) -> Prepared:
        from tpo_scoping.report import qbr

        stem = self._review_stem()
        return qbr.render_html(self.result).encode("utf-8"), f"{stem}.html"

    @guarded("preparing the review workbook", lambda self: self.download_message)
    def _review_xlsx(self) -> Prepared:
        from tpo_scoping.report import qbr

        stem = self._review_stem()
        return qbr.render_xlsx(self.result), f"{stem}.xlsx"

    @guarded("preparing the portfolio file", lambda self: self.download_message)
    def _portfolio_csv(self) -> Prepared:
        from tpo_scoping.report import qbr

        return qbr.portfolio_csv(self.portfolio_now()).encode("utf-8"), "portfolio.csv"

    @guarded("preparing the portfolio workbook", lambda self: self.download_message)
    def _portfolio_xlsx(self) -> Prepared:
        from tpo_scoping.report import qbr

        return qbr.portfolio_xlsx(self.portfolio_now()), "portfolio.xlsx"
