"""The sites table of the scoping calculator: country, name and FTE per row.

A new row starts empty and counts for nothing until it has a country and an FTE; only then does
the editor tick ``changed`` (which recomputes the answer). A country may be typed as a code or a
name ("Colombia" becomes CO). Messages stay under the field they are about, sites counted from 1.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import traitlets

from tpo_scoping.errors import InputError
from tpo_scoping.ui.fields import CountryField, NumberField, text_input
from tpo_scoping.ui.html import HtmlBlock, button, column, row, shared_model

MAX_SITES = 12
SITE_COLUMNS = ("Country", "Site name", "FTE today")
SITE_WIDTHS = ("76px", "150px", "90px")
"""Column headers of the sites table and the width of each column's input."""


class SiteRow(widgets.HBox):
    """One site: country (code or name), optional name, FTE. Empty fields mean "not yet"."""

    def __init__(self, country: str = "", name: str = "", fte: float | None = None) -> None:
        self.country = CountryField(country, width=SITE_WIDTHS[0])
        self.name = text_input(name, width=SITE_WIDTHS[1], placeholder="site name")
        self.fte = NumberField(
            "FTE",
            fte,
            minimum=1,
            maximum=1_000_000,
            integer=True,
            width=SITE_WIDTHS[2],
            caption=False,
        )
        self.remove = button("Remove", "remove this site")
        super().__init__(
            [self.country, self.name, self.fte, self.remove],
            layout=shared_model(widgets.Layout, align_items="flex-start", flex_flow="row wrap"),
        )
        self.add_class("tpo-site")

    @property
    def blank(self) -> bool:
        """Nothing typed yet in the country or the FTE: the row does not count."""
        return not self.country.text.value.strip() or not self.fte.filled

    @property
    def errors(self) -> list[str]:
        return [f.error for f in (self.country, self.fte) if f.error]

    def state(self) -> Any:
        """What the answer depends on: the site, 'wrong', or None while blank."""
        if self.errors:
            return ("wrong", *self.errors)
        if self.blank:
            return None
        return tuple(sorted(self.to_dict().items()))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"country": self.country.value, "fte": int(self.fte.value)}
        if self.name.value.strip():
            out["name"] = self.name.value.strip()
        return out

    @property
    def label(self) -> str:
        return self.name.value.strip() or self.country.value


class SitesEditor(widgets.VBox):
    """The list of sites, with add and remove buttons; ``changed`` ticks when a counted site
    changes (a blank new row does not)."""

    changed = traitlets.Int(0)

    def __init__(self) -> None:
        self.rows_box = column([])
        self.add = button("Add site")
        self.add.on_click(lambda _b: self.add_site())
        self.header = HtmlBlock(
            '<span style="font-size:13px">Sites: the country as a code or a name '
            "(PH or Philippines), an optional name and the FTE</span>"
        )
        self.columns = row(
            [
                HtmlBlock(
                    f'<span style="font-size:13px;color:#445">{html.escape(title)}</span>',
                    layout=shared_model(widgets.Layout, width=width),
                )
                for title, width in zip(SITE_COLUMNS, SITE_WIDTHS, strict=True)
            ]
        )
        self.hint = HtmlBlock()
        super().__init__([self.header, self.columns, self.rows_box, self.hint, self.add])
        self.add_class("tpo-sites")
        self._states: dict[int, Any] = {}

    @property
    def rows(self) -> list[SiteRow]:
        return list(self.rows_box.children)  # type: ignore[arg-type]

    def add_site(self, country: str = "", name: str = "", fte: float | None = None) -> SiteRow:
        if len(self.rows) >= MAX_SITES:
            raise InputError(f"Sites: at most {MAX_SITES} in the calculator")
        row = SiteRow(country, name, fte)
        for field in (row.country, row.fte):
            field.observe(lambda _c, row=row: self._row_changed(row), names=["value", "valid"])
        row.name.observe(lambda _c, row=row: self._row_changed(row), names="value")
        row.remove.on_click(lambda _b, row=row: self.remove_site(row))
        self.rows_box.children = [*self.rows, row]
        self._row_changed(row)
        return row

    def remove_site(self, row: SiteRow) -> None:
        if len(self.rows) <= 1:
            return
        self.rows_box.children = [r for r in self.rows if r is not row]
        self._show_hint()
        if self._states.pop(id(row), None) is not None:
            self._tick()

    def set_sites(self, sites: list[Any]) -> None:
        self.rows_box.children = []
        self._states = {}
        for site in sites:
            self.add_site(site.country, site.name or "", site.fte)

    @property
    def value(self) -> list[dict[str, Any]]:
        """The counted sites (blank rows left out)."""
        return [r.to_dict() for r in self.rows if not r.blank and not r.errors]

    def identity(self) -> tuple[tuple[str, str], ...]:
        """Which sites these are (country and name), whatever their FTE."""
        return tuple((s["country"], s.get("name", "")) for s in self.value)

    def problems(self) -> list[str]:
        """What is wrong, row by row, sites counted from 1."""
        return [f"Site {i}: {e}" for i, r in enumerate(self.rows, 1) for e in r.errors]

    def _row_changed(self, row: SiteRow) -> None:
        self._show_hint()
        state = row.state()
        if self._states.get(id(row)) != state:
            self._states[id(row)] = state
            self._tick()

    def _show_hint(self) -> None:
        blank = [i for i, r in enumerate(self.rows, 1) if r.blank and not r.errors]
        self.hint.value = (
            '<span style="font-size:12px;color:#556">'
            + ", ".join(f"Site {i}" for i in blank)
            + " counts once it has a country and an FTE.</span>"
            if blank
            else ""
        )

    def _tick(self) -> None:
        self.changed += 1
