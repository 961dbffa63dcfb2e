"""``tpo-scoping track DIR``: every signed KPI, quarter by quarter, against the signed record.

``--format table`` (default) prints the latest quarter's review; ``json`` the whole result
(keys in the README); ``html``, ``pdf`` and ``xlsx`` write the quarterly business review
(``pdf`` and ``xlsx`` need ``--out``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tpo_scoping.cli._common import add_format, add_out, parse_date, say, write_output
from tpo_scoping.errors import InputError

HELP = "track a signed engagement's KPIs quarter by quarter; the quarterly review"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, help="engagement folder written by `sign`")
    parser.add_argument(
        "--as-of",
        help="track the quarters ended by this date, YYYY-MM-DD (default: the latest with data)",
    )
    parser.add_argument(
        "--quarter",
        help="the quarter the review is about, e.g. 2026Q1: tracked to its last day"
        " (default: the latest quarter with data)",
    )
    add_format(parser, ("table", "json", "html", "pdf", "xlsx"))
    add_out(parser)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.engagement import review, track
    from tpo_scoping.presentation.engagement import tracking_text
    from tpo_scoping.serialize import dumps

    if args.format in ("pdf", "xlsx") and not args.out:
        raise InputError(f"--out: {args.format} output is binary; give a file with --out FILE")
    if args.quarter and args.as_of:
        raise InputError("--quarter and --as-of: give one (a quarter is tracked to its last day)")
    if args.as_of:
        result = track(args.folder, parse_date(args.as_of))
    else:
        result = review(args.folder, args.quarter)
    payload: str | bytes
    if args.format == "json":
        payload = dumps(result.to_dict())
    elif args.format == "table":
        payload = tracking_text(result) + "\n"
    else:
        from tpo_scoping.report import qbr

        if args.format == "html":
            payload = qbr.render_html(result)
        elif args.format == "pdf":
            payload = qbr.render_pdf(result)
        else:
            payload = qbr.render_xlsx(result)
    for note in result.notes:
        say(f"note: {note}")
    write_output(payload, args.out, is_json=args.format == "json")
    return 0
