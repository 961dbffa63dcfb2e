"""``tpo-scoping kpis PROFILE``: draft KPI targets with milestones and detectability."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpo_scoping.kpis import KpiDraft

from tpo_scoping.cli._common import add_out, emit, parse_date, say


def ambition_value(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--ambition must be a number, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"--ambition must be between 0 and 1, got {value:g}")
    return value


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "kpis", help="draft KPI baselines, targets, milestones and detectability"
    )
    parser.add_argument("profile", type=Path, help="profile YAML file")
    parser.add_argument("--data", type=Path, help="performance data (default: the profile's)")
    parser.add_argument("--as-of", help="date of the needs analysis, YYYY-MM-DD")
    parser.add_argument(
        "--ambition",
        type=ambition_value,
        default=0.5,
        help="share of the gap to the best quartile to close in a year (0-1, default 0.5)",
    )
    parser.add_argument("--cadence", choices=("monthly", "quarterly"), default="monthly")
    parser.add_argument(
        "--format", choices=("table", "json", "xlsx"), default="table", help="output format"
    )
    add_out(parser)
    parser.set_defaults(run=run)


def _table(draft: KpiDraft) -> str:
    from tpo_scoping.presentation.kpis import kpi_table

    return "\n".join([kpi_table(draft).to_text(), "", *draft.notes])


def run(args: argparse.Namespace) -> int:
    from tpo_scoping.kpis import draft_kpis
    from tpo_scoping.profile import load_profile
    from tpo_scoping.scope import analyse, load_data

    profile = load_profile(args.profile)
    as_of = parse_date(args.as_of) if args.as_of else None
    needs = analyse(load_data(args.data, profile), profile, as_of)
    draft = draft_kpis(profile, needs, ambition=args.ambition, cadence=args.cadence)
    if args.format == "xlsx":
        from tpo_scoping.errors import InputError
        from tpo_scoping.report import kpis_to_xlsx
        from tpo_scoping.serialize import write_atomic

        if not args.out:
            raise InputError("--out: xlsx output is binary; give a file with --out FILE")
        write_atomic(args.out, kpis_to_xlsx(draft))
        say(f"wrote {args.out}")
        return 0
    emit(draft, args, _table)
    return 0
