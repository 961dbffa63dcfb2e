"""``tpo-scoping sign PROFILE --start DATE --out DIR``: freeze a signed engagement into a folder.

The scope is built on the prospect's data as of the day before the start and written as the
engagement record (see :mod:`tpo_scoping.engagement.record`). A folder that already holds a
record is refused: nothing is overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tpo_scoping.cli._common import add_kpi_options, add_profile_inputs, parse_date

HELP = "freeze the agreed KPIs, clauses and plan into an engagement folder"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_profile_inputs(parser, as_of_help=None)
    parser.add_argument("--start", required=True, help="first day of the engagement, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, required=True, help="engagement folder to create")
    add_kpi_options(parser, cadence="quarterly")
    parser.add_argument("--signed-on", help="signing date written to the record (default today)")


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.engagement import sign
    from tpo_scoping.profile import load_profile

    start = parse_date(args.start, "--start")
    signed_on = parse_date(args.signed_on, "--signed-on") if args.signed_on else None
    profile = load_profile(args.profile)
    record = sign(
        profile,
        args.data,
        start,
        args.out,
        ambition=args.ambition,
        cadence=args.cadence,
        signed_on=signed_on,
    )
    detectable = [k.name for k in record.kpis.kpis if k.detectable]
    print(
        f"signed {record.prospect}, starting {record.start.isoformat()}, into {args.out}:"
        f" {len(record.kpis.kpis)} KPIs, {len(detectable)} detectable"
        f" ({', '.join(detectable) or 'none'}). Add each quarter's data under"
        f" {args.out}/data/{record.first_period.label}/ and so on.",
        file=sys.stderr,
    )
    return 0
