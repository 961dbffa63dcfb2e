"""Read a CSV as it really arrives, and refuse or report whatever would shift or lose a value.

Checked before any value is used: the encoding (UTF-8 with or without BOM, UTF-16/32 with a
BOM, cp1252, Latin-1, and files that mix UTF-8 and cp1252 line by line), NUL bytes, the
delimiter, the width of the header, and the number of fields on every row: a row with more or
fewer fields than the header is an error naming its line, whether the file uses quotes or not.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from tpo_scoping.errors import InputError, Problem
from tpo_scoping.ingest._raw import CsvSource, RawTable, parser_message
from tpo_scoping.ingest.limits import MAX_COLUMNS, ReadLimits

_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

BINARY_CONTROL_SHARE = 0.05
"""A file whose first 64 KiB hold more than this share of control bytes (NUL, and the other
C0 controls except tab and line ends) is binary, not text; random bytes hold about 11 %."""

BINARY_NUL_SHARE = 0.01
"""A file with more than this share of NUL bytes is binary (UTF-16 without a BOM is half NUL);
fewer are damage in a text export, removed and reported."""

ROWS_REPORTED = 5
"""Rows with the wrong number of fields named in the error (the count covers all of them)."""

# A valid two- or three-byte UTF-8 sequence: cp1252 text almost never contains one.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def from_wide_unicode(name: str, data: bytes) -> bytes:
    """UTF-16/32 text with a BOM (Excel's "Unicode Text") re-encoded as UTF-8; else unchanged."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                raise InputError(
                    f"the file starts like {codec.upper()} text but is not", name
                ) from None
    return data


def _line_of(data: bytes, position: int) -> int:
    newline = b"\n" if b"\n" in data else b"\r"
    return data.count(newline, 0, position) + 1


def strip_nul(name: str, data: bytes, notes: list[str]) -> bytes:
    """Refuse binary data; remove stray NUL bytes from text, naming their lines in a note."""
    head = data[:65536]
    control = len(head.translate(None, _all_but_controls()))  # only the control bytes remain
    if control > BINARY_CONTROL_SHARE * max(len(head), 1):
        raise InputError("this is a binary file, not a CSV (save the table as CSV or .xlsx)", name)
    if b"\x00" not in data:
        return data
    count = data.count(b"\x00")
    if count > BINARY_NUL_SHARE * len(data):
        raise InputError("this is a binary file, not a CSV (save the table as CSV or .xlsx)", name)
    lines: list[int] = []
    at = data.find(b"\x00")
    while at >= 0 and len(lines) < 10:
        line = _line_of(data, at)
        if line not in lines:
            lines.append(line)
        at = data.find(b"\x00", at + 1)
    notes.append(
        f"{name}: removed {count:,} NUL byte(s) (a damaged export) on line(s)"
        f" {', '.join(map(str, lines))}{' …' if count > len(lines) else ''}"
    )
    return data.replace(b"\x00", b"")


@cache
def _all_but_controls() -> bytes:
    """Every byte except the C0 controls other than tab, line feed and carriage return."""
    controls = {b for b in range(32) if b not in (9, 10, 13)}
    return bytes(b for b in range(256) if b not in controls)


def choose_encoding(name: str, data: bytes, notes: list[str]) -> tuple[bytes, str]:
    """The encoding of the text: UTF-8 (BOM or not), else cp1252, else Latin-1.

    A file that is UTF-8 except for some lines (an export appended to in another program) is
    decoded line by line: each non-UTF-8 line as cp1252, and the note names the lines. The
    bytes come back re-encoded as UTF-8 in that case.
    """
    if data.isascii():  # ASCII is valid UTF-8: no need to decode it all to find out
        return data, "utf-8-sig"
    try:
        data.decode("utf-8")
        return data, "utf-8-sig"
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        mixed = _per_line(data)
        if mixed is not None:
            text, lines = mixed
            shown = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
            notes.append(
                f"{name}: the file is UTF-8 except line(s) {shown}, which were read as"
                " Windows-1252 (cp1252)"
            )
            return text, "utf-8-sig"
    try:
        data.decode("cp1252")
        return data, "cp1252"
    except UnicodeDecodeError:
        return data, "latin-1"


def _per_line(data: bytes) -> tuple[bytes, list[int]] | None:
    """UTF-8 bytes of a file that mixes UTF-8 and cp1252 lines, and the cp1252 lines' numbers;
    None when no line is UTF-8 beyond ASCII (the whole file is then one legacy encoding)."""
    newline = b"\n" if b"\n" in data else b"\r"
    out: list[bytes] = []
    legacy: list[int] = []
    utf8_lines = 0
    for number, line in enumerate(data.split(newline), 1):
        if line.isascii():
            out.append(line)
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
            out.append(line)
        except UnicodeDecodeError:
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                text = line.decode("latin-1")
            out.append(text.encode("utf-8"))
            legacy.append(number)
    if not utf8_lines:
        return None
    return newline.join(out), legacy


def sniff_delimiter(header_line: str) -> str:
    """The delimiter among comma, semicolon, tab and pipe that splits the header most often.

    Examples
    --------
    >>> sniff_delimiter("Emp No;Location;Start Date")
    ';'
    """
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_byte(data: bytes, byte: bytes) -> int:
    """How many times ``byte`` occurs in ``data`` (vectorised; ``bytes.count`` is slower)."""
    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == ord(byte)))


@cache
def _all_bytes_but(kept: bytes) -> bytes:
    """Every byte value except those in ``kept`` (to delete them with ``bytes.translate``)."""
    return bytes(b for b in range(256) if b not in kept)


def _wrong_width_error(name: str, bad: list[tuple[int, int]], total: int, n_fields: int) -> None:
    problems = [
        Problem(
            name,
            f"not a readable CSV table (row {line} has {count} fields where the header"
            f" has {n_fields})",
        )
        for line, count in bad[:ROWS_REPORTED]
    ]
    if total > ROWS_REPORTED:
        problems.append(
            Problem(
                name,
                f"… {total - ROWS_REPORTED:,} more row(s) with the wrong number of"
                " fields; values would shift into the wrong columns",
            )
        )
    raise InputError(problems)


def check_field_counts_plain(name: str, data: bytes, sep: str, n_fields: int) -> None:
    """Refuse rows with more or fewer fields than the header, in a file without quotes.

    Separators are counted per line on the bytes with everything but separators and line ends
    deleted (a C-level pass); blank lines are skipped, as the reader skips them. Row numbers
    are the file's line numbers (the header is line 1).
    """
    newline = b"\n" if b"\n" in data else b"\r"
    marks = data.translate(None, _all_bytes_but(newline + sep.encode()))
    line_ends = marks.count(newline)
    lines = line_ends + (0 if data.endswith(newline) else 1)
    if len(marks) - line_ends == (n_fields - 1) * lines and sep.encode() * n_fields not in marks:
        return  # no line has too many separators, and their total leaves none short or blank
    arr = np.frombuffer(marks, dtype=np.uint8)
    ends = np.flatnonzero(arr == ord(newline))
    if not data.endswith(newline):
        ends = np.append(ends, len(marks))  # the last line has no line end
    per_line = np.diff(np.concatenate([[-1], ends])) - 1  # separators between line ends
    wrong = np.flatnonzero(per_line != n_fields - 1)
    if len(wrong) == 0:
        return
    # A line without separators is either blank (skipped) or a one-field row (short).
    blank_checked = []
    starts = None
    for index in wrong:
        if per_line[index] == 0:
            if starts is None:
                starts = np.concatenate(
                    [[0], np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord(newline)) + 1]
                )
            begin = int(starts[index]) if index < len(starts) else len(data)
            end = int(starts[index + 1]) - 1 if index + 1 < len(starts) else len(data)
            if not data[begin:end].strip():
                continue
        blank_checked.append((int(index) + 1, int(per_line[index]) + 1))
    if blank_checked:
        _wrong_width_error(name, blank_checked, len(blank_checked), n_fields)


def check_field_counts_quoted(
    name: str, data: bytes, sep: str, encoding: str, n_fields: int
) -> None:
    """Refuse rows with more or fewer fields than the header, in a file with quotes.

    Python's ``csv`` reader splits the rows as pandas does (quotes open a field, a doubled quote
    is a quote, separators and line ends inside quotes are text); row numbers are the file's
    line numbers where the row ends.
    """
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=sep, skipinitialspace=True)
    bad: list[tuple[int, int]] = []
    total = 0
    try:
        for row in reader:
            width = len(row)
            if width == n_fields or not row or (width == 1 and not row[0].strip()):
                continue
            total += 1
            if len(bad) < ROWS_REPORTED:
                bad.append((reader.line_num, width))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            reason = (
                f"a quoted field longer than {csv.field_size_limit():,} characters; no table"
                " of ours holds one (check for a missing closing quote)"
            )
        else:
            reason = str(exc)
        raise InputError(
            f"not a readable CSV table (line {reader.line_num}: {reason})", name
        ) from None
    if bad:
        _wrong_width_error(name, bad, total, n_fields)


def read_csv_table(
    name: str,
    data: bytes,
    limits: ReadLimits,
    notes: list[str],
    path: Path | None = None,
) -> RawTable:
    """Check a CSV's text, header and row widths; the rows themselves are read later.

    ``path``, when the bytes come from a file on disk and need no repair, lets the later reads
    go to the file, so the bytes need not stay in memory.
    """
    original = data
    data = from_wide_unicode(name, data)
    if not data or data.isspace():  # nothing but whitespace (without copying the bytes)
        raise InputError("the file is empty", name)
    data = strip_nul(name, data, notes)
    data, encoding = choose_encoding(name, data, notes)
    if _count_byte(data, b"\n") > limits.max_rows + 1:
        raise InputError(f"more than {limits.max_rows:,} rows; split or filter the file", name)
    text_head = data[:65536].decode(encoding, errors="replace").lstrip("\ufeff")
    first = next((line for line in text_head.splitlines() if line.strip()), "")
    sep = sniff_delimiter(first)
    if first.count(sep) >= MAX_COLUMNS:
        raise InputError(
            f"the header has more than {MAX_COLUMNS:,} columns;"
            " export only the columns of the table",
            name,
        )
    try:
        header = pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            dtype=str,
            encoding=encoding,
            skipinitialspace=True,
            skip_blank_lines=True,
            nrows=0,
            index_col=False,
        )
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty", name) from None
    except pd.errors.ParserError as exc:
        raise InputError(f"not a readable CSV table ({parser_message(exc)})", name) from None
    except UnicodeDecodeError:  # pragma: no cover - choose_encoding picked a working codec
        raise InputError("cannot decode the text; save it as UTF-8", name) from None
    raw_names = list(header.columns)
    columns = [str(c).strip().lstrip("\ufeff") for c in raw_names]
    quoted = b'"' in data
    if quoted:
        check_field_counts_quoted(name, data, sep, encoding, len(raw_names))
    else:
        check_field_counts_plain(name, data, sep, len(raw_names))
    keep_bytes = path is None or data is not original
    source = CsvSource(
        sep,
        encoding,
        raw_names,
        data=data if keep_bytes else None,
        path=None if keep_bytes else str(path),
        all_columns=quoted,
    )
    return RawTable("", name, None, columns, source, name=Path(name).name)
