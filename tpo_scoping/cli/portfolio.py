"""``tpo-scoping portfolio DIR...``: every signed engagement in the folders, worst first.

``--format table`` (default) prints the list; ``json`` the rows; ``csv`` and ``xlsx`` export them
for the CRM (``xlsx`` needs ``--out``). Text cells are neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tpo_scoping.cli._common import add_format, add_out, write_output
from tpo_scoping.errors import InputError

HELP = "list signed engagements worst first; CSV and xlsx for the CRM"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folders", type=Path, nargs="+", help="engagement folders, or folders holding them"
    )
    add_format(parser, ("table", "json", "csv", "xlsx"))
    add_out(parser)


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.engagement import portfolio
    from tpo_scoping.presentation.engagement import portfolio_summary_rows, text_table
    from tpo_scoping.serialize import dumps

    if args.format == "xlsx" and not args.out:
        raise InputError("--out: xlsx output is binary; give a file with --out FILE")
    folio = portfolio(args.folders)
    payload: str | bytes
    if args.format == "json":
        payload = dumps(folio.to_dict())
    elif args.format == "table":
        payload = text_table(portfolio_summary_rows(folio)) + "\n"
    else:
        from tpo_scoping.report import qbr

        payload = qbr.portfolio_csv(folio) if args.format == "csv" else qbr.portfolio_xlsx(folio)
    write_output(payload, args.out, is_json=args.format == "json")
    return 0
