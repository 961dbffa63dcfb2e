"""A raw table: the prospect's own headers and cells, and where they came from."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from tpo_scoping.errors import InputError

NA_VALUES = ["", "NA", "N/A", "n/a", "NULL", "null", "None", "NaN", "nan", "-", "#N/A"]
"""Cells read as empty."""


@dataclass
class CsvSource:
    """How to read a CSV whose header and rows have been checked."""

    sep: str
    encoding: str
    raw_names: list[str]
    data: bytes | None = None
    """The (possibly repaired) bytes; None when the file on disk is read as it is."""
    path: str | None = None
    all_columns: bool = False
    """Read every column (a quoted file): pandas then reports rows with too many fields."""

    def handle(self) -> Any:
        return io.BytesIO(self.data) if self.data is not None else self.path


@dataclass
class RawTable:
    """One table as read: the prospect's headers, its origin, and its cells.

    A workbook sheet arrives whole (strings). A CSV is read in two steps: a sample of every
    column (:meth:`sample`) to choose the columns, then only the chosen columns, with numbers
    left to pandas' fast parser (:meth:`load`) and text read as categoricals: pandas' reader then
    hashes each distinct cell once, and the parser works on the distinct values and their codes.
    """

    table: str
    source: str
    frame: pd.DataFrame | None = None
    """Cells; the index is the row number in the file or sheet (the header is row 1)."""
    columns: list[str] = field(default_factory=list)
    csv: CsvSource | None = None
    name: str = ""
    """The file name or sheet name, as a profile's ``data.tables`` names it."""

    def __post_init__(self) -> None:
        if self.frame is not None and not self.columns:
            self.columns = [str(c) for c in self.frame.columns]

    def sample(self, rows: int) -> pd.DataFrame:
        """The first ``rows`` rows of every column, as text (empty cells missing)."""
        if self.frame is not None:
            return self.frame.head(rows)
        frame = self._read_csv(dtype=str, nrows=rows)
        frame.columns = self.columns
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        return frame

    def load(self, headers: list[str], numeric: set[str] = frozenset()) -> pd.DataFrame:  # type: ignore[assignment]
        """The cells of ``headers``: text, except ``numeric`` columns of a CSV (parsed).

        Text cells of a CSV come as a categorical of the strings (the same strings as
        ``dtype=str`` would give, empty cells missing); a workbook's are plain strings.
        """
        if self.frame is not None:
            return self.frame[headers]
        assert self.csv is not None
        raw_names = self.csv.raw_names
        positions = [self.columns.index(h) for h in headers]
        usecols = None if self.csv.all_columns else sorted(set(positions))
        dtype = {
            raw_names[i]: "category"
            for i, h in zip(positions, headers, strict=True)
            if h not in numeric
        }
        frame = self._read_csv(usecols=usecols, dtype=dtype, low_memory=False)
        order = [frame.columns.get_loc(raw_names[i]) for i in positions]
        if order != list(range(len(frame.columns))):  # else already so: no copy
            frame = frame.iloc[:, order]
        frame.columns = headers
        frame.index = pd.RangeIndex(2, len(frame) + 2)
        return frame

    def _read_csv(self, **options: Any) -> pd.DataFrame:
        """Read the CSV with the loader's conventions (missing-value words, no index column)."""
        assert self.csv is not None
        try:
            return pd.read_csv(
                self.csv.handle(),
                sep=self.csv.sep,
                encoding=self.csv.encoding,
                skipinitialspace=True,
                skip_blank_lines=True,
                keep_default_na=False,
                na_values=NA_VALUES,
                index_col=False,
                **options,
            )
        except pd.errors.ParserError as exc:
            raise InputError(
                f"not a readable CSV table ({parser_message(exc)})", self.source
            ) from None
        except (pd.errors.EmptyDataError, UnicodeDecodeError):  # pragma: no cover - checked
            raise InputError("cannot read the table", self.source) from None


def parser_message(exc: Exception) -> str:
    """pandas' tokenizer error, in the words the rest of the loader uses."""
    text = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if match:
        want, line, saw = match.groups()
        return f"row {line} has {saw} fields where the header has {want}"
    return text
