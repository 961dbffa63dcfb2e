"""Every HTML file ``run-notebooks`` writes shows hostile prospect and data text, never runs it.

A prospect whose name, site names and competency, course and metric names are script and
image-with-handler payloads (and markdown links and images) goes through ``tpo-scoping
run-notebooks``. Each written HTML file (the four client copies and the brief) is then parsed
as a browser would tokenise it, and must hold no element or attribute a payload could bring in:
no script, no event handler, no frame or object, no image from anywhere but ``data:``, no
``javascript:`` link; and it must carry the Content-Security-Policy. The payloads themselves
must still be there, as text: the client sees what the prospect wrote.
"""

from __future__ import annotations

import csv
import io
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLES
from tpo_scoping.report.safe import CONTENT_SECURITY_POLICY

PROSPECT = "<img src=x onerror=alert(document.domain)> Acme [win](javascript:alert(1)) **x**"
SITE_A = "<script>alert('site')</script>Manila"
SITE_B = '<img src=x onerror="alert(2)">'
COMPETENCY = "<script>alert(3)</script>"
COMPETENCY_MD = "![t](http://example.invalid/t.png)"
COURSE = "<iframe src=javascript:alert(4)></iframe>"
METRIC = "<svg onload=alert(5)>"
PAYLOAD_MARKERS = ("alert(", "example.invalid")

FORBIDDEN_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "base",
    "form",
    "link",
    "foreignobject",
}
"""Elements that run code or load from elsewhere (inline SVG charts are fine: vl-convert writes
text as XML entities, and their attributes are checked like any other)."""


class Tags(HTMLParser):
    """Start tags with their attributes, and the page's visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in ("style", "title"):
            self._skip += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> Tags:
    parser = Tags()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser


def hostile_prospect(folder: Path) -> Path:
    """The growing_healthcare sample with payloads for names, in the profile and in the data."""
    shutil.copytree(SAMPLES / "growing_healthcare", folder)
    profile = yaml.safe_load((folder / "profile.yaml").read_text("utf-8"))
    profile["prospect"] = PROSPECT
    profile["sites"][0]["name"] = SITE_A
    profile["sites"][1]["name"] = SITE_B
    (folder / "profile.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), "utf-8")
    renames = {
        "employees.csv": {"site": {"Manila": SITE_A, "Bogota": SITE_B}},
        "assessments.csv": {
            "competency": {"claims_processing": COMPETENCY, "medical_coding": COMPETENCY_MD}
        },
        "training.csv": {"course": {"process_refresher": COURSE}},
        "metrics.csv": {"metric": {"quality_score": METRIC}},
    }
    for name, columns in renames.items():
        path = folder / "data" / name
        rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))
        for row in rows:
            for column, mapping in columns.items():
                row[column] = mapping.get(row[column], row[column])
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), "utf-8")
    return folder / "profile.yaml"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from tpo_scoping.cli import main

    root = tmp_path_factory.mktemp("hostile")
    profile = hostile_prospect(root / "prospect")
    out = root / "out"
    code = main(["run-notebooks", str(profile), "--out", str(out), "--simulations", "200"])
    assert code == 0
    pages = [*sorted(out.glob("*.html")), out / "brief" / "engagement_brief.html"]
    assert len(pages) == 5
    return pages


@pytest.mark.slow
def test_no_live_markup_in_any_page(written: list[Path]) -> None:
    for path in written:
        page = parse(path)
        for tag, attrs in page.tags:
            where = f"{path.name}: <{tag} {sorted(attrs)}>"
            assert tag not in FORBIDDEN_TAGS, where
            assert not any(name.startswith("on") for name in attrs), where
            if tag == "img":
                assert attrs.get("src", "").startswith("data:image/"), where
            for name in ("href", "src", "action", "formaction", "xlink:href"):
                value = attrs.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "vbscript:")), where
                assert not any(m in value for m in PAYLOAD_MARKERS), where


@pytest.mark.slow
def test_every_page_carries_the_content_security_policy(written: list[Path]) -> None:
    for path in written:
        metas = [a for t, a in parse(path).tags if t == "meta"]
        policies = [
            m["content"]
            for m in metas
            if m.get("http-equiv", "").lower() == "content-security-policy"
        ]
        assert policies == [CONTENT_SECURITY_POLICY], path.name
        # The policy must come before anything it governs: it is the head's first element.
        first = parse(path).tags
        names = [t for t, _ in first]
        assert names.index("meta") < names.index("style"), path.name


@pytest.mark.slow
def test_payloads_are_shown_as_text(written: list[Path]) -> None:
    """Escaped, not dropped: the client reads the names as the prospect wrote them."""
    text = {path.name: "".join(parse(path).text) for path in written}
    discovery = text["01_discovery_call.html"]
    assert "onerror=alert(document.domain)" in discovery
    needs = text["02_training_needs_analysis.html"]
    # The markdown sentence naming the prospect: its link and emphasis are shown as typed.
    assert f"{PROSPECT}, data as of" in needs
    assert "alert('site')" in needs
    assert "alert(3)" in needs
    assert "alert(4)" in needs
    assert "onerror=alert(document.domain)" in text["engagement_brief.html"]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the display helpers hand to IPython, as HTML or markdown text."""
    import IPython.display

    out: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: out.append(obj.data))
    return out


def test_tables_escape_cells_headers_and_caption(shown: list[str]) -> None:
    from tpo_scoping import display
    from tpo_scoping.presentation import Table

    display.show_table(Table((SITE_A, COURSE), ((COMPETENCY, SITE_B),), caption=PROSPECT))
    page = Tags()
    page.feed(shown[0])
    assert {t for t, _ in page.tags} <= {
        "style",
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    text = "".join(page.text)
    for payload in (SITE_A, COMPETENCY, COURSE, PROSPECT, SITE_B):
        assert payload in text


def test_sentences_and_bullets_show_markup_as_text(shown: list[str]) -> None:
    from tpo_scoping import display

    display.show_text(f"{PROSPECT} costs $5")
    display.show_bullets([SITE_B, COMPETENCY_MD, "line one\n# not a heading"], intro="Why:")
    texts = []
    for html in shown:
        page = Tags()
        page.feed(html)
        assert {t for t, _ in page.tags} <= {"p", "b", "ul", "li"}, html
        texts.append("".join(page.text))
    assert f"{PROSPECT} costs $5" in texts[0]
    for payload in (SITE_B, COMPETENCY_MD, "line one\n# not a heading"):
        assert payload in texts[1]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60)
    .map(lambda t: " ".join(t.split()))
    .filter(bool)
)
@example("- a list?")
@example("1. a list?")
@example("> a quote?")
@example("<script>alert(1)</script>")
@example("[x](javascript:alert(1)) ![i](http://example.invalid/i.png) http://example.invalid")
@example("&lt; &amp; \\*not\\* $5 `code` ~~gone~~ | a | b |")
def test_any_value_in_a_sentence_renders_as_its_own_text(value: str) -> None:
    """Whatever a name holds, the client's page shows exactly it: sentences are escaped HTML,
    never markdown, so no character of a value is markup."""
    import IPython.display

    from tpo_scoping import display

    out: list[str] = []
    original = IPython.display.display
    IPython.display.display = lambda obj: out.append(obj.data)  # type: ignore[assignment]
    try:
        display.show_text(f"{value}, as of today.")
    finally:
        IPython.display.display = original
    page = Tags()
    page.feed(out[0])
    assert {t for t, _ in page.tags} <= {"p"}, value
    assert "".join(page.text) == f"{value}, as of today."
