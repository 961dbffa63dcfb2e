"""Exports that cannot run what the prospect wrote: spreadsheet formulas and HTML pages.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be run
as a formula by Excel, LibreOffice or Google Sheets (OWASP CSV-injection guidance). Every
exporter (xlsx and CSV) passes text through :func:`spreadsheet_safe`, which prefixes such text
with a single quote so that it is shown as text. Numbers stay numbers: only strings are changed,
and a formatted figure such as ``-1.5``, ``-$1,200`` or ``-3.2 %`` is left as it is (it can
only be read as a number, never run).

Every HTML file the workbench writes (the engagement brief, the client's copies of the
consultant notebooks) escapes prospect and data text and carries
:data:`CONTENT_SECURITY_POLICY`, so that even markup that slipped through could neither run nor
load anything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
"""The policy of every HTML file the workbench writes: no script, no request to any address;
images only inline (``data:``, the charts' SVG) and inline styles."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet treat a cell as a formula (OWASP)."""

_SIGNED_FIGURE = re.compile(r"[-+][$€£]?\d[\d,]*(\.\d+)?( ?%| ?[kKM])?")


def spreadsheet_safe(value: Any) -> Any:
    """Return ``value`` unchanged unless it is text that a spreadsheet would run as a formula.

    Examples
    --------
    >>> spreadsheet_safe('=HYPERLINK("http://x","y")')
    '\\'=HYPERLINK("http://x","y")'
    >>> spreadsheet_safe(-3.5), spreadsheet_safe("Manila"), spreadsheet_safe("-$1,200")
    (-3.5, 'Manila', '-$1,200')
    >>> spreadsheet_safe("-1+cmd|' /C calc'!A0")
    "'-1+cmd|' /C calc'!A0"
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _SIGNED_FIGURE.fullmatch(value)
    ):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) neutralised, for CSV export."""
    import pandas as pd

    out = frame.copy()
    out.columns = [spreadsheet_safe(str(c)) for c in out.columns]
    for position in range(len(out.columns)):
        values = out.iloc[:, position]
        if isinstance(values.dtype, pd.CategoricalDtype):
            # Categories are text like any other (the loader reads text columns this way).
            values = values.astype(object)
        elif not (values.dtype == object or str(values.dtype) in ("string", "str")):
            continue
        out.isetitem(position, values.map(spreadsheet_safe))
    return out


def safe_csv(frame: pd.DataFrame) -> str:
    """CSV text of ``frame`` with formulas neutralised (use with ``serialize.write_atomic``).

    Every text field is quoted: pandas leaves a field holding a bare carriage return unquoted,
    and a spreadsheet would start a new row there, with the rest of the text as a formula.
    """
    import csv

    return safe_frame(frame).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC)
