"""Helpers shared by the CLI commands: output formats, progress, date parsing."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from tpo_scoping.errors import InputError
from tpo_scoping.serialize import dumps, write_atomic

T = TypeVar("T")

EARLIEST_YEAR = 1950
LATEST_YEAR = 2200
"""Dates given on the command line must fall in these years (pandas holds dates up to 2262)."""


def add_format(parser: argparse.ArgumentParser, choices: Iterable[str] = ("table", "json")) -> None:
    choices = list(choices)
    parser.add_argument(
        "--format",
        choices=choices,
        default=choices[0],
        help=f"output format (default {choices[0]})",
    )


def add_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="write to this file instead of stdout")


SEED_RANGE = (0, 2**32 - 1)
"""Seeds numpy's generators accept."""


def add_profile_inputs(
    parser: argparse.ArgumentParser,
    data_help: str = "performance data (default: the profile's data.path)",
    as_of_help: str | None = "date of the needs analysis, YYYY-MM-DD",
) -> None:
    """The prospect's profile (positional), ``--data`` and (unless ``as_of_help`` is None)
    ``--as-of``, as every profile command takes them."""
    parser.add_argument("profile", type=Path, help="profile YAML file")
    parser.add_argument("--data", type=Path, help=data_help)
    if as_of_help is not None:
        parser.add_argument("--as-of", help=as_of_help)


def add_monte_carlo(
    parser: argparse.ArgumentParser, default: int | None, low: int = 0, high: int = 1_000_000
) -> None:
    """``--simulations`` and ``--seed`` of the economics' Monte Carlo."""
    shown = "the notebooks' own setting" if default is None else str(default)
    skips = "; 0 skips the Monte Carlo" if low == 0 else ""
    parser.add_argument(
        "--simulations",
        type=positive_int("--simulations", low, high),
        default=default,
        help=f"Monte Carlo scenarios, {low} to {high:,}{skips} (default {shown})",
    )
    parser.add_argument(
        "--seed",
        type=positive_int("--seed", *SEED_RANGE),
        default=0,
        help="Monte Carlo seed (default 0)",
    )


def add_kpi_options(parser: argparse.ArgumentParser, cadence: str = "monthly") -> None:
    """``--ambition`` (0-1) and ``--cadence`` of the KPI draft."""
    parser.add_argument(
        "--ambition",
        type=ambition_value,
        default=0.5,
        help="share of the gap to the best quartile the targets close in a year (0-1, default 0.5)",
    )
    parser.add_argument(
        "--cadence",
        choices=("monthly", "quarterly"),
        default=cadence,
        help=f"KPI measurement cadence (default {cadence})",
    )


def ambition_value(text: str) -> float:
    """argparse type of ``--ambition``: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--ambition must be a number, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"--ambition must be between 0 and 1, got {value:g}")
    return value


# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that make
# text read differently from what it holds ("Trojan source").
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character written out (``\\x1b``), for a terminal.

    Names from a profile or a data file reach the command's output and error messages; an
    escape sequence in one (``\\x1b]0;...``, ``\\x1b[2J``) would otherwise retitle, clear or
    recolour the user's terminal.

    Examples
    --------
    >>> terminal_safe("Manila\\x1b[2J\\tteam\\u202e")
    'Manila\\\\x1b[2J\\tteam\\\\u202e'
    """

    def spell(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROLS.sub(spell, text)


def json_terminal_safe(text: str) -> str:
    """JSON text with the controls JSON leaves raw (DEL, C1, bidi overrides) as ``\\u`` escapes:
    the same JSON value, harmless on a terminal."""
    return _CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def say(line: str) -> None:
    """One line on stderr (progress, warnings, errors), with control characters written out."""
    print(terminal_safe(line), file=sys.stderr, flush=True)


def emit(result: Any, args: argparse.Namespace, table: Callable[[Any], str] | None = None) -> None:
    """Write ``result`` as JSON or as readable text, to ``--out`` (atomically) or stdout.

    Text for the terminal has its control characters written out (:func:`terminal_safe`); a
    file written with ``--out`` holds the values as they are.
    """
    fmt = getattr(args, "format", "json")
    as_json = fmt == "json" or table is None
    text = dumps(result) if as_json or table is None else table(result)
    write_output(text, getattr(args, "out", None), is_json=as_json)


def write_output(payload: str | bytes, out: Path | None, *, is_json: bool = False) -> None:
    """A command's output to ``--out`` (atomically, values as they are) or to stdout.

    On a terminal, control characters in names are written out (:func:`terminal_safe`, or
    :func:`json_terminal_safe` for JSON). Binary output (PDF, xlsx) needs ``--out``.
    """
    if out:
        write_atomic(out, payload)
        say(f"wrote {out}")
        return
    if isinstance(payload, bytes):
        raise InputError("--out: this output is binary; give a file with --out FILE")
    text = json_terminal_safe(payload) if is_json else terminal_safe(payload)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def warn(lines: Iterable[str]) -> None:
    """Plausibility warnings on stderr, one line each (they also travel in the JSON notes)."""
    for line in lines:
        print(f"warning: {line}", file=sys.stderr)


def share_argument(option: str) -> Callable[[str], float]:
    """A share on the command line, as 0-1 or as a percentage (``50%`` or ``50``)."""

    def parse(text: str) -> float:
        raw = text.strip().rstrip("%").strip()
        try:
            value = float(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{option}: not a number: {text!r}") from None
        if text.strip().endswith("%") or value > 1:
            value /= 100
        if not 0 <= value <= 1:
            raise argparse.ArgumentTypeError(f"{option}: must be between 0 and 1 (or 0-100 %)")
        return value

    return parse


def parse_date(value: str, option: str = "--as-of") -> dt.date:
    """Parse YYYY-MM-DD or raise an :class:`InputError` naming the option."""
    try:
        date = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(f"{option}: '{value}' is not a date in YYYY-MM-DD form") from None
    if not EARLIEST_YEAR <= date.year <= LATEST_YEAR:
        raise InputError(
            f"{option}: {value} is outside the years {EARLIEST_YEAR}-{LATEST_YEAR} an analysis"
            " can speak for"
        )
    return date


def positive_int(name: str, low: int, high: int) -> Callable[[str], int]:
    """argparse type for an integer within ``[low, high]``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, got {text!r}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{name} must be between {low} and {high}, got {value}"
            )
        return value

    return parse


def progress(iterable: Iterable[T], total: int, label: str, enabled: bool = True) -> Iterable[T]:
    """Yield from ``iterable`` while drawing a one-line progress bar on stderr."""
    if not enabled or not sys.stderr.isatty():
        yield from iterable
        return
    width = 30
    for i, item in enumerate(iterable, 1):
        done = int(width * i / max(total, 1))
        sys.stderr.write(f"\r{label} [{'#' * done}{'.' * (width - done)}] {i}/{total}")
        sys.stderr.flush()
        yield item
    sys.stderr.write("\n")
