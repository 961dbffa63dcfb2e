"""How much the loader reads before it refuses: bytes, rows, cells, characters, unzipped parts.

Every limit is checked before the data it guards is held in memory: a file's size before it is
read, a workbook's declared dimensions and the unzipped size of its parts before they are
parsed, and its rows are streamed with a count of cells and characters. Past a limit the loader
raises :class:`~tpo_scoping.errors.InputError` (exit code 2) with a message naming the limit.

The limits scale with the largest file accepted, so the needs app, which accepts 10 MB uploads,
gets limits sized for 10 MB and the command line (500 MB) larger ones.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 500_000_000
"""Largest file accepted (bytes). The upload app sets its own, smaller limit."""

DEFAULT_MAX_ROWS = 10_000_000
"""Largest table accepted (rows)."""

MAX_COLUMNS = 1_000
"""Widest table accepted (columns), for CSVs and workbook sheets alike: pandas spends about half
a millisecond per column, so a header of hundreds of thousands of fields would stall the loader
for minutes, and no performance table has a thousand columns."""


@dataclass(frozen=True)
class ReadLimits:
    """The limits of one load; :meth:`for_size` derives them from the largest file accepted.

    Examples
    --------
    >>> ReadLimits.for_size(10_000_000).max_cells
    1000000
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_rows: int = DEFAULT_MAX_ROWS
    max_cells: int = 50_000_000
    """Cells streamed from all of a workbook's sheets (empty cells within a row count)."""
    max_chars: int = 1_000_000_000
    """Characters of text in a workbook's cells, all sheets together."""
    max_unzipped: int = 10_000_000_000
    """Unzipped size of all a workbook's parts, as its zip directory declares them (Python's
    ``zipfile`` never inflates a part past its declared size)."""
    max_shared_strings: int = 1_000_000_000
    """Unzipped size of a workbook's shared-strings part, which the reader holds in memory."""

    @classmethod
    def for_size(cls, max_bytes: int, max_rows: int = DEFAULT_MAX_ROWS) -> ReadLimits:
        """Limits for files of at most ``max_bytes``.

        A cell takes about 10 bytes of a compressed workbook, so ``max_bytes / 10`` cells is
        room for any honest file; characters, unzipped parts and the shared strings get a few
        times the file size. A hostile file under the size limit (a 2 KB workbook declaring a
        cell in column XFD of row 5,000, or 3 MB of repeated long strings) is refused before
        it is inflated.
        """
        return cls(
            max_bytes=max_bytes,
            max_rows=max_rows,
            max_cells=max(200_000, max_bytes // 10),
            max_chars=max(2_000_000, 2 * max_bytes),
            max_unzipped=max(20_000_000, 20 * max_bytes),
            max_shared_strings=max(4_000_000, 2 * max_bytes),
        )
