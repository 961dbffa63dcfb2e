"""``tpo-scoping run-notebooks PROFILE --out DIR``: every consultant notebook for one prospect.

Writes the executed notebooks (for the consultant) and an HTML copy of each with inputs hidden
(for the client) into DIR. Progress goes to stderr. A cell that raises stops the run with one
message naming the notebook and the cell: exit 2 when the prospect's input is at fault (the cell
raised ``InputError``), 1 otherwise.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tpo_scoping.cli._common import add_monte_carlo, add_profile_inputs, parse_date, say
from tpo_scoping.errors import EXIT_BAD_INPUT, EXIT_INTERNAL

HELP = "execute the consultant notebooks for a prospect and export client HTML"
DESCRIPTION = (
    "Execute every consultant notebook for one prospect with papermill into DIR, and write"
    " an HTML copy of each with the code hidden, ready to send to the client."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_inputs(
        parser,
        "performance data: workbook, folder of CSVs or employees CSV (default: the"
        " profile's data.path)",
        as_of_help="analysis date YYYY-MM-DD (default: the data's latest)",
    )
    add_monte_carlo(parser, default=None, low=100, high=200_000)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--notebooks",
        type=Path,
        help="folder of notebooks to run (default: the workbench's notebooks/)",
    )
    parser.add_argument("--no-html", action="store_true", help="skip the client HTML copies")


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.notebooks.run import NotebookFailure, notebook_paths, run_notebooks

    as_of = parse_date(args.as_of) if args.as_of else None
    paths = notebook_paths(args.notebooks) if args.notebooks else None

    try:
        runs = run_notebooks(
            args.profile,
            args.out,
            data=args.data,
            as_of=as_of,
            seed=args.seed,
            simulations=args.simulations,
            notebooks=paths,
            html=not args.no_html,
            progress=say,
        )
    except NotebookFailure as exc:
        for line in exc.lines():
            say(f"error: {line}")
        return EXIT_BAD_INPUT if exc.bad_input else EXIT_INTERNAL
    total = sum(r.seconds for r in runs)
    say(f"wrote {len(runs)} notebook(s) to {args.out} in {total:.0f} s")
    return 0
