"""A formatted table: the one shape every result is presented in, rendered three ways.

A :class:`Table` holds text only: its cells were formatted once by :mod:`tpo_scoping.labels`,
so a notebook (HTML), an app (HTML), the brief (HTML through its template) and the CLI (plain
text) show the same characters.

Examples
--------
>>> t = Table(("Option", "Total"), (("TPO", "$1,200"), ("Catalog", "$900")), highlight=(1,))
>>> print(t.to_text())
Option   Total
TPO     $1,200
Catalog   $900
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class KeyFigure:
    """One number a reader should see first, with what it measures."""

    value: str
    label: str


@dataclass(frozen=True)
class Table:
    """Rows of formatted cells under column headers.

    ``highlight`` lists rows to emphasise (the cheapest option, a site at risk); ``left`` the
    columns of text, aligned left (the others are figures, aligned right in text output);
    ``row_notes`` (one per row, '' for none) is a sentence shown in full under its row, never in
    a tooltip nobody sees on a shared screen or a phone.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    highlight: tuple[int, ...] = ()
    left: tuple[int, ...] = (0,)
    notes: tuple[str, ...] = field(default=())
    row_notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"a row of {len(row)} cells under {len(self.columns)} columns")
        if self.row_notes and len(self.row_notes) != len(self.rows):
            raise ValueError(f"{len(self.row_notes)} row notes for {len(self.rows)} rows")

    @property
    def empty(self) -> bool:
        return not self.rows

    def column(self, name: str) -> list[str]:
        """The cells of one column, top to bottom."""
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def select(self, *names: str) -> Table:
        """The same table with only the columns ``names``, in that order.

        >>> Table(("A", "B", "C"), (("1", "2", "3"),), left=(0, 2)).select("C", "A").rows
        (('3', '1'),)
        """
        at = [self.columns.index(n) for n in names]
        return Table(
            tuple(names),
            tuple(tuple(row[i] for i in at) for row in self.rows),
            caption=self.caption,
            highlight=self.highlight,
            left=tuple(j for j, i in enumerate(at) if i in self.left),
            notes=self.notes,
            row_notes=self.row_notes,
        )

    def to_text(self) -> str:
        """Aligned plain text for a terminal: text columns left, figures right."""
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]

        def line(cells: tuple[str, ...]) -> str:
            parts = [
                cell.ljust(w) if i in self.left else cell.rjust(w)
                for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
            ]
            return " ".join(parts).rstrip()

        out = [self.caption] if self.caption else []
        out.append(line(self.columns))
        for i, row in enumerate(self.rows):
            out.append(line(row))
            if self.row_notes and self.row_notes[i]:
                out.append(f"    {self.row_notes[i]}")
        return "\n".join(out + list(self.notes))

    def to_html(self, css_class: str = "tpo-table") -> str:
        """An HTML table, every cell escaped; highlighted rows carry ``class="highlight"``.

        Each cell names its column (``data-label``), so that on a phone the rows can become
        cards that name each figure; row notes go in a full-width row under their row.
        """
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in self.columns)
        labels = [esc(c, quote=True) for c in self.columns]
        body = []
        for n, row in enumerate(self.rows):
            cells = "".join(
                f"<td data-label='{labels[i]}'"
                + (" class='num'>" if i not in self.left else ">")
                + f"{esc(c)}</td>"
                for i, c in enumerate(row)
            )
            mark = " class='highlight'" if n in self.highlight else ""
            body.append(f"<tr{mark}>{cells}</tr>")
            if self.row_notes and self.row_notes[n]:
                body.append(
                    f"<tr class='tpo-note-row'><td colspan='{len(self.columns)}'>"
                    f"{esc(self.row_notes[n])}</td></tr>"
                )
        caption = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        return (
            f"<table class='{esc(css_class)}'>{caption}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    def to_frame(self) -> pd.DataFrame:
        """The cells as a DataFrame of strings, row notes in a last column "Note"."""
        import pandas as pd

        frame = pd.DataFrame(list(self.rows), columns=list(self.columns))
        if self.row_notes:
            frame["Note"] = list(self.row_notes)
        return frame
